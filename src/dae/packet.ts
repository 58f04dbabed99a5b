/**
 * Datagram ⇄ packet for the DAE. Parsing never throws: hostile input yields a drop reason.
 * The structural walk (header, Length, attributes ending exactly at Length) is the one the
 * accounting client uses on its responses (src/radius/response.ts); it fits requests too.
 */
import { checkResponse } from '../radius/index.js';
import { requestKind, type RequestKind } from './protocol.js';

export interface RawAttribute {
  type: number;
  /** Value bytes (a view into the datagram). */
  value: Buffer;
  /** Offset of the attribute's type octet in the packet. */
  offset: number;
}

export interface DaeRequest {
  kind: RequestKind;
  code: number;
  identifier: number;
  authenticator: Buffer;
  /** The packet up to its Length (octets past it are padding, RFC 2865 §3). */
  packet: Buffer;
  attributes: RawAttribute[];
}

export type ParseResult = { ok: true; request: DaeRequest } | { ok: false; reason: 'malformed' | 'unsupported-code'; detail: string };

export function parseRequest(datagram: Buffer): ParseResult {
  const shape = checkResponse(datagram);
  if (!shape.ok) return { ok: false, reason: 'malformed', detail: shape.reason };
  const { code, identifier, length } = shape.header;
  const kind = requestKind(code);
  if (!kind) return { ok: false, reason: 'unsupported-code', detail: `code ${code} is not Disconnect-Request (40) or CoA-Request (43)` };
  const packet = datagram.subarray(0, length);
  const attributes: RawAttribute[] = [];
  for (let at = 20; at < length; at += packet[at + 1]!) {
    attributes.push({ type: packet[at]!, value: packet.subarray(at + 2, at + packet[at + 1]!), offset: at });
  }
  return { ok: true, request: { kind, code, identifier, authenticator: packet.subarray(4, 20), packet, attributes } };
}

/** A response's attributes as [type, value] pairs, in order. */
export type ResponseAttribute = [type: number, value: Buffer];

/** Header + attributes with a zero authenticator: auth.ts signs it in place. */
export function encodeResponse(code: number, identifier: number, attributes: readonly ResponseAttribute[]): Buffer {
  const length = 20 + attributes.reduce((n, [, v]) => n + 2 + v.length, 0);
  const out = Buffer.alloc(length);
  out[0] = code;
  out[1] = identifier;
  out.writeUInt16BE(length, 2);
  let at = 20;
  for (const [type, value] of attributes) {
    out[at] = type;
    out[at + 1] = value.length + 2;
    value.copy(out, at + 2);
    at += value.length + 2;
  }
  return out;
}

export const integerValue = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
