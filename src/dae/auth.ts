/**
 * RFC 5176 §3.5 authentication. The Request Authenticator is computed as for an
 * Accounting-Request (MD5 over the packet with 16 zero octets in its place, then the
 * secret), so the accounting helper's math is reused; comparisons are constant-time.
 * Message-Authenticator (RFC 3579 §3.2) is HMAC-MD5 keyed with the secret: over the request
 * with a zeroed authenticator field (as FreeRADIUS computes it for CoA/Disconnect), and over
 * the response with the Request Authenticator in place.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { accountingRequestAuthenticator, responseAuthenticator } from '../radius/index.js';
import type { DaeRequest } from './packet.js';
import { ATTR } from './protocol.js';

export type AuthResult = { ok: true; messageAuthenticator: boolean } | { ok: false; reason: 'bad-authenticator' | 'bad-message-authenticator' };

function hmac(packet: Buffer, secret: string): Buffer {
  return createHmac('md5', secret).update(packet).digest();
}

/** A copy of `packet` with `authenticator` in the header and the Message-Authenticator value zeroed. */
function forHmac(packet: Buffer, authenticator: Buffer, maOffset: number): Buffer {
  const copy = Buffer.from(packet);
  authenticator.copy(copy, 4);
  copy.fill(0, maOffset + 2, maOffset + 18);
  return copy;
}

export function verifyRequest(request: DaeRequest, secret: string): AuthResult {
  const expected = accountingRequestAuthenticator(request.packet, secret);
  if (!timingSafeEqual(expected, request.authenticator)) return { ok: false, reason: 'bad-authenticator' };
  const mas = request.attributes.filter((a) => a.type === ATTR.MESSAGE_AUTHENTICATOR);
  if (mas.length === 0) return { ok: true, messageAuthenticator: false };
  // RFC 3579 §3.2: exactly one, 16 octets.
  if (mas.length > 1 || mas[0]!.value.length !== 16) return { ok: false, reason: 'bad-message-authenticator' };
  const digest = hmac(forHmac(request.packet, Buffer.alloc(16), mas[0]!.offset), secret);
  return timingSafeEqual(digest, mas[0]!.value) ? { ok: true, messageAuthenticator: true } : { ok: false, reason: 'bad-message-authenticator' };
}

/**
 * Signs an encoded response in place: Message-Authenticator first (when the response has
 * one, its value zeroed by the encoder), then the Response Authenticator over the result.
 */
export function signResponse(response: Buffer, requestAuthenticator: Buffer, secret: string): Buffer {
  for (let at = 20; at < response.length; at += response[at + 1]!) {
    if (response[at] !== ATTR.MESSAGE_AUTHENTICATOR) continue;
    hmac(forHmac(response, requestAuthenticator, at), secret).copy(response, at + 2);
  }
  responseAuthenticator(response, requestAuthenticator, secret).copy(response, 4);
  return response;
}
