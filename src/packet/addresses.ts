/** Address formatting shared by every output (dotted quad, lowercase colon-separated hex). */

// Text is assembled as bytes in a scratch buffer and decoded once: one flat string per
// call, where concatenation makes a chain of intermediate strings that Map keys and JSON
// later flatten again (the lease engine keeps these strings for the life of a binding).
const SCRATCH = Buffer.allocUnsafe(3 * 256);
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const DECIMAL = Array.from({ length: 256 }, (_, i) => Buffer.from(String(i), 'latin1'));

export function ipToString(ip: number): string {
  let p = 0;
  for (let shift = 24; shift >= 0; shift -= 8) {
    const digits = DECIMAL[(ip >>> shift) & 255]!;
    for (let j = 0; j < digits.length; j++) SCRATCH[p++] = digits[j]!;
    if (shift !== 0) SCRATCH[p++] = 46; // '.'
  }
  return SCRATCH.toString('latin1', 0, p);
}

/**
 * Parses a dotted quad strictly (four groups of 1-3 ASCII digits, each <= 255); returns
 * undefined for anything else. A hand-rolled scan: the lease store parses every binding's
 * address on the hot path.
 */
export function parseIp(text: string): number | undefined {
  const len = text.length;
  let ip = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return undefined;
      ip = ip * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (++digits > 3) return undefined;
      part = part * 10 + (c - 48);
      if (part > 255) return undefined;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0) return undefined;
  return ip * 256 + part;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Bytes as lowercase hex pairs joined by ':' (MAC addresses, client ids, raw option values). */
export function bytesToHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end <= start) return '';
  if (end - start > 256) {
    let out = HEX[bytes[start]!]!;
    for (let i = start + 1; i < end; i++) out += `:${HEX[bytes[i]!]!}`;
    return out;
  }
  let p = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (p !== 0) SCRATCH[p++] = 58; // ':'
    SCRATCH[p++] = HEX_DIGITS[b >> 4]!;
    SCRATCH[p++] = HEX_DIGITS[b & 15]!;
  }
  return SCRATCH.toString('latin1', 0, p);
}

/** Bytes as a plain hex string without separators (compact raw option values). */
export function bytesToPlainHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end <= start) return '';
  if (Buffer.isBuffer(bytes)) return bytes.toString('hex', start, end);
  let out = '';
  for (let i = start; i < end; i++) out += HEX[bytes[i]!]!;
  return out;
}
