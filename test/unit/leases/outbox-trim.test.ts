/**
 * The outbox trim script (RedisLeaseStore.trimOutbox): an entry goes only once the bridge has
 * moved it, and only when it is beyond the newest maxEvents or older than maxAgeSeconds;
 * its event id index entry goes with it; several trimmers at once agree; history still works.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLeaseStore } from '../../../src/leases/redis/redis-store.js';
import { EventLoad } from '../../helpers/outbox-load.js';
import { redisInvariantViolations } from '../../helpers/redis-invariants.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server.js';
import { requireTool } from '../../helpers/tools.js';

let siteCounter = 0;
const newSite = (): string => `trim${process.pid}-${++siteCounter}`;
const HOUR = 3600;

describe.runIf(requireTool('redis-server'))('RedisLeaseStore.trimOutbox', () => {
  let server: RedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    client = new Redis(server.url);
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  async function fresh(lanes = 10) {
    const site = newSite();
    const store = new RedisLeaseStore(client, site);
    const { load, events } = await EventLoad.start(store, lanes);
    return { site, store, load, events };
  }

  const positions = async (store: RedisLeaseStore) => (await store.readOutbox('0', 1_000_000)).map((e) => e.position);
  const moveBridgeTo = (store: RedisLeaseStore, position: string) => client.set(store.keys.bridgeCheckpoint, position);

  it('keeps the newest maxEvents once the bridge moved everything; the index and history follow', async () => {
    const { site, store, load } = await fresh(10);
    await load.renew(280); // 20 + 280 = 300 events
    const all = await positions(store);
    expect(all).toHaveLength(300);
    await moveBridgeTo(store, all.at(-1)!);
    const result = await store.trimOutbox({ maxEvents: 120, maxAgeSeconds: HOUR }, { requireCheckpoint: true });
    expect(result).toEqual({ removed: 180, trimmedThrough: all[179], held: false, remaining: 120 });
    expect(await positions(store)).toEqual(all.slice(180));
    expect(await client.hlen(store.keys.outboxIds)).toBe(120);
    expect(await store.outboxTrimmedThrough()).toBe(all[179]);
    expect(await redisInvariantViolations(client, site)).toEqual([]);
    // Again: nothing more may go.
    expect(await store.trimOutbox({ maxEvents: 120, maxAgeSeconds: HOUR }, { requireCheckpoint: true })).toMatchObject({ removed: 0, remaining: 120 });
    // History shows what is retained: subscriber 0's newest renewals, none of its trimmed activation.
    const b = load.bindings[0]!;
    const history = await store.history(b.vr, b.ip, 1000);
    expect(history.length).toBe(12);
    expect(history.every((e) => e.type === 'address-renewed')).toBe(true);
    expect(history.map((e) => e.seq)).toEqual([...history.map((e) => e.seq)].sort((x, y) => x - y));
    expect(history.at(-1)!.seq).toBe(30);
  });

  it('never removes an entry the bridge has not moved, however far outside retention', async () => {
    const { store, load } = await fresh(10);
    await load.renew(80); // 100 events
    const all = await positions(store);
    // No checkpoint yet: nothing goes, and it says it is held.
    expect(await store.trimOutbox({ maxEvents: 10, maxAgeSeconds: HOUR }, { requireCheckpoint: true })).toEqual({ removed: 0, trimmedThrough: null, held: true, remaining: 100 });
    await moveBridgeTo(store, all[39]!);
    expect(await store.trimOutbox({ maxEvents: 10, maxAgeSeconds: HOUR }, { requireCheckpoint: true })).toEqual({ removed: 40, trimmedThrough: all[39], held: true, remaining: 60 });
    expect((await positions(store))[0]).toBe(all[40]);
    // The checkpoint at the tail: down to maxEvents, no longer held.
    await moveBridgeTo(store, all[99]!);
    expect(await store.trimOutbox({ maxEvents: 10, maxAgeSeconds: HOUR }, { requireCheckpoint: true })).toMatchObject({ removed: 50, held: false, remaining: 10 });
  });

  it('without a bridge (no sinks) trims by retention alone, but still respects a checkpoint that exists', async () => {
    const { store, load } = await fresh(10);
    await load.renew(40);
    const all = await positions(store);
    expect(all).toHaveLength(60);
    expect(await store.trimOutbox({ maxEvents: 50, maxAgeSeconds: HOUR }, { requireCheckpoint: false })).toMatchObject({ removed: 10, held: false, remaining: 50 });
    await moveBridgeTo(store, all[24]!);
    expect(await store.trimOutbox({ maxEvents: 5, maxAgeSeconds: HOUR }, { requireCheckpoint: false })).toEqual({ removed: 15, trimmedThrough: all[24], held: true, remaining: 35 });
  });

  it('removes entries older than maxAgeSeconds (by Redis time), however few there are', async () => {
    const { store, load } = await fresh(5);
    const old = await positions(store);
    // Wait until Redis' clock is past the old entries by more than two seconds.
    const oldMs = Number(old.at(-1)!.split('-')[0]);
    for (;;) {
      const [seconds, micros] = await client.time();
      if (Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) > oldMs + 2100) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await load.renew(5);
    const all = await positions(store);
    await moveBridgeTo(store, all.at(-1)!);
    expect(await store.trimOutbox({ maxEvents: 1000, maxAgeSeconds: 2 }, { requireCheckpoint: true })).toMatchObject({ removed: 10, trimmedThrough: old.at(-1), remaining: 5 });
    expect(await positions(store)).toEqual(all.slice(10));
  });

  it('works in batches of `limit`, and several trimmers at once remove each entry once', async () => {
    const { site, store, load } = await fresh(50);
    await load.renew(2900); // 3000 events
    const all = await positions(store);
    await moveBridgeTo(store, all.at(-1)!);
    expect(await store.trimOutbox({ maxEvents: 500, maxAgeSeconds: HOUR }, { limit: 100, requireCheckpoint: true })).toMatchObject({ removed: 100, remaining: 2900 });
    // Four trimmers (own connections, like four gateway processes) race to the end.
    const others = Array.from({ length: 4 }, () => new RedisLeaseStore(new Redis(server.url), site, { ownsClient: true }));
    const removed = await Promise.all(
      others.map(async (s) => {
        let n = 0;
        for (;;) {
          const r = await s.trimOutbox({ maxEvents: 500, maxAgeSeconds: HOUR }, { limit: 97, requireCheckpoint: true });
          if (r.removed === 0) break;
          n += r.removed;
        }
        return n;
      }),
    );
    await Promise.all(others.map((s) => s.close()));
    expect(removed.reduce((a, b) => a + b, 0)).toBe(2400);
    expect(await positions(store)).toEqual(all.slice(2500));
    expect(await redisInvariantViolations(client, site)).toEqual([]);
  });

  it('finds a retained event by id in O(1); a trimmed one is gone from the index', async () => {
    const { store, load, events } = await fresh(3);
    await load.renew(7);
    const all = await store.readOutbox('0', 100);
    expect(all).toHaveLength(13);
    expect(await store.eventPosition(events[0]!.id)).toBe(all[0]!.position);
    expect(await store.eventPosition(all[9]!.event.id)).toBe(all[9]!.position);
    expect(await store.eventPosition('0000000000000000-1')).toBeUndefined();
    await moveBridgeTo(store, all[9]!.position);
    await store.trimOutbox({ maxEvents: 4, maxAgeSeconds: HOUR }, { requireCheckpoint: true });
    expect(await store.eventPosition(events[0]!.id)).toBeUndefined();
    const bounds = await store.outboxBounds();
    expect(bounds).toEqual({ oldest: all[9], newest: all[12], trimmedThrough: all[8]!.position });
  });
});
