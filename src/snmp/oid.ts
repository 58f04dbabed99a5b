/**
 * OIDs as arrays of sub-identifiers: parsing, printing, ordering, and the index encodings of
 * DXGW-MIB (a length-prefixed string, RFC 2578 §7.7; an IpAddress as four sub-identifiers).
 */
export type Oid = readonly number[];

const MAX_SUBID = 0xffffffff;

/** "1.3.6.1" or ".1.3.6.1" → [1,3,6,1]; throws on anything else. */
export function parseOid(text: string): number[] {
  const body = text.startsWith('.') ? text.slice(1) : text;
  if (body === '') return [];
  return body.split('.').map((part) => {
    if (!/^\d{1,10}$/.test(part) || Number(part) > MAX_SUBID) throw new RangeError(`${JSON.stringify(text)} is not an OID`);
    return Number(part);
  });
}

/** Like parseOid, but undefined instead of an exception (for OIDs off the wire). */
export function tryParseOid(text: unknown): number[] | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return parseOid(text);
  } catch {
    return undefined;
  }
}

export const formatOid = (oid: Oid): string => oid.join('.');

/** Lexicographic order of SNMP: sub-identifier by sub-identifier, a prefix first. */
export function compareOids(a: Oid, b: Oid): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
}

/** True when `oid` is `prefix` itself or lies under it. */
export function startsWith(oid: Oid, prefix: Oid): boolean {
  if (oid.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (oid[i] !== prefix[i]) return false;
  return true;
}

/** A string index (not IMPLIED): its length, then one sub-identifier per byte (UTF-8). */
export function stringIndex(text: string): number[] {
  const bytes = Buffer.from(text, 'utf8');
  return [bytes.length, ...bytes];
}

/** An IpAddress index: its four octets. */
export function ipIndex(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** Reads a string index at `at`; undefined when the sub-identifiers cannot be one. */
export function readStringIndex(oid: Oid, at: number): { text: string; end: number } | undefined {
  const length = oid[at];
  if (length === undefined || length > 255 || at + 1 + length > oid.length) return undefined;
  const bytes = oid.slice(at + 1, at + 1 + length);
  if (bytes.some((b) => b > 255)) return undefined;
  return { text: Buffer.from(bytes).toString('utf8'), end: at + 1 + length };
}

/** Reads an IpAddress index at `at`. */
export function readIpIndex(oid: Oid, at: number): { ip: string; end: number } | undefined {
  if (at + 4 > oid.length) return undefined;
  const octets = oid.slice(at, at + 4);
  if (octets.some((b) => b > 255)) return undefined;
  return { ip: octets.join('.'), end: at + 4 };
}
