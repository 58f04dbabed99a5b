/**
 * Soak (issue 9 "Bounded Redis"): tens of thousands of events at an accelerated rate through
 * the real store, bridge, BullMQ queue and worker (a no-op in-test sink) and the outbox
 * trimmer with a small retention, on a real Redis. `used_memory` is sampled at quiet points
 * (everything delivered and trimmed) after warm-up, in the middle and at the end: it must be
 * flat, far below what the events would have added untrimmed.
 * Completed jobs are bounded by `outbox.completedJobs` (BullMQ's removeOnComplete), as in
 * `dxgw run`.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { DeliveryService } from '../../src/delivery/delivery-service.js';
import type { Sink } from '../../src/delivery/sink.js';
import { EVENT_TYPES } from '../../src/events/event.js';
import { OutboxTrimmer } from '../../src/events/outbox-retention.js';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { EventLoad } from '../helpers/outbox-load.js';
import { waitFor } from '../helpers/daemon.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireTool } from '../helpers/tools.js';

const SUBSCRIBERS = 500;
const PHASE = 7000; // events per phase: warm-up, then to the middle, then to the end
/** What an untrimmed outbox costs per event (measured: docs/redis-keyspace.md "Memory"). */
const BYTES_PER_EVENT = 707;

describe.runIf(requireTool('redis-server'))('soak: Redis memory stays flat', () => {
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

  it(`${3 * PHASE} events with maxEvents 2000: used_memory flat after warm-up`, { timeout: 120_000 }, async () => {
    const config = parseConfig({ site: 'soak', outbox: { maxEvents: 2000, maxAgeSeconds: 3600, completedJobs: { maxJobs: 100 } } });
    const store = new RedisLeaseStore(redis, config.site);
    const received = new Set<string>();
    const sink: Sink = { name: 'noop', type: 'http', events: new Set(EVENT_TYPES), deliver: async (event) => void received.add(event.id) };
    const completed = { count: config.outbox.completedJobs.maxJobs, ageSeconds: config.outbox.completedJobs.maxAgeSeconds };
    const service = new DeliveryService({ site: config.site, redisUrl: server.url, store, sinks: [sink], retry: config.retry, completed, concurrency: 32, parkMs: 10 });
    const trimmer = new OutboxTrimmer({ store, retention: config.outbox, bridge: true, intervalMs: 100 });
    try {
      await service.start();
      trimmer.start();
      const { load, events } = await EventLoad.start(store, SUBSCRIBERS);
      let pushed = events.length;

      /** Pushes `n` more events, never more than 3000 ahead of the sink, then waits for a quiet point. */
      const phase = async (n: number): Promise<number> => {
        for (let done = 0; done < n; ) {
          const chunk = Math.min(500, n - done);
          await load.renew(chunk);
          pushed += chunk;
          done += chunk;
          await waitFor('the sink to keep up', async () => pushed - received.size < 3000);
        }
        await waitFor('every event delivered', async () => received.size >= pushed);
        await waitFor('the queue idle', () => service.idle());
        await waitFor('the outbox trimmed to maxEvents', async () => (await redis.xlen(store.keys.outbox)) <= config.outbox.maxEvents);
        const info = await redis.info('memory');
        return Number(/used_memory:(\d+)/.exec(info)![1]);
      };

      const warm = await phase(PHASE - pushed);
      const middle = await phase(PHASE);
      const end = await phase(PHASE);
      const perPhase = PHASE * BYTES_PER_EVENT;
      console.log(`soak: used_memory warm-up ${warm} B, middle ${middle} B, end ${end} B; ${pushed} events; untrimmed would add ≈ ${perPhase} B per phase`);

      expect(received.size).toBe(3 * PHASE);
      expect(await redis.xlen(store.keys.outbox)).toBe(2000);
      expect(await redis.hlen(store.keys.outboxIds)).toBe(2000);
      // Hundreds of jobs completed (up to 32 events each); only the newest 100 are kept.
      expect(await service.queues.get('noop')!.getCompletedCount()).toBe(100);
      expect(trimmer.stats.removed).toBe(3 * PHASE - 2000);
      // Flat: the second half grows by less than 10 % of what is there, and by less than a
      // tenth of what the events of one phase would have added untrimmed.
      expect(end - middle).toBeLessThan(0.1 * middle);
      expect(end - middle).toBeLessThan(0.1 * perPhase);
      expect(middle - warm).toBeLessThan(0.1 * perPhase);
    } finally {
      await trimmer.stop();
      await service.stop(1000);
    }
  });
});
