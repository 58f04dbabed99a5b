/**
 * Varbind values as net-snmp's BER writer wants them. Counter64 must be a Buffer: the writer
 * passes it to writeBuffer as is, and a JS number crashes the agent on the first walk.
 */
import snmp from 'net-snmp';

export const T = {
  Integer: snmp.ObjectType.Integer,
  OctetString: snmp.ObjectType.OctetString,
  Oid: snmp.ObjectType.OID,
  IpAddress: snmp.ObjectType.IpAddress,
  Counter32: snmp.ObjectType.Counter,
  Gauge32: snmp.ObjectType.Gauge,
  TimeTicks: snmp.ObjectType.TimeTicks,
  Counter64: snmp.ObjectType.Counter64,
  Null: snmp.ObjectType.Null,
  NoSuchObject: snmp.ObjectType.NoSuchObject,
  NoSuchInstance: snmp.ObjectType.NoSuchInstance,
  EndOfMibView: snmp.ObjectType.EndOfMibView,
} as const;

export interface SnmpValue {
  type: number;
  value: unknown;
}

const UINT32_MAX = 0xffffffff;

export const integer = (n: number): SnmpValue => ({ type: T.Integer, value: n | 0 });
export const gauge32 = (n: number): SnmpValue => ({ type: T.Gauge32, value: clampU32(n) });
export const unsigned32 = gauge32;
export const octets = (bytes: Buffer): SnmpValue => ({ type: T.OctetString, value: bytes });
export const text = (s: string | null | undefined, maxBytes = 255): SnmpValue => octets(truncateUtf8(s ?? '', maxBytes));
export const ipAddress = (ip: string): SnmpValue => ({ type: T.IpAddress, value: /^\d{1,3}(\.\d{1,3}){3}$/.test(ip) ? ip : '0.0.0.0' });
export const objectId = (oid: readonly number[]): SnmpValue => ({ type: T.Oid, value: oid.join('.') });
export const timeTicks = (centiseconds: number): SnmpValue => ({ type: T.TimeTicks, value: Math.floor(centiseconds) % (UINT32_MAX + 1) });
export const counter64 = (n: number | bigint): SnmpValue => ({ type: T.Counter64, value: counter64Bytes(n) });

function clampU32(n: number): number {
  if (!Number.isFinite(n) || n < 0) return 0;
  return n > UINT32_MAX ? UINT32_MAX : Math.floor(n);
}

/** Unsigned 64-bit as minimal BER content octets (a leading 0 when the top bit is set). */
export function counter64Bytes(n: number | bigint): Buffer {
  let v = typeof n === 'bigint' ? n : BigInt(Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);
  v = BigInt.asUintN(64, v < 0n ? 0n : v);
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return Buffer.from(bytes);
}

/** "02:00:00:0b:01" (dxgw's printed form of MACs, client ids, option 82) → bytes; junk → empty. */
export function hexBytes(colonHex: string | null | undefined): Buffer {
  if (!colonHex) return EMPTY;
  // Pairs of hex digits, each pair but the last followed by ':' (or nothing: plain hex).
  const colons = colonHex.length > 2 && colonHex[2] === ':';
  const n = colons ? (colonHex.length + 1) / 3 : colonHex.length / 2;
  if (!Number.isInteger(n) || n > 255) return EMPTY;
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) {
    const at = colons ? i * 3 : i * 2;
    const hi = HEX_VALUE[colonHex.charCodeAt(at)] ?? -1;
    const lo = HEX_VALUE[colonHex.charCodeAt(at + 1)] ?? -1;
    if (hi < 0 || lo < 0 || (colons && i < n - 1 && colonHex[at + 2] !== ':')) return EMPTY;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

const EMPTY = Buffer.alloc(0);
const HEX_VALUE: number[] = [];
for (let c = 0; c < 128; c++) HEX_VALUE[c] = -1;
for (let d = 0; d < 16; d++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(d)] = d;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(d)] = d;
}

/** SNMPv2-TC DateAndTime in UTC (11 octets, with the '+0:0' zone). */
export function dateAndTime(ms: number): Buffer {
  const d = new Date(Number.isFinite(ms) ? ms : 0);
  const b = Buffer.alloc(11);
  b.writeUInt16BE(Math.min(65535, Math.max(0, d.getUTCFullYear())), 0);
  b[2] = d.getUTCMonth() + 1;
  b[3] = d.getUTCDate();
  b[4] = d.getUTCHours();
  b[5] = d.getUTCMinutes();
  b[6] = d.getUTCSeconds();
  b[7] = Math.floor(d.getUTCMilliseconds() / 100);
  b[8] = 0x2b; // '+'
  return b;
}

function truncateUtf8(s: string, maxBytes: number): Buffer {
  const b = Buffer.from(s, 'utf8');
  return b.length <= maxBytes ? b : b.subarray(0, maxBytes);
}
