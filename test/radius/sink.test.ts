/** RadiusSink behaviour that needs no FreeRADIUS: event filtering, delivery errors, Accounting-On ordering, job-attempt delay. */
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { RadiusSinkConfig } from '../../src/config/schema-sinks.js';
import { PermanentDeliveryError, RetryableDeliveryError, type DeliveryAttempt } from '../../src/delivery/sink.js';
import { RadiusSink, type RadiusSinkOptions } from '../../src/delivery/sinks/radius-sink.js';
import { added, binding, deleted, interfaceCreated, renewed } from './events.js';
import { UdpPeer, type Policy, type Received } from './udp-peer.js';

const SECRET = 'sink-secret';
const answerAll: Policy = (req: Received, _i: number, self: UdpPeer) => self.answer(req);

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function peer(policy?: Policy): Promise<UdpPeer> {
  const p = await UdpPeer.start(SECRET, policy);
  cleanup.push(() => p.close());
  return p;
}

function config(ports: number[], over: Partial<RadiusSinkConfig> = {}): RadiusSinkConfig {
  return {
    name: 'acct',
    type: 'radius',
    events: ['interface-created', 'address-added', 'address-renewed', 'interface-deleted', 'address-deleted'],
    servers: ports.map((port) => ({ host: '127.0.0.1', port, secret: SECRET })),
    nasIdentifier: 'dxgw-test',
    nasIp: '192.0.2.254',
    interim: true,
    timeoutMs: 250,
    retries: 1,
    accountingOnOff: true,
    nasPortType: 'Ethernet',
    ...over,
  };
}

function sink(cfg: RadiusSinkConfig, options: RadiusSinkOptions = {}): RadiusSink {
  const s = new RadiusSink(cfg, { timeoutMs: 250, retries: 1, bindAddress: '127.0.0.1', ...options });
  cleanup.push(() => s.stop().catch(() => undefined));
  return s;
}

const attempt = (n = 1): DeliveryAttempt => ({ attempt: n, maxAttempts: 10, signal: new AbortController().signal });
async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const status = (p: UdpPeer): unknown[] => p.received.map((r) => r.decoded.attributes['Acct-Status-Type']);

