/** Address formatting shared by every output (dotted quad, lowercase colon-separated hex). */

export function ipToString(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

/** Parses a dotted quad strictly; returns undefined for anything else. */
export function parseIp(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let ip = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    ip = ip * 256 + n;
  }
  return ip;
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
