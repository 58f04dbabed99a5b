/** Builds a signed ACK or NAK for a request (RFC 5176 §3.5, §3.6). */
import { signResponse } from './auth.js';
import type { DaeRequest, ResponseAttribute } from './packet.js';
import { encodeResponse, integerValue } from './packet.js';
import { ackCode, ATTR, nakCode, type ErrorCause } from './protocol.js';

/** An ACK when `cause` is undefined, else a NAK carrying it as Error-Cause. */
export function buildAnswer(request: DaeRequest, secret: string, cause?: ErrorCause): Buffer {
  const attributes: ResponseAttribute[] = [];
  if (cause !== undefined) attributes.push([ATTR.ERROR_CAUSE, integerValue(cause)]);
  // RFC 5176 §3.6 note 4: Proxy-State copied in order; RFC 3579 §3.2: a request with a
  // Message-Authenticator gets one back (zeroed here, filled in by signResponse).
  for (const a of request.attributes) if (a.type === ATTR.PROXY_STATE) attributes.push([ATTR.PROXY_STATE, a.value]);
  if (request.attributes.some((a) => a.type === ATTR.MESSAGE_AUTHENTICATOR)) attributes.push([ATTR.MESSAGE_AUTHENTICATOR, Buffer.alloc(16)]);
  const code = cause === undefined ? ackCode(request.kind) : nakCode(request.kind);
  return signResponse(encodeResponse(code, request.identifier, attributes), request.authenticator, secret);
}
