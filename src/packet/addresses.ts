/** Address formatting shared by every output (dotted quad, lowercase colon-separated hex). */

export function ipToString(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
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
  let out = HEX[bytes[start]!]!;
  for (let i = start + 1; i < end; i++) out += ':' + HEX[bytes[i]!]!;
  return out;
}

/** Bytes as a plain hex string without separators (compact raw option values). */
export function bytesToPlainHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  for (let i = start; i < end; i++) out += HEX[bytes[i]!]!;
  return out;
}