describe('RadiusSink', () => {
  it('takes only accounting events, and no renewals without interim', () => {
    expect([...sink(config([1813])).events]).toEqual(['address-added', 'address-renewed', 'address-deleted']);
    expect([...sink(config([1813], { interim: false })).events]).toEqual(['address-added', 'address-deleted']);
    expect(sink(config([1813])).type).toBe('radius');
  });

  it('sends nothing for interface events, or renewals when interim is off', async () => {
    const p = await peer(answerAll);
    const s = sink(config([p.port], { interim: false }));
    const b = binding();
    await s.deliver(interfaceCreated(b), attempt());
    await s.deliver(renewed(b), attempt());
    expect(p.received).toHaveLength(0);
    expect(s.counters.requests).toBe(0);
  });

  it('without a store to ask, start() sends Accounting-On and stop() no Accounting-Off', async () => {
    const p = await peer(answerAll);
    const s = sink(config([p.port]));
    await s.start();
    await s.deliver(added(binding()), attempt());
    await s.stop();
    expect(status(p)).toEqual(['Accounting-On', 'Start']);
    expect(p.attr(0, 'NAS-Identifier')).toBe('dxgw-test');
  });

  it('Accounting-On and -Off share one NAS session id', async () => {
    const p = await peer(answerAll);
    const s = sink(config([p.port]), { announcements: { announced: async () => false, recordAnnounced: async () => undefined, holdsSessions: async () => false } });
    await s.start();
    await s.stop();
    expect(status(p)).toEqual(['Accounting-On', 'Accounting-Off']);
    expect(p.attr(0, 'Acct-Session-Id')).toBe(p.attr(1, 'Acct-Session-Id'));
  });

  it('owes an Accounting-On that failed and sends it before the next record', async () => {
    const p = await peer(); // silent while start() runs
    const s = sink(config([p.port]));
    await expect(s.start()).rejects.toMatchObject({ name: 'RetryableDeliveryError', code: 'DXGW_RADIUS_TIMEOUT' });
    p.policy = answerAll;
    await s.deliver(added(binding()), attempt(2));
    // Two transmissions during start() (retries: 1), then the owed one, then the Start.
    expect(status(p)).toEqual(['Accounting-On', 'Accounting-On', 'Accounting-On', 'Start']);
    expect(new Set(p.received.slice(0, 3).map((r) => r.decoded.attributes['Acct-Session-Id'])).size).toBe(1);
  });

  it('Acct-Delay-Time is 0 on the first job attempt and the event age on later ones', async () => {
    let now = Date.UTC(2024, 0, 1, 12);
    const p = await peer(answerAll);
    const s = sink(config([p.port]), { now: () => now });
    const b = binding({ at: now - 3_600_000 }); // the event happened an hour ago
    await s.deliver(added(b), attempt(1));
    await s.deliver(added(b), attempt(2));
    now += 1000;
    await s.deliver(added(b), attempt(3));
    expect(p.received.map((r) => r.decoded.attributes['Acct-Delay-Time'])).toEqual([0, 3600, 3601]);
  });

  it('no answer → RetryableDeliveryError DXGW_RADIUS_TIMEOUT', async () => {
    const p = await peer();
    const s = sink(config([p.port]));
    const err = await s.deliver(added(binding()), attempt()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableDeliveryError);
    expect(err).toMatchObject({ code: 'DXGW_RADIUS_TIMEOUT' });
    expect(s.counters).toMatchObject({ requests: 1, transmissions: 2, retransmissions: 1, timeouts: 1 });
  });

  it('an aborted attempt is retryable', async () => {
    const p = await peer();
    const s = sink(config([p.port]), { timeoutMs: 5000 });
    const controller = new AbortController();
    const delivering = s.deliver(added(binding()), { attempt: 1, maxAttempts: 3, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(delivering).rejects.toMatchObject({ name: 'RetryableDeliveryError', code: 'DXGW_RADIUS_ABORTED' });
  });

  it("concurrent records share one abort listener on the worker's signal, gone when they complete; no MaxListenersExceededWarning", async () => {
    const held: Received[] = [];
    const p = await peer((req) => void held.push(req)); // answers later, all at once
    const s = sink(config([p.port]), { timeoutMs: 5000 });
    const shared = new AbortController().signal; // one signal, as the delivery worker shares it
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      const records = Array.from({ length: 20 }, (_, i) => s.deliver(added(binding({ sessionId: `shared-signal-${i}`, ip: `192.0.2.${i + 1}` })), { attempt: 1, maxAttempts: 3, signal: shared }));
      await waitUntil(() => held.length === 20);
      expect(getEventListeners(shared, 'abort')).toHaveLength(1);
      for (const req of held) p.reply(req, p.answer(req));
      await Promise.all(records);
      expect(getEventListeners(shared, 'abort')).toHaveLength(0);
      // 'warning' is emitted on the next tick: let one pass before looking.
      await new Promise((r) => setImmediate(r));
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it.each([
    ['no servers', { servers: [] }],
    ['an empty secret', { servers: [{ host: '127.0.0.1', port: 1813, secret: '' }] }],
    ['an IPv6 server', { servers: [{ host: '::1', port: 1813, secret: 's' }] }],
    ['a host that does not resolve', { servers: [{ host: 'no-such-host.invalid', port: 1813, secret: 's' }] }],
  ])('a config with %s fails deliveries permanently', async (_name, over) => {
    const s = sink(config([], over as Partial<RadiusSinkConfig>));
    const err = await s.deliver(added(binding()), attempt()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentDeliveryError);
    expect(err).toMatchObject({ code: 'DXGW_RADIUS_CONFIG' });
  });

  it('a record that cannot be encoded fails permanently', async () => {
    const p = await peer(answerAll);
    const s = sink(config([p.port], { nasIp: '192.0.2' }));
    await expect(s.deliver(deleted(binding(), 'expired'), attempt())).rejects.toMatchObject({ name: 'PermanentDeliveryError', code: 'DXGW_RADIUS_ENCODE' });
    expect(p.received).toHaveLength(0);
  });
});
