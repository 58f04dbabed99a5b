/**
 * Checks the shape of a datagram that claims to be a RADIUS response before anything trusts
 * it (RFC 2865 §3): header, Length, and an attribute list that walks to the end exactly.
 * Hostile input only ever yields a reason string, never an exception.
 */
export interface ResponseHeader {
  code: number;
  identifier: number;
  /** The Length field: bytes after it are padding (RFC 2865 §3) and ignored. */
  length: number;
}

export type ResponseCheck = { ok: true; header: ResponseHeader } | { ok: false; reason: string };

const HEADER = 20;
const MAX = 4096;

export function checkResponse(datagram: Buffer): ResponseCheck {
  if (datagram.length < HEADER) return { ok: false, reason: `short datagram (${datagram.length} bytes)` };
  const length = datagram.readUInt16BE(2);
  if (length < HEADER || length > MAX) return { ok: false, reason: `Length ${length} outside 20..4096` };
  if (length > datagram.length) return { ok: false, reason: `Length ${length} beyond the ${datagram.length}-byte datagram` };
  for (let at = HEADER; at < length; ) {
    if (at + 2 > length) return { ok: false, reason: `attribute header cut at byte ${at}` };
    const attrLength = datagram[at + 1]!;
    if (attrLength < 2 || at + attrLength > length) return { ok: false, reason: `attribute at byte ${at} has bad length ${attrLength}` };
    at += attrLength;
  }
  return { ok: true, header: { code: datagram[0]!, identifier: datagram[1]!, length } };
}
