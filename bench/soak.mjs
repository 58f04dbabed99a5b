// Soak benchmark (issue 9 "Bounded Redis"): one day of events at 30 events/s (2,592,000
// events) pushed as fast as the store takes them through the lease store (one Lua script per
// transition, as in production), the bridge moving them (delivery role, no sinks: the
// checkpoint moves, no BullMQ queue) and the outbox trimmer. Retention is scaled down to
// maxEvents 100,000 (the default is 1,000,000) so that the plateau is reached early and the run
// stays around ten minutes (11 min on a 2-core machine); the age bound (7 days) never applies
// in a run this short. Prints Redis used_memory at start (subscribers active,
// activation events in the outbox), middle and end, each at a quiet point (bridge caught up,
// trimmer done), beside the ceiling: used_memory had the trimmed entries stayed (their count
// × what a retained entry costs, MEMORY USAGE of the stream and its index in this run). The CI soak test
// (test/delivery/soak.test.ts) covers the whole pipeline, BullMQ jobs included, at 21,000 events.
//
//   npm run bench -- soak                       # 2,592,000 events
//   SOAK_EVENTS=300000 npm run bench -- soak    # a shorter run
import { join } from 'node:path';
import { heading, row, startRedis } from './lib.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = (p) => import(join(root, 'dist', p));
const T0 = Date.UTC(2026, 10, 28, 9, 0, 0);

/** An active subscriber with the fields a real one has (options, option 82, VLANs). */
function subscriber(n, generation, time) {
  const hex = n.toString(16).padStart(6, '0');
  const mac = `02:00:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4)}`;
  return {
    vr: 'default',
    ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
    sessionId: `${generation.toString(16).padStart(4, '0')}${hex}${'0'.repeat(6)}`,
    mac,
    clientId: `01:${mac}`,
    giaddr: '192.0.2.1',
    serverId: '198.51.100.1',
    circuitId: '67:65:2d:30:2f:30:2f:31',
    remoteId: null,
    vlans: [100, 200 + (n % 1000)],
    state: 'active',
    leaseSeconds: 3600,
    leaseStart: time,
    expiresAt: time + 3_600_000,
    boundAt: time,
    activatedAt: time + 500,
    interfaceName: `ip10-${n}`,
    profile: 'residential',
    interfaceVr: null,
    loginName: null,
    attributes: {},
    clientOptions: { 53: '03', 55: '0103060f1c2a', 61: `01${hex}` },
    serverOptions: { 1: 'ffffff00', 3: '0a000001', 51: '00000e10', 53: '05', 54: 'c6336401' },
    lastXid: n,
    rev: 1,
  };
}

