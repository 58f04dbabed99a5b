/**
 * Accounting-Request encoding through the `radius` package (attribute codec and the RFC 2866
 * Request Authenticator). dxgw's attribute lists are plain objects; every vendor attribute
 * goes into a Vendor-Specific attribute of its own, as FreeRADIUS and JunosE send them.
 */
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

function byteLength(value: RadiusValue): number | undefined {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (Buffer.isBuffer(value)) return value.length;
  return undefined;
}

function toCodec(attributes: readonly RadiusAttribute[]): radius.Attribute[] {
  const out: radius.Attribute[] = [];
  for (const { name, value, vendor } of attributes) {
    const length = byteLength(value);
    // RFC 2865 §5: no empty string attributes (the codec would drop strings but not buffers).
    if (length === 0) continue;
    if (length !== undefined && length > maxValueLength(vendor)) {
      throw new RadiusEncodeError(`${name} is ${length} bytes, more than the ${maxValueLength(vendor)} one attribute can carry`);
    }
    if (vendor !== undefined && radius.attr_name_to_id(name, vendor) === undefined) throw new RadiusEncodeError(`unknown vendor attribute ${name}`);
    out.push(vendor === undefined ? [name, value] : ['Vendor-Specific', vendor, [[name, value]]]);
  }
  return out;
}

/**
 * An Accounting-Request with `identifier`: the codec fills in the Request Authenticator
 * MD5(Code+Identifier+Length+16 zero octets+Attributes+Secret) (RFC 2866 §3).
 */
export function encodeAccountingRequest(identifier: number, secret: string, attributes: readonly RadiusAttribute[]): Buffer {
  ensureDictionary();
  let packet: Buffer;
  try {
    packet = radius.encode({ code: 'Accounting-Request', identifier, secret, attributes: toCodec(attributes), add_message_authenticator: false });
  } catch (err) {
    if (err instanceof RadiusEncodeError) throw err;
    // The codec throws plain Errors (unknown names, bad values) and RangeErrors past 4096 bytes.
    throw new RadiusEncodeError(`cannot encode Accounting-Request: ${(err as Error).message}`, { cause: err });
  }
  // Past 4096 bytes the codec truncates its buffer silently: the Length field then disagrees.
  if (packet.readUInt16BE(2) !== packet.length) throw new RadiusEncodeError(`Accounting-Request would be longer than ${MAX_PACKET} bytes`);
  return packet;
}
