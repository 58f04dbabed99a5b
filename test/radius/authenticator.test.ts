/** RFC 2866 §3 authenticators and response shape checks, byte for byte. */
import { createHash } from 'node:crypto';
import radius from 'radius';
import { describe, expect, it } from 'vitest';
import {
  accountingRequestAuthenticator,
  checkResponse,
  encodeAccountingRequest,
  ensureDictionary,
  responseAuthenticator,
  verifyResponseAuthenticator,
} from '../../src/radius/index.js';

const SECRET = 'xyzzy5461';

function request(id = 7): Buffer {
  return encodeAccountingRequest(id, SECRET, [
    { name: 'Acct-Status-Type', value: 'Start' },
    { name: 'Acct-Session-Id', value: 'abc' },
    { name: 'Acct-Delay-Time', value: 0 },
  ]);
}

/** A response built by hand: code 5, `id`, attributes, authenticator from the formula. */
function response(req: Buffer, attrs: Buffer = Buffer.alloc(0), secret = SECRET): Buffer {
  const packet = Buffer.concat([Buffer.from([5, req[1]!, 0, 0]), req.subarray(4, 20), attrs]);
  packet.writeUInt16BE(packet.length, 2);
  const auth = createHash('md5').update(packet).update(secret).digest(); // packet holds the Request Authenticator in place
  auth.copy(packet, 4);
  return packet;
}

describe('Accounting-Request authenticator', () => {
  it('is MD5(Code+ID+Length+16 zeros+Attributes+Secret), as the codec and FreeRADIUS compute it', () => {
    const req = request();
    const zeroed = Buffer.from(req);
    zeroed.fill(0, 4, 20);
    const expected = createHash('md5').update(zeroed).update(SECRET).digest();
    expect(accountingRequestAuthenticator(req, SECRET)).toEqual(expected);
    expect(req.subarray(4, 20)).toEqual(expected);
    ensureDictionary();
    expect(() => radius.decode({ packet: Buffer.from(req), secret: SECRET })).not.toThrow();
    expect(() => radius.decode({ packet: Buffer.from(req), secret: 'other' })).toThrow(/authenticator/);
  });
});

describe('Response Authenticator', () => {
  it('verifies a response built by the radius package and one built by hand', () => {
    const req = request();
    ensureDictionary();
    const decoded = radius.decode({ packet: Buffer.from(req), secret: SECRET });
    const byPackage = radius.encode_response({ packet: decoded, code: 'Accounting-Response', secret: SECRET });
    expect(verifyResponseAuthenticator(byPackage, req.subarray(4, 20), SECRET)).toBe(true);
    const byHand = response(req, Buffer.from([18, 5, 0x68, 0x69, 0x21])); // Reply-Message "hi!"
    expect(verifyResponseAuthenticator(byHand, req.subarray(4, 20), SECRET)).toBe(true);
    expect(responseAuthenticator(byHand, req.subarray(4, 20), SECRET)).toEqual(byHand.subarray(4, 20));
  });

  it('fails for the wrong secret, the wrong request and any changed byte', () => {
    const req = request();
    const res = response(req, Buffer.from([18, 5, 0x68, 0x69, 0x21]));
    const auth = req.subarray(4, 20);
    expect(verifyResponseAuthenticator(res, auth, 'wrong')).toBe(false);
    expect(verifyResponseAuthenticator(res, request(8).subarray(4, 20), SECRET)).toBe(false);
    for (let i = 0; i < res.length; i++) {
      if (i === 2 || i === 3) continue; // the Length field: a change makes a different-length packet
      const bad = Buffer.from(res);
      bad[i]! ^= 0x01;
      expect(verifyResponseAuthenticator(bad, auth, SECRET), `byte ${i}`).toBe(false);
    }
  });

  it('ignores padding after Length (RFC 2865 §3)', () => {
    const req = request();
    const padded = Buffer.concat([response(req), Buffer.from([1, 2, 3])]);
    expect(checkResponse(padded)).toMatchObject({ ok: true, header: { code: 5, identifier: 7, length: 20 } });
    expect(verifyResponseAuthenticator(padded, req.subarray(4, 20), SECRET)).toBe(true);
  });
});

describe('checkResponse', () => {
  const good = response(request(), Buffer.from([18, 3, 0x41]));
  const withLength = (buf: Buffer, length: number): Buffer => {
    const copy = Buffer.from(buf);
    copy.writeUInt16BE(length, 2);
    return copy;
  };

  it.each([
    ['empty', Buffer.alloc(0), /short/],
    ['19 bytes', Buffer.alloc(19, 5), /short/],
    ['Length below 20', withLength(good, 19), /outside/],
    ['Length above 4096', withLength(good, 5000), /outside/],
    ['Length beyond the datagram', withLength(good, good.length + 1), /beyond/],
    ['attribute length 0', Buffer.concat([good.subarray(0, 20), Buffer.from([18, 0, 0])]), /bad length|cut/],
    ['attribute past Length', withLength(Buffer.concat([good.subarray(0, 20), Buffer.from([18, 9, 0x41])]), 23), /bad length/],
    ['one stray byte', withLength(Buffer.concat([good.subarray(0, 20), Buffer.from([18])]), 21), /cut/],
  ])('rejects %s', (_name, datagram, reason) => {
    const result = checkResponse(datagram);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('accepts a well-formed response', () => {
    expect(checkResponse(good)).toEqual({ ok: true, header: { code: 5, identifier: 7, length: 23 } });
  });
});
