/**
 * Replaying the real-peer fixtures gives the events a person reading the capture expects,
 * and the same events through the memory store and the Redis store.
 */
import { basename, join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayCapture } from '../../src/cli/commands/replay.js';
import { LineWriter } from '../../src/cli/output.js';
import type { SubscriberEvent } from '../../src/events/event.js';
import { Writable } from 'node:stream';
import { FIXTURE_DIR, fixtureFiles } from '../helpers/fixtures.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { redisInvariantViolations } from '../helpers/redis-invariants.js';
import { requireTool } from '../helpers/tools.js';

async function replay(file: string, options: { redis?: string; drain?: boolean } = {}) {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
  const summary = await replayCapture(file, { format: 'json', drain: options.drain ?? true, ...(options.redis ? { redis: options.redis } : {}) }, new LineWriter(sink));
  const events = lines.map((l) => JSON.parse(l) as SubscriberEvent);
  return { summary, events };
}

const short = (e: SubscriberEvent) => (e.reason ? `${e.type}:${e.reason}` : e.type);
const fixture = (name: string) => join(FIXTURE_DIR, name);

function bySubscriber(events: SubscriberEvent[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of events) {
    const key = `${e.subscriber.ip}/${e.subscriber.mac}`;
    out.set(key, [...(out.get(key) ?? []), short(e)]);
  }
  return out;
}

describe('replay of the real-peer fixtures (memory store)', () => {
  it.each(['dnsmasq-dora-ping-renew-release.pcap', 'dhcpd-dora-ping-renew-release.pcap', 'kea-dora-ping-renew-release.pcapng'])(
    '%s: DORA + ping + renewal + RELEASE → created, added, renewed, deleted (released)',
    async (name) => {
      const { events, summary } = await replay(fixture(name));
      expect(events.map(short)).toEqual(['interface-created', 'address-added', 'address-renewed', 'interface-deleted:released', 'address-deleted:released']);
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(new Set(events.map((e) => e.id)).size).toBe(5);
      const added = events[1]!;
      expect(added.subscriber.giaddr).toBe('192.0.2.1');
      expect(added.subscriber.circuitId).toBe('72:65:6c:61:79:30'); // "relay0", added by dhcrelay
      expect(added.dhcpOptions!.client['53']).toBe('03');
      expect(added.dhcpOptions!.server['53']).toBe('05');
      expect(added.interface!.name).toBe(`ip${added.subscriber.ip.replaceAll('.', '-')}`);
      expect(summary.bindings).toBe(0);
      expect(summary.decodeErrors).toEqual({});
    },
  );

  it('the same capture in every format gives the same events', async () => {
    const base = (await replay(fixture('dnsmasq-dora-ping-renew-release.pcap'))).events;
    for (const variant of ['nsec.pcap', 'pcapng', 'be.pcap', 'raw.pcap']) {
      const { events } = await replay(fixture(`dnsmasq-dora-ping-renew-release.${variant}`));
      expect(events.map(short), variant).toEqual(base.map(short));
      expect(events.map((e) => e.subscriber.ip), variant).toEqual(base.map((e) => e.subscriber.ip));
    }
  });

  it('vanish: a silent client expires in capture time, then its address goes to another MAC', async () => {
    const { events } = await replay(fixture('vanish.pcap'));
    const [first, second] = [...bySubscriber(events).entries()];
    expect(first![1].slice(0, 4)).toEqual(['interface-created', 'address-added', 'interface-deleted:expired', 'address-deleted:expired']);
    expect(first![0].split('/')[0]).toBe(second![0].split('/')[0]);
    expect(first![0].split('/')[1]).not.toBe(second![0].split('/')[1]);
    const expiry = events.find((e) => e.reason === 'expired')!;
    const added = events.find((e) => e.type === 'address-added')!;
    // The expiry fires at lease end in capture time, not at the end of the file or wall time.
    expect(Date.parse(expiry.time)).toBe(Date.parse(added.lease.expiresAt!));
    const secondAdded = events.filter((e) => e.type === 'address-added')[1]!;
    expect(Date.parse(secondAdded.time)).toBeGreaterThan(Date.parse(expiry.time));
  });

  it('nak: the client is told no, its binding ends with reason nak', async () => {
    const { events } = await replay(fixture('nak.pcap'));
    expect(events.filter((e) => e.reason === 'nak').map((e) => e.type)).toEqual(['interface-deleted', 'address-deleted']);
  });

  it('decline: the declined address never becomes a subscriber, and the conflict is counted', async () => {
    const { events, summary } = await replay(fixture('decline.pcap'));
    expect(events.some((e) => e.reason === 'declined')).toBe(false);
    expect(summary.counters['conflicts-declined']).toBe(1);
    expect(summary.counters['deletions-declined']).toBe(1);
  });

  it('many clients: every bound client that sent data is activated, each once', async () => {
    const { events, summary } = await replay(fixture('many-clients.pcap'), { drain: false });
    const created = events.filter((e) => e.type === 'interface-created');
    expect(created.length).toBe(summary.counters.activations);
    expect(new Set(created.map((e) => e.subscriber.ip)).size).toBe(created.length);
    expect(summary.bindings).toBeGreaterThanOrEqual(20);
  });

  it('QinQ and option 82 remote-id travel into the events', async () => {
    const qinq = (await replay(fixture('vlan-qinq.pcap'))).events;
    expect(qinq[0]!.subscriber.vlans).toEqual([200, 100]);
    const remote = (await replay(fixture('option82-remote-id.pcap'))).events;
    expect(remote.some((e) => e.subscriber.remoteId !== null)).toBe(true);
  });
});

describe.runIf(requireTool('redis-server'))('replay through Redis gives the same events as memory', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => server?.stop());

  it.each(fixtureFiles().map((f) => [basename(f), f]))('%s', async (_name, file) => {
    const redis = new Redis(server.url);
    await redis.flushall();
    try {
      const memory = await replay(file);
      const viaRedis = await replay(file, { redis: server.url });
      const comparable = (e: SubscriberEvent) => ({ ...e });
      expect(viaRedis.events.map(comparable)).toEqual(memory.events.map(comparable));
      expect(viaRedis.summary.bindings).toBe(memory.summary.bindings);
      expect(await redisInvariantViolations(redis, 'default')).toEqual([]);
      // Replaying the same capture again into the same Redis changes nothing it already did:
      // sequence numbers continue, events are not duplicated by id.
      const again = await replay(file, { redis: server.url });
      const firstIds = new Set(viaRedis.events.map((e) => e.id));
      expect(again.events.filter((e) => firstIds.has(e.id))).toEqual([]);
      expect(await redisInvariantViolations(redis, 'default')).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