export async function benchSoak({ events = Number(process.env.SOAK_EVENTS ?? 2_592_000), subscribers = 10_000, maxEvents = Number(process.env.SOAK_MAX_EVENTS ?? 100_000) } = {}) {
  const { Redis } = await import('ioredis');
  const { RedisLeaseStore } = await dist('leases/redis/redis-store.js');
  const { DeliveryService } = await dist('delivery/delivery-service.js');
  const { OutboxTrimmer } = await dist('events/outbox-retention.js');
  const { activationEvents, deletionEvents, renewalEvents } = await dist('events/drafts.js');

  heading(`soak: ${events.toLocaleString()} events (one day at ${(events / 86400).toFixed(1)}/s), ${subscribers.toLocaleString()} subscribers, outbox.maxEvents ${maxEvents.toLocaleString()}`);
  const server = await startRedis();
  const redis = new Redis(server.url);
  redis.on('error', () => undefined); // the server is killed at the end
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]);
  const store = new RedisLeaseStore(redis, 'soak');
  const delivery = new DeliveryService({ site: 'soak', redisUrl: server.url, store, sinks: [], retry: { attempts: 1, backoffMs: 10, maxBackoffMs: 10 } });
  const trimmer = new OutboxTrimmer({ store, retention: { maxEvents, maxAgeSeconds: 7 * 86400 }, bridge: true, intervalMs: 1000 });
  try {
    let time = T0;
    let generation = 1;
    let pushed = 0;
    const pool = Array.from({ length: subscribers }, (_, n) => subscriber(n, generation, time));
    const commit = async (transitions) => {
      const results = await store.commit(transitions, []);
      for (const r of results) if (!r.ok) throw new Error(`transition refused: ${r.error}`);
      pushed += results.reduce((n, r) => n + r.events.length, 0);
    };
    for (let i = 0; i < subscribers; i += 500) await commit(pool.slice(i, i + 500).map((b) => ({ op: 'put', binding: b, expectRev: 0, events: activationEvents(b, time) })));
    await delivery.start();
    trimmer.start();
    /** Waits until the bridge moved everything and the trimmer is down to maxEvents. */
    const quiet = async () => {
      const tail = async () => (await redis.xrevrange(store.keys.outbox, '+', '-', 'COUNT', 1))[0]?.[0] ?? null;
      while ((await redis.get(store.keys.bridgeCheckpoint)) !== (await tail())) await new Promise((r) => setTimeout(r, 100));
      await trimmer.trimOnce();
      return usedMemory();
    };
    const start = await quiet();
    const startPushed = pushed;

    // Renewals round robin; one transition in 50 replaces the subscriber (new session):
    // interface-deleted, address-deleted, interface-created, address-added.
    let turn = 0;
    let middle;
    const started = process.hrtime.bigint();
    while (pushed - startPushed < events) {
      const transitions = [];
      for (let k = 0; k < 500; k++) {
        const i = turn++ % subscribers;
        const b = pool[i];
        time += 1000 / 30;
        if (turn % 50 === 0) {
          const fresh = subscriber(i, ++generation, time);
          transitions.push({ op: 'delete', binding: b, expectRev: b.rev, reason: 'released', events: deletionEvents(b, time, 'released') });
          transitions.push({ op: 'put', binding: fresh, expectRev: 0, events: activationEvents(fresh, time) });
          pool[i] = fresh;
        } else {
          const renewed = { ...b, rev: b.rev + 1, leaseStart: time, expiresAt: time + 3_600_000 };
          transitions.push({ op: 'put', binding: renewed, expectRev: b.rev, events: renewalEvents(renewed, time) });
          pool[i] = renewed;
        }
      }
      await commit(transitions);
      const done = pushed - startPushed;
      if (middle === undefined && done >= events / 2) middle = { memory: await quiet(), events: done };
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const end = await quiet();
    const total = pushed - startPushed;
    const mib = (b) => `${(b / 1048576).toFixed(1)} MiB`;
    // What a retained event costs (stream entry + event id index entry), exactly (SAMPLES 0).
    const retained = await redis.xlen(store.keys.outbox);
    const usage = async (key) => Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    const streamBytes = (await usage(store.keys.outbox)) / retained;
    const indexBytes = (await usage(store.keys.outboxIds)) / retained;
    const perEvent = streamBytes + indexBytes;
    const ceiling = end + trimmer.stats.removed * perEvent;
    row('events pushed (store + bridge + trimmer)', `${total.toLocaleString()} in ${seconds.toFixed(0)} s (${Math.round(total / seconds).toLocaleString()}/s)`);
    row(`used_memory at start (${subscribers.toLocaleString()} subscribers active)`, mib(start));
    row(`used_memory in the middle (${middle.events.toLocaleString()} events)`, mib(middle.memory));
    row(`used_memory at the end (${total.toLocaleString()} events)`, mib(end));
    row('outbox entries / event id index entries at the end', `${retained.toLocaleString()} / ${(await redis.hlen(store.keys.outboxIds)).toLocaleString()}`);
    row('entries trimmed', trimmer.stats.removed.toLocaleString());
    row('Redis memory per retained event (MEMORY USAGE)', `${Math.round(perEvent)} B (stream ${Math.round(streamBytes)} B, event id index ${Math.round(indexBytes)} B)`);
    row('ceiling: used_memory at the end had nothing been trimmed', mib(ceiling));
    row('growth middle → end', `${mib(end - middle.memory)} (${(((end - middle.memory) / middle.memory) * 100).toFixed(1)} %)`);
    row('ratio end / untrimmed', (end / ceiling).toFixed(3));
  } finally {
    await trimmer.stop();
    await delivery.stop(1000);
    redis.disconnect();
    await server.stop();
  }
}
