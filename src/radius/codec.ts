/**
 * Accounting-Request encoding. Names, numbers, types and VALUE names come from the `radius`
 * package's dictionaries (its bundled RFC ones plus src/radius/dictionary.dxgw); the bytes
 * are written here, into one buffer per packet: the package's own encoder allocated through
 * the deprecated Buffer() constructor and a buffer per attribute, and was most of a record's
 * CPU (bench/radius.mjs). Every vendor attribute goes into a Vendor-Specific attribute of its
 * own, as FreeRADIUS and JunosE send them.
 */
import { createHash } from 'node:crypto';
import radius from 'radius';
import { ensureDictionary, ERX_VENDOR } from './dictionary.js';
import { RadiusEncodeError } from './errors.js';

export type RadiusValue = string | number | Date | Buffer;

export interface RadiusAttribute {
  /** A dictionary name, e.g. 'Framed-IP-Address' or 'ERX-Dhcp-Options'. */
  name: string;
  value: RadiusValue;
  /** Vendor id for a vendor-specific attribute (ERX: 4874). */
  vendor?: number;
}

export const CODE_ACCOUNTING_REQUEST = 4;
export const CODE_ACCOUNTING_RESPONSE = 5;
/** RFC 2865 §3: the largest packet. */
export const MAX_PACKET = 4096;

/** Where a dictionary name lives and its type ('string', 'integer', 'ipaddr', 'octets', …), standard names first. */
export function lookupAttribute(name: string): { vendor?: number; type: string } | undefined {
  ensureDictionary();
  // null: a VALUE line for a name no ATTRIBUTE line defined.
  const standard = radius._attr_to(name, undefined, 2);
  if (standard != null) return name === 'Vendor-Specific' ? undefined : { type: standard };
  const erx = radius._attr_to(name, ERX_VENDOR, 2);
  return erx == null ? undefined : { vendor: ERX_VENDOR, type: erx };
}

/** Value bytes one attribute can carry: 255 − type − length (− 6 for the Vendor-Specific wrapper). */
export const maxValueLength = (vendor?: number): number => (vendor === undefined ? 253 : 247);

interface AttributeInfo {
  id: number;
  type: string;
  /** VALUE name → number, for integer attributes. */
  values: Readonly<Record<string, string>> | undefined;
}

/** Dictionary facts per vendor (0: standard) and name; null: no such attribute. */
const infoCache = new Map<number, Map<string, AttributeInfo | null>>();

function attributeInfo(name: string, vendor: number | undefined): AttributeInfo | null {
  let names = infoCache.get(vendor ?? 0);
  if (!names) {
    names = new Map();
    infoCache.set(vendor ?? 0, names);
  }
  let info = names.get(name);
  if (info === undefined) {
    const id = Number(radius.attr_name_to_id(name, vendor));
    const type = radius._attr_to(name, vendor, 2);
    info = Number.isInteger(id) && id > 0 && id < 256 && type != null && name !== 'Vendor-Specific' ? { id, type, values: radius._attr_to(name, vendor, 4) } : null;
    names.set(name, info);
  }
  return info;
}

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function uint32(name: string, n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RadiusEncodeError(`${name}: ${n} is not a 32-bit unsigned integer`);
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n);
  return b;
}

/** The value's bytes for the attribute's dictionary type; a RadiusEncodeError for what cannot be one. */
function valueBytes(name: string, value: RadiusValue, info: AttributeInfo): Buffer {
  switch (info.type) {
    case 'string':
    case 'text':
    case 'octets':
      if (Buffer.isBuffer(value)) return value;
      if (typeof value === 'string') return Buffer.from(value, 'utf8');
      break;
    case 'ipaddr': {
      const m = typeof value === 'string' ? DOTTED_QUAD.exec(value) : null;
      const bytes = m ? [m[1], m[2], m[3], m[4]].map(Number) : [];
      if (bytes.length === 4 && bytes.every((b) => b <= 255)) return Buffer.from(bytes);
      break;
    }
    case 'integer': {
      if (typeof value === 'number') return uint32(name, value);
      if (typeof value !== 'string') break;
      const named = info.values && Object.hasOwn(info.values, value) ? info.values[value] : undefined;
      if (named !== undefined) return uint32(name, Number(named));
      if (/^\d+$/.test(value)) return uint32(name, Number(value));
      throw new RadiusEncodeError(`${name}: ${JSON.stringify(value)} is neither a number nor a value name the dictionary knows`);
    }
    case 'date':
      if (value instanceof Date) return uint32(name, Math.floor(value.getTime() / 1000));
      if (typeof value === 'number') return uint32(name, value);
      break;
    default:
      throw new RadiusEncodeError(`${name}: attributes of type ${info.type} are not supported`);
  }
  throw new RadiusEncodeError(`${name}: ${JSON.stringify(value)} is not a valid ${info.type}`);
}

/** Wire form of one attribute (header included), or undefined for an empty string, which RFC 2865 §5 forbids sending. */
function encodeAttribute({ name, value, vendor }: RadiusAttribute): Buffer | undefined {
  const info = attributeInfo(name, vendor);
  if (!info) throw new RadiusEncodeError(vendor === undefined ? `unknown attribute ${name}` : `unknown vendor attribute ${name}`);
  const bytes = valueBytes(name, value, info);
  if (bytes.length === 0) return undefined;
  if (bytes.length > maxValueLength(vendor)) {
    throw new RadiusEncodeError(`${name} is ${bytes.length} bytes, more than the ${maxValueLength(vendor)} one attribute can carry`);
  }
  if (vendor === undefined) {
    const out = Buffer.allocUnsafe(2 + bytes.length);
    out[0] = info.id;
    out[1] = out.length;
    bytes.copy(out, 2);
    return out;
  }
  // Vendor-Specific (26): length, vendor id, then the vendor's own type, length, value.
  const out = Buffer.allocUnsafe(8 + bytes.length);
  out[0] = 26;
  out[1] = out.length;
  out.writeUInt32BE(vendor, 2);
  out[6] = info.id;
  out[7] = 2 + bytes.length;
  bytes.copy(out, 8);
  return out;
}

/**
 * An Accounting-Request with `identifier`: the Request Authenticator is
 * MD5(Code+Identifier+Length+16 zero octets+Attributes+Secret) (RFC 2866 §3).
 */
export function encodeAccountingRequest(identifier: number, secret: string, attributes: readonly RadiusAttribute[]): Buffer {
  ensureDictionary();
  const parts: Buffer[] = [];
  let length = 20;
  for (const attribute of attributes) {
    const part = encodeAttribute(attribute);
    if (!part) continue;
    parts.push(part);
    length += part.length;
  }
  if (length > MAX_PACKET) throw new RadiusEncodeError(`Accounting-Request would be ${length} bytes, longer than ${MAX_PACKET}`);
  const packet = Buffer.alloc(length); // zeroed: the authenticator field is 16 zero octets while hashing
  packet[0] = CODE_ACCOUNTING_REQUEST;
  packet[1] = identifier & 0xff;
  packet.writeUInt16BE(length, 2);
  let at = 20;
  for (const part of parts) at += part.copy(packet, at);
  createHash('md5').update(packet).update(secret).digest().copy(packet, 4);
  return packet;
}
