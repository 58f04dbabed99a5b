/**
 * The accounting client against scripted UDP peers: retransmission (new Identifier, new
 * Request Authenticator, growing Acct-Delay-Time), failover, and hostile responses.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { IdentifierPool, RadiusAccountingClient, RadiusTimeoutError, type RadiusAttribute } from '../../src/radius/index.js';
import { closedPort, UdpPeer, type Policy, type Received } from './udp-peer.js';

const SECRET = 'peer-secret';
const RECORD: RadiusAttribute[] = [
  { name: 'Acct-Status-Type', value: 'Start' },
  { name: 'Acct-Session-Id', value: 'sess-1' },
  { name: 'NAS-Identifier', value: 'dxgw-test' },
];

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function peer(policy?: Policy): Promise<UdpPeer> {
  const p = await UdpPeer.start(SECRET, policy);
  cleanup.push(() => p.close());
  return p;
}

function client(ports: number[], over: Partial<ConstructorParameters<typeof RadiusAccountingClient>[0]> = {}): RadiusAccountingClient {
  const c = new RadiusAccountingClient({ servers: ports.map((port) => ({ host: '127.0.0.1', port, secret: SECRET })), timeoutMs: 250, retries: 2, bindAddress: '127.0.0.1', ...over });
  cleanup.push(() => c.close());
  return c;
}

const delays = (p: UdpPeer): unknown[] => p.received.map((r) => r.decoded.attributes['Acct-Delay-Time']);
const ids = (p: UdpPeer): number[] => p.received.map((r) => r.decoded.identifier);
const auths = (p: UdpPeer): string[] => p.received.map((r) => r.decoded.authenticator.toString('hex'));

describe('RadiusAccountingClient', () => {
  it('sends once and resolves on a verified answer', async () => {
    const p = await peer((req: Received, _i: number, self: UdpPeer) => self.answer(req));
    const c = client([p.port]);
    const result = await c.send({ attributes: RECORD, delaySeconds: 5 });
    expect(result).toMatchObject({ server: `127.0.0.1:${p.port}`, transmissions: 1, delaySeconds: 5 });
    expect(p.received).toHaveLength(1);
    expect(p.received[0]!.authentic).toBe(true);
    expect(p.attr(0, 'Acct-Delay-Time')).toBe(5);
    expect(c.counters).toMatchObject({ requests: 1, transmissions: 1, retransmissions: 0, responses: 1, timeouts: 0 });
  });

  it('retransmits with a new identifier, a new authenticator and a larger Acct-Delay-Time, then gives up', async () => {
    const p = await peer(); // records, never answers
    const c = client([p.port], { retries: 3 });
    const err = await c.send({ attributes: RECORD, delaySeconds: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RadiusTimeoutError);
    expect(p.received).toHaveLength(4);
    const d = delays(p) as number[];
    expect(d[0]).toBe(10);
    for (let i = 1; i < d.length; i++) expect(d[i]!).toBeGreaterThan(d[i - 1]!);
    expect(new Set(ids(p)).size).toBe(4);
    expect(new Set(auths(p)).size).toBe(4);
    expect(p.received.every((r) => r.authentic)).toBe(true);
    expect(c.counters).toMatchObject({ requests: 1, transmissions: 4, retransmissions: 3, timeouts: 1, responses: 0 });
  });

  it('accepts the answer to the third transmission', async () => {
    const p = await peer((req: Received, i: number, self: UdpPeer) => (i === 2 ? self.answer(req) : undefined));
    const c = client([p.port]);
    const result = await c.send({ attributes: RECORD });
    expect(result.transmissions).toBe(3);
    expect(result.identifier).toBe(ids(p)[2]);
    expect(result.delaySeconds).toBe(p.attr(2, 'Acct-Delay-Time'));
    expect(delays(p)).toEqual([0, 1, 2]);
  });

  it('accepts a late answer to an earlier transmission (that version was recorded)', async () => {
    const p = await peer((_req: Received, i: number, self: UdpPeer) => {
      if (i === 1) self.reply(self.received[0]!, self.answer(self.received[0]!)); // answer #0 after #1 went out
    });
    const c = client([p.port]);
    const result = await c.send({ attributes: RECORD });
    expect(result.identifier).toBe(ids(p)[0]);
    expect(result.transmissions).toBe(2);
  });

  it('fails over to the next server when the first is silent', async () => {
    const first = await peer();
    const second = await peer((req: Received, _i: number, self: UdpPeer) => self.answer(req));
    const c = client([first.port, second.port]);
    const result = await c.send({ attributes: RECORD });
    expect(result.server).toBe(`127.0.0.1:${second.port}`);
    expect(first.received).toHaveLength(3);
    expect(second.received).toHaveLength(1);
    // The record kept ageing across servers.
    expect(second.attr(0, 'Acct-Delay-Time') as number).toBeGreaterThan(first.attr(2, 'Acct-Delay-Time') as number);
    expect(c.counters).toMatchObject({ failovers: 1, transmissions: 4, retransmissions: 3, responses: 1 });
  });

  it('with deadTimeMs, tries a server that just failed a whole record last', async () => {
    const first = await peer();
    const second = await peer((req: Received, _i: number, self: UdpPeer) => self.answer(req));
    const c = client([first.port, second.port], { deadTimeMs: 60_000 });
    await c.send({ attributes: RECORD });
    await c.send({ attributes: RECORD });
    expect(first.received).toHaveLength(3);
    expect(second.received).toHaveLength(2);
  });

  it('times out when the server port is closed (ICMP unreachable does not crash it)', async () => {
    const c = client([await closedPort()]);
    await expect(c.send({ attributes: RECORD })).rejects.toBeInstanceOf(RadiusTimeoutError);
    expect(c.counters).toMatchObject({ transmissions: 3, timeouts: 1 });
  });

  it('ignores forged and hostile responses, and keeps waiting for the real one', async () => {
    const forger = createSocket('udp4');
    await new Promise<void>((r) => forger.bind(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise((r) => forger.close(() => r())));
    const p = await peer((req: Received, i: number, self: UdpPeer) => {
      const good = self.answer(req);
      if (i === 0) {
        forger.send(good, req.from.port, req.from.address); // right bytes, wrong source port: the connected socket's kernel filter drops it
        const unknownId = self.answer({ ...req, decoded: { ...req.decoded, identifier: (req.decoded.identifier + 128) & 0xff } });
        const wrongCode = Buffer.from(good);
        wrongCode[0] = 2; // Access-Accept
        const badLength = Buffer.from(good);
        badLength.writeUInt16BE(4000, 2);
        return [self.answer(req, 'not-the-secret'), unknownId, Buffer.from('garbage'), Buffer.alloc(0), wrongCode, badLength];
      }
      return good;
    });
    const c = client([p.port], { timeoutMs: 300 });
    const result = await c.send({ attributes: RECORD });
    expect(result.transmissions).toBe(2);
    expect(c.counters).toMatchObject({ badAuthenticators: 1, unknownResponses: 1, malformedResponses: 4, responses: 1 });
  });

  it('survives a burst of random datagrams from the server', async () => {
    const p = await peer((req: Received, i: number, self: UdpPeer) => {
      if (i > 0) return self.answer(req);
      const junk: Buffer[] = [];
      for (let n = 0; n < 300; n++) {
        const d = randomBytes(randomInt(0, 64));
        if (d.length >= 20 && n % 2 === 0) {
          d[0] = 5; // pass the code check, fail later
          d[1] = req.decoded.identifier;
          d.writeUInt16BE(d.length, 2);
        }
        junk.push(d);
      }
      return junk;
    });
    const c = client([p.port], { timeoutMs: 500 });
    await expect(c.send({ attributes: RECORD })).resolves.toMatchObject({ transmissions: 2 });
    // Every datagram that got through the kernel's buffer was counted as a discard.
    const { badAuthenticators, malformedResponses, unknownResponses, responses } = c.counters;
    expect(badAuthenticators + malformedResponses + unknownResponses).toBeGreaterThan(0);
    expect(badAuthenticators + malformedResponses + unknownResponses).toBeLessThanOrEqual(300);
    expect(responses).toBe(1);
  });

  it('never has one identifier in flight twice', async () => {
    const seen: Received[] = [];
    const p = await peer((req: Received) => {
      seen.push(req);
      if (seen.length === 200) for (const r of seen) p.reply(r, p.answer(r));
    });
    const c = client([p.port], { timeoutMs: 5000, retries: 0 });
    await Promise.all(Array.from({ length: 200 }, () => c.send({ attributes: RECORD })));
    expect(new Set(ids(p)).size).toBe(200);
  });

  it('aborts a record when its signal fires', async () => {
    const p = await peer();
    const c = client([p.port], { timeoutMs: 5000 });
    const controller = new AbortController();
    const sending = c.send({ attributes: RECORD, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutdown')), 50);
    await expect(sending).rejects.toThrow('shutdown');
  });
});

describe('IdentifierPool', () => {
  it('hands out all 256 identifiers once, then waits for a release', async () => {
    const pool = new IdentifierPool(250);
    const got = Array.from({ length: 256 }, () => pool.tryAcquire()!);
    expect(new Set(got).size).toBe(256);
    expect(got.slice(0, 7)).toEqual([250, 251, 252, 253, 254, 255, 0]);
    expect(pool.tryAcquire()).toBeUndefined();
    const waiting = pool.acquire();
    pool.release(17);
    expect(await waiting).toBe(17);
  });

  it('does not hand back a just-released identifier before the others', () => {
    const pool = new IdentifierPool(0);
    const a = pool.tryAcquire()!;
    pool.release(a);
    expect(pool.tryAcquire()).toBe(1);
  });
});
