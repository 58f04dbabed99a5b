/**
 * BER encoding of a response's varbind list, straight from OID sub-identifier arrays into one
 * scratch buffer. net-snmp's writer takes each OID as a dotted string and re-parses it (split,
 * regex, one array per arc): a third of the agent's time in a large walk. Everything else of
 * the message (header, community, USM, encryption) is still written by net-snmp.
 */
import { tryParseOid, type Oid } from './oid.js';
import { T } from './values.js';

const SEQUENCE = 0x30;
const OID_TAG = 0x06;
const NO_OID: Oid = [0, 0];

export interface EncodableVarbind {
  /** The OID as sub-identifiers; when absent, `oid` is parsed. */
  parts?: Oid;
  /** Or as a prefix plus an index whose sub-identifiers are char codes (table rows: no array per varbind). */
  prefix?: Oid;
  key?: string;
  oid?: string;
  type: number;
  value: unknown;
}

let scratch = Buffer.allocUnsafe(1 << 16);
let at = 0;

function ensure(n: number): void {
  if (at + n <= scratch.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(scratch.length * 2, at + n));
  scratch.copy(bigger, 0, 0, at);
  scratch = bigger;
}

const lengthSize = (n: number): number => (n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 4);

function writeLength(n: number): void {
  if (n < 0x80) scratch[at++] = n;
  else if (n < 0x100) {
    scratch[at++] = 0x81;
    scratch[at++] = n;
  } else if (n < 0x10000) {
    scratch[at++] = 0x82;
    scratch[at++] = n >>> 8;
    scratch[at++] = n & 0xff;
  } else {
    scratch[at++] = 0x83;
    scratch[at++] = (n >>> 16) & 0xff;
    scratch[at++] = (n >>> 8) & 0xff;
    scratch[at++] = n & 0xff;
  }
}

const subidSize = (v: number): number => (v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5);

/** Base 128, high bit on all but the last byte. */
function writeSubid(v: number): void {
  for (let shift = subidSize(v) - 1; shift > 0; shift--) scratch[at++] = (Math.floor(v / 2 ** (7 * shift)) & 0x7f) | 0x80;
  scratch[at++] = v & 0x7f;
}

function oidContentSize(oid: Oid): number {
  let n = subidSize((oid[0] ?? 0) * 40 + (oid[1] ?? 0));
  for (let i = 2; i < oid.length; i++) n += subidSize(oid[i]!);
  return n;
}

function writeOid(oid: Oid, size: number): void {
  scratch[at++] = OID_TAG;
  writeLength(size);
  writeSubid((oid[0] ?? 0) * 40 + (oid[1] ?? 0));
  for (let i = 2; i < oid.length; i++) writeSubid(oid[i]!);
}

/** Minimal two's complement of a signed 32-bit integer: how many bytes. */
function intSize(n: number): number {
  if (n >= -0x80 && n < 0x80) return 1;
  if (n >= -0x8000 && n < 0x8000) return 2;
  if (n >= -0x800000 && n < 0x800000) return 3;
  return 4;
}

/** Minimal unsigned 32-bit, with a leading 0 when the top bit is set. */
const uintSize = (u: number): number => (u < 0x80 ? 1 : u < 0x8000 ? 2 : u < 0x800000 ? 3 : u < 0x80000000 ? 4 : 5);

function writeBytesOf(n: number, size: number): void {
  for (let i = size - 1; i >= 0; i--) scratch[at++] = i >= 4 ? 0 : (n >>> (8 * i)) & 0xff;
}

function octetsOf(value: unknown): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : '', 'utf8');
}

/** Content size of a value; writeValue() then writes tag, length and content. */
function valueSize(type: number, value: unknown): number {
  switch (type) {
    case T.Integer:
      return intSize(Number(value) | 0);
    case T.Counter32:
    case T.Gauge32:
    case T.TimeTicks:
      return uintSize(Number(value) >>> 0);
    case T.OctetString:
    case T.Counter64:
    case 0x44: // Opaque
      return octetsOf(value).length;
    case T.IpAddress:
      return 4;
    case T.Oid:
      return oidContentSize(tryParseOid(value) ?? NO_OID);
    case 0x01: // Boolean (only ever echoed back in a SET response)
      return 1;
    default:
      return 0;
  }
}

function writeValue(type: number, value: unknown, size: number): void {
  switch (type) {
    case T.Integer:
      scratch[at++] = type;
      writeLength(size);
      return writeBytesOf(Number(value) | 0, size);
    case T.Counter32:
    case T.Gauge32:
    case T.TimeTicks:
      scratch[at++] = type;
      writeLength(size);
      return writeBytesOf(Number(value) >>> 0, size);
    case T.OctetString:
    case T.Counter64:
    case 0x44:
      scratch[at++] = type;
      writeLength(size);
      at += octetsOf(value).copy(scratch, at);
      return;
    case T.IpAddress: {
      const octets = String(value).split('.');
      scratch[at++] = type;
      writeLength(4);
      for (let i = 0; i < 4; i++) scratch[at++] = Number(octets[i] ?? 0) & 0xff;
      return;
    }
    case T.Oid:
      return writeOid(tryParseOid(value) ?? NO_OID, size);
    case 0x01:
      scratch[at++] = type;
      writeLength(1);
      scratch[at++] = value ? 0xff : 0;
      return;
    case T.NoSuchObject:
    case T.NoSuchInstance:
    case T.EndOfMibView:
      scratch[at++] = type;
      scratch[at++] = 0;
      return;
    default:
      scratch[at++] = T.Null;
      scratch[at++] = 0;
  }
}

function keyedOidSize(prefix: Oid, key: string): number {
  let n = oidContentSize(prefix);
  for (let i = 0; i < key.length; i++) n += subidSize(key.charCodeAt(i));
  return n;
}

/** The varbind list as one complete SEQUENCE (tag, length, content), in a fresh Buffer. */
export function encodeVarbindList(varbinds: readonly EncodableVarbind[]): Buffer {
  at = 0;
  for (const vb of varbinds) {
    const keyed = vb.prefix !== undefined && vb.key !== undefined;
    const oid = keyed ? vb.prefix! : (vb.parts ?? tryParseOid(vb.oid) ?? NO_OID);
    const oidSize = keyed ? keyedOidSize(oid, vb.key!) : oidContentSize(oid);
    const size = valueSize(vb.type, vb.value);
    const content = 1 + lengthSize(oidSize) + oidSize + 1 + lengthSize(size) + size;
    ensure(1 + lengthSize(content) + content);
    scratch[at++] = SEQUENCE;
    writeLength(content);
    writeOid(oid, oidSize);
    if (keyed) for (let i = 0; i < vb.key!.length; i++) writeSubid(vb.key!.charCodeAt(i));
    writeValue(vb.type, vb.value, size);
  }
  const body = at;
  const out = Buffer.allocUnsafe(1 + lengthSize(body) + body);
  out[0] = SEQUENCE;
  const head = encodeLengthInto(out, 1, body);
  scratch.copy(out, head, 0, body);
  return out;
}

function encodeLengthInto(buf: Buffer, offset: number, n: number): number {
  const size = lengthSize(n);
  if (size === 1) buf[offset] = n;
  else {
    buf[offset] = 0x80 | (size - 1);
    for (let i = 1; i < size; i++) buf[offset + i] = (n >>> (8 * (size - 1 - i))) & 0xff;
  }
  return offset + size;
}
