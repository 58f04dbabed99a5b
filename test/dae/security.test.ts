/**
 * What a forged, replayed or hostile request can do: nothing. Wrong secret and unlisted
 * sources get no answer and are logged; a retransmission gets the first answer again and is
 * applied once; garbage is counted and dropped, and the server keeps answering.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { DaeServer } from '../../src/dae/index.js';
import { parseConfig } from '../../src/config/load.js';
import { requireTool } from '../helpers/tools.js';
import { eventsAfter, outboxEnd, radclient, replayedStore, SECRET, startDae, type LogLine } from './harness.js';
import { RawClient, readAnswer, request, str, u32, type Attr } from './raw.js';

let server: DaeServer | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  while (clients.length) clients.pop()!.close();
  await server?.stop();
  server = undefined;
});

async function setup(over: Parameters<typeof startDae>[1] = {}) {
  const store = await replayedStore();
  const started = await startDae(store, over);
  server = started.server;
  return { store, logs: started.logs, port: server.address().port, snapshot: async () => JSON.stringify(await store.list()) };
}

async function rawClient(from?: string): Promise<RawClient> {
  const c = await RawClient.open(from);
  clients.push(c);
  return c;
}

const M02_IP = '192.0.2.13';
const byIp = (ip = M02_IP): Attr[] => [[8, Buffer.from(ip.split('.').map(Number))]];
const warned = (logs: LogLine[], reason: string) => logs.filter((l) => l.level === 'warn' && l.fields.reason === reason);

describe.runIf(requireTool('radclient'))('forged requests (radclient)', () => {
  it('wrong secret: no answer (radclient times out), nothing changed, counted and logged', async () => {
    const { port, logs, snapshot } = await setup();
    const before = await snapshot();
    const { reply, output } = await radclient(port, 'disconnect', `Framed-IP-Address = ${M02_IP}`, 'not-the-secret');
    expect(reply).toBeNull();
    expect(output).toContain('No reply');
    expect(await snapshot()).toBe(before);
    expect(server!.counters.dropped['bad-authenticator']).toBe(1);
    expect(warned(logs, 'bad-authenticator')[0]!.fields).toMatchObject({ client: '127.0.0.1' });
    expect(JSON.stringify(logs)).not.toContain(SECRET);
  });

  it('a source not in dae.clients: no answer, logged; the same request from the listed address is answered', async () => {
    const config = parseConfig({ site: 'dae', dae: { enabled: true, listen: '127.0.0.1:0', clients: [{ address: '127.0.0.2', secret: SECRET }] } });
    const { port, logs, snapshot } = await setup({ config: config.dae });
    const before = await snapshot();
    // radclient sends from 127.0.0.1 (the kernel's source for loopback destinations).
    const { reply } = await radclient(port, 'disconnect', `Framed-IP-Address = ${M02_IP}`);
    expect(reply).toBeNull();
    expect(await snapshot()).toBe(before);
    expect(server!.counters.dropped['unknown-client']).toBe(1);
    expect(warned(logs, 'unknown-client')[0]!.fields).toMatchObject({ client: '127.0.0.1' });

    const listed = await rawClient('127.0.0.2');
    const req = request(40, 7, byIp(), SECRET);
    const answer = readAnswer((await listed.exchange(port, req))!, req, SECRET);
    expect(answer).toMatchObject({ code: 41, id: 7, authentic: true });
  });
});

describe('exact bytes', () => {
  it('a retransmission (same source, identifier, authenticator) gets the same answer and is applied once', async () => {
    const { port, store } = await setup();
    const from = await outboxEnd(store);
    const client = await rawClient();
    const req = request(40, 42, byIp(), SECRET);
    const first = await client.exchange(port, req);
    const again = await client.exchange(port, req);
    expect(readAnswer(first!, req, SECRET)).toMatchObject({ code: 41, authentic: true });
    expect(again).toEqual(first);
    expect((await eventsAfter(store, from)).map((e) => e.type)).toEqual(['interface-deleted', 'address-deleted']);
    expect(server!.counters).toMatchObject({ duplicates: 1, requests: { 'Disconnect-Request': 1 }, acks: { 'Disconnect-ACK': 1 } });

    // From another port it is a new request: the session is gone by now.
    const other = await rawClient();
    expect(readAnswer((await other.exchange(port, req))!, req, SECRET).errorCause).toBe(503);
  });

  it('copies arriving while the first is being applied wait for its answer', async () => {
    const { port, store } = await setup();
    const from = await outboxEnd(store);
    const client = await rawClient();
    const req = request(40, 9, byIp(), SECRET);
    const answers = await client.burst(port, [req, req, req]);
    expect(answers).toHaveLength(3);
    expect(new Set(answers.map((a) => a.toString('hex'))).size).toBe(1);
    expect(readAnswer(answers[0]!, req, SECRET).code).toBe(41);
    expect(await eventsAfter(store, from)).toHaveLength(2);
  });

  it('a wrong Message-Authenticator is dropped; a right one answered with one', async () => {
    const { port, logs } = await setup();
    const client = await rawClient();
    expect(await client.exchange(port, request(40, 1, byIp(), SECRET, { messageAuthenticator: 'bad' }))).toBeNull();
    expect(server!.counters.dropped['bad-message-authenticator']).toBe(1);
    expect(warned(logs, 'bad-message-authenticator')).toHaveLength(1);
    const req = request(40, 2, byIp(), SECRET, { messageAuthenticator: true });
    const answer = readAnswer((await client.exchange(port, req))!, req, SECRET);
    expect(answer).toMatchObject({ code: 41, authentic: true });
    expect(answer.attrs.map(([t]) => t)).toEqual([80]);
  });

  it('Event-Timestamp outside the replay window is dropped; a current one accepted', async () => {
    const { port } = await setup();
    const client = await rawClient();
    const now = Math.floor(Date.now() / 1000);
    expect(await client.exchange(port, request(40, 3, [...byIp(), [55, u32(now - 3600)]], SECRET))).toBeNull();
    expect(server!.counters.dropped['stale-timestamp']).toBe(1);
    const req = request(40, 4, [...byIp(), [55, u32(now)]], SECRET);
    expect(readAnswer((await client.exchange(port, req))!, req, SECRET).code).toBe(41);
  });

  it('octets past Length are padding (RFC 2865 §3): accepted', async () => {
    const { port } = await setup();
    const client = await rawClient();
    const req = request(40, 5, byIp(), SECRET);
    const answer = await client.exchange(port, Buffer.concat([req, Buffer.alloc(7, 0xee)]));
    expect(readAnswer(answer!, req, SECRET).code).toBe(41);
  });

  it('hostile datagrams: no answer, counted by reason, never a crash', async () => {
    const { port, logs, snapshot } = await setup();
    const before = await snapshot();
    const client = await rawClient();
    const valid = request(40, 6, byIp(), SECRET);
    const withLength = (p: Buffer, n: number) => {
      const c = Buffer.from(p);
      c.writeUInt16BE(n, 2);
      return c;
    };
    // The valid header with other attribute bytes (Length adjusted to cover them).
    const withAttributes = (...bytes: number[]) => withLength(Buffer.concat([valid.subarray(0, 20), Buffer.from(bytes)]), 20 + bytes.length);
    const hostile = [
      Buffer.alloc(0),
      Buffer.from([40]),
      valid.subarray(0, 19), // short
      withLength(valid, 19), // Length below 20
      withLength(valid, valid.length + 1), // Length beyond the datagram
      withLength(valid, 5000),
      withAttributes(8, 0), // attribute length 0
      withAttributes(8, 1, 0), // attribute length 1
      withAttributes(8, 9, 1, 2), // attribute runs past Length
      Buffer.from([1, ...valid.subarray(1)]), // Access-Request
      Buffer.from([41, ...valid.subarray(1)]), // a Disconnect-ACK sent to us
      Buffer.from([44, ...valid.subarray(1)]), // a CoA-ACK
    ];
    expect(await client.burst(port, hostile)).toEqual([]);
    expect(server!.counters.dropped).toMatchObject({ malformed: 9, 'unsupported-code': 3 });
    expect(await snapshot()).toBe(before);
    expect(logs.some((l) => l.level === 'error')).toBe(false);
  });

  it('fuzz: random datagrams and randomly mutated requests never crash it; it answers afterwards', { timeout: 60_000 }, async () => {
    const { port, logs } = await setup();
    const client = await rawClient();
    const valid = request(43, 10, [[44, str('0000000000000000')], [11, str('gold')]], SECRET);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 0, maxLength: 300 }).map((b) => Buffer.from(b)),
          // A valid request with bytes overwritten (mostly caught by the authenticator).
          fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }).map((edits) => {
            const c = Buffer.from(valid);
            for (const [at, v] of edits) c[at] = v;
            return c;
          }),
          // Authenticated requests with random attributes: exercises the attribute reader.
          fc
            .tuple(fc.constantFrom<40 | 43>(40, 43), fc.array(fc.tuple(fc.integer({ min: 1, max: 255 }), fc.uint8Array({ maxLength: 20 })), { maxLength: 6 }))
            .map(([code, attrs]) => request(code, 11, attrs.map(([t, v]): Attr => [t, Buffer.from(v)]), SECRET)),
        ),
        async (datagram) => {
          await client.burst(port, [datagram], 0);
        },
      ),
      { numRuns: 1500, seed: 5176 },
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    const c = server!.counters;
    expect(c.datagrams).toBe(1500);
    const answered = Object.values(c.naks).reduce((a, b) => a + b, 0) + c.acks['CoA-ACK'] + c.acks['Disconnect-ACK'];
    const dropped = Object.values(c.dropped).reduce((a, b) => a + b, 0);
    expect(answered + dropped + c.duplicates).toBe(1500);
    const req = request(40, 12, byIp('192.0.2.12'), SECRET);
    expect(readAnswer((await client.exchange(port, req))!, req, SECRET).code).toBe(41);
  });
});
