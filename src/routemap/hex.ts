/**
 * Hex helpers for subscriber identifiers. Everything here runs on wire-derived strings, so
 * malformed input yields null instead of throwing.
 */

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

/** Colon-separated or plain hex → bytes; null if it is not hex. */
export function hexToBytes(hex: string): number[] | null {
  const bytes: number[] = [];
  let high = -1;
  for (let i = 0; i < hex.length; i++) {
    const code = hex.charCodeAt(i);
    if (code === 58 /* : */) {
      if (high !== -1) return null;
      continue;
    }
    const n = nibble(code);
    if (n < 0) return null;
    if (high === -1) high = n;
    else {
      bytes.push(high * 16 + n);
      high = -1;
    }
  }
  return high === -1 ? bytes : null;
}

/** The bytes as latin1 text (one char per byte), for text regexes on option 82 sub-options. */
export function hexToLatin1(hex: string): string | null {
  const bytes = hexToBytes(hex);
  return bytes === null ? null : latin1(bytes);
}

// A loop, not String.fromCharCode(...bytes): hostile input may exceed the argument limit.
function latin1(bytes: number[]): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return text;
}

/** Text when every byte is printable ASCII, else the hex as given: what templates show. */
export function displayText(hex: string | null): string {
  if (hex === null) return '';
  const bytes = hexToBytes(hex);
  if (bytes === null || bytes.length === 0) return hex;
  for (const b of bytes) if (b < 0x20 || b > 0x7e) return hex;
  return latin1(bytes);
}
