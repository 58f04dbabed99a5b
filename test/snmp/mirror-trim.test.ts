/**
 * The SNMP binding mirror over Redis when the outbox was trimmed past its position before it
 * read it (down, or behind by more than the retention): it reloads at once instead of missing
 * the trimmed events until its next counter-driven resync.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { BindingMirror } from '../../src/snmp/binding-mirror.js';
import { redisOutboxTail } from '../../src/snmp/outbox-tail.js';
import { T0 } from '../conformance/lease-store.js';
import { EventLoad } from '../helpers/outbox-load.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireTool } from '../helpers/tools.js';

describe.runIf(requireTool('redis-server'))('BindingMirror after outbox trimming', () => {
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

  it('reloads when events after its position were trimmed unseen, and only then', async () => {
    const store = new RedisLeaseStore(redis, 'mirror-trim');
    const { load } = await EventLoad.start(store, 6);
    // A clock that never moves: the periodic resync can never be what catches up.
    const mirror = new BindingMirror(store, { pollMs: 3_600_000, resyncMs: 3_600_000, clock: () => T0, outboxTail: redisOutboxTail(redis, store) });
    await mirror.start();
    expect(mirror.rows.size).toBe(6);

    // Followed normally: a release shows, no reload.
    await load.release(5);
    await mirror.sync();
    expect(mirror.rows.size).toBe(5);
    expect(mirror.trimReloads).toBe(0);

    // A release, then renewals, then a trim that removes all of it before the mirror reads.
    await load.release(0);
    await load.renew(40);
    const tail = (await store.readOutbox('0', 1000)).at(-1)!.position;
    await redis.set(store.keys.bridgeCheckpoint, tail);
    expect((await store.trimOutbox({ maxEvents: 5, maxAgeSeconds: 3600 }, { requireCheckpoint: true })).removed).toBeGreaterThan(40);
    await mirror.sync();
    expect(mirror.trimReloads).toBe(1);
    expect(mirror.rows.values().map((r) => r.ip).sort()).toEqual(load.bindings.slice(1, 5).map((b) => b.ip).sort());
    expect(mirror.outboxPosition).toBe(tail);

    // Caught up: the next round follows normally again.
    await load.renew(4);
    await mirror.sync();
    expect(mirror.trimReloads).toBe(1);
    await mirror.stop();
  });
});
