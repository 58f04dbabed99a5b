/**
 * The outbox trimmer with the real bridge (DeliveryService) and a trivial in-test sink: the
 * stream stays within retention while events flow, events the bridge has not moved are never
 * trimmed (every event still reaches the sink after a delivery outage longer than retention),
 * and the trimmer counts what it removed in /metrics.
 */
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryService } from '../../src/delivery/delivery-service.js';
import type { Sink } from '../../src/delivery/sink.js';
import { EVENT_TYPES, type SubscriberEvent } from '../../src/events/event.js';
import { OutboxTrimmer } from '../../src/events/outbox-retention.js';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { siteKeys } from '../../src/leases/redis/keys.js';
import { EventLoad } from '../helpers/outbox-load.js';
import { waitFor } from '../helpers/daemon.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireTool } from '../helpers/tools.js';

/** Takes every event type and remembers what it was given. */
function recordingSink(): Sink & { received: SubscriberEvent[] } {
  const received: SubscriberEvent[] = [];
  return { name: 'rec', type: 'http', events: new Set(EVENT_TYPES), received, deliver: async (event) => void received.push(event) };
}

describe.runIf(requireTool('redis-server'))('outbox retention with the bridge', () => {
  let server: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('the bridge keeps its checkpoint at siteKeys().bridgeCheckpoint ({dxgw:<site>}:outbox:bridge)', async () => {
    const site = 'ret-key';
    expect(siteKeys(site).bridgeCheckpoint).toBe('{dxgw:ret-key}:outbox:bridge');
    const store = new RedisLeaseStore(redis, site);
    await EventLoad.start(store, 3);
    const sink = recordingSink();
    const service = new DeliveryService({ site, redisUrl: server.url, store, sinks: [sink], retry: { attempts: 3, backoffMs: 10, maxBackoffMs: 50 } });
    try {
      await service.bridge.drainOnce();
      const tail = (await store.readOutbox('0', 100)).at(-1)!.position;
      expect(await redis.get(store.keys.bridgeCheckpoint)).toBe(tail);
    } finally {
      await service.stop(1000);
    }
  });

  it('stays within retention while events flow; never trims what the bridge has not moved', { timeout: 120_000 }, async () => {
    const site = 'ret-flow';
    const store = new RedisLeaseStore(redis, site);
    const { load, events: first } = await EventLoad.start(store, 50);
    const sink = recordingSink();
    const retry = { attempts: 3, backoffMs: 10, maxBackoffMs: 50 };
    let service = new DeliveryService({ site, redisUrl: server.url, store, sinks: [sink], retry, parkMs: 10 });
    const registry = new Registry();
    const held: boolean[] = [];
    const trimmer = new OutboxTrimmer({ store, retention: { maxEvents: 300, maxAgeSeconds: 3600 }, bridge: true, intervalMs: 20, batch: 100, registry, onHeld: (h) => held.push(h) });
    try {
      await service.start();
      trimmer.start();
      const sent = [...first];
      for (let round = 0; round < 10; round++) sent.push(...(await load.renew(200)));
      await waitFor('every event delivered', async () => sink.received.length >= sent.length);
      await waitFor('the outbox trimmed to maxEvents', async () => (await redis.xlen(store.keys.outbox)) === 300);
      // (The bridge may have lagged for a moment while events poured in: held may have flickered.)
      await waitFor('the trimmer not held', async () => held.at(-1) !== true);

      // Delivery down: 1000 more events, far beyond maxEvents; the trimmer must keep all of them.
      await service.stop(1000);
      const outage = await load.renew(1000);
      sent.push(...outage);
      await waitFor('the trimmer reports that it waits for the bridge', async () => held.at(-1) === true);
      const rounds = trimmer.stats.rounds;
      await waitFor('two more trim rounds', async () => trimmer.stats.rounds >= rounds + 2);
      expect(await redis.xlen(store.keys.outbox)).toBeGreaterThanOrEqual(1000);
      expect(await store.eventPosition(outage[0]!.id)).toBeDefined();

      // Delivery back: every event arrives, then the outbox shrinks to maxEvents again.
      service = new DeliveryService({ site, redisUrl: server.url, store, sinks: [sink], retry, parkMs: 10 });
      await service.start();
      await waitFor('every event delivered after the outage', async () => sink.received.length >= sent.length);
      await waitFor('the outbox trimmed again', async () => (await redis.xlen(store.keys.outbox)) === 300);
      expect(new Set(sink.received.map((e) => e.id))).toEqual(new Set(sent.map((e) => e.id)));
      await waitFor('the trimmer no longer held', async () => held.at(-1) === false);
      expect(await redis.hlen(store.keys.outboxIds)).toBe(300);
      const trimmed = sent.length - 300;
      expect(trimmer.stats.removed).toBe(trimmed);
      expect(await registry.metrics()).toContain(`dxgw_outbox_trimmed_total ${trimmed}`);
      expect(await registry.metrics()).toContain('dxgw_outbox_entries 300');
    } finally {
      await trimmer.stop();
      await service.stop(1000);
    }
  });
});
