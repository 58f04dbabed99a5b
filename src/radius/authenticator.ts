/**
 * RFC 2866 §3 authenticators, computed here byte for byte. The `radius` package's own
 * verify_response compares digests as UTF-8 strings (lossy: distinct digests can compare
 * equal) and not in constant time, so responses are checked with timingSafeEqual instead.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const AUTH_START = 4;
const AUTH_END = 20;

/** MD5(Code+Identifier+Length+`authenticator`+Attributes+Secret) over `packet` (its Length bytes). */
function digest(packet: Buffer, authenticator: Buffer, secret: string | Buffer): Buffer {
  const length = packet.readUInt16BE(2);
  return createHash('md5')
    .update(packet.subarray(0, AUTH_START))
    .update(authenticator)
    .update(packet.subarray(AUTH_END, length))
    .update(secret)
    .digest();
}

/** What an Accounting-Request's authenticator must be: the digest with 16 zero octets in its place. */
export function accountingRequestAuthenticator(request: Buffer, secret: string | Buffer): Buffer {
  return digest(request, Buffer.alloc(16), secret);
}

/** What a response's authenticator must be, given the Request Authenticator of the request it answers. */
export function responseAuthenticator(response: Buffer, requestAuthenticator: Buffer, secret: string | Buffer): Buffer {
  return digest(response, requestAuthenticator, secret);
}

/**
 * True when `response` (at least 20 bytes, Length within it) carries the right Response
 * Authenticator for the request whose authenticator is `requestAuthenticator`.
 */
export function verifyResponseAuthenticator(response: Buffer, requestAuthenticator: Buffer, secret: string | Buffer): boolean {
  const expected = responseAuthenticator(response, requestAuthenticator, secret);
  return timingSafeEqual(expected, response.subarray(AUTH_START, AUTH_END));
}
