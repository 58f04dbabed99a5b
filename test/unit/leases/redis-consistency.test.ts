/**
 * Random commits, applied to MemoryLeaseStore and RedisLeaseStore in lockstep: same results,
 * same events, same final state. Then the Redis keyspace's invariants, which a script that
 * stopped half-way would break: every lease has its index entries and its timer, every index
 * entry and timer points at an existing lease, every lane's outbox seqs are 1..n once each.
 */
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activationEvents, renewalEvents } from '../../../src/events/drafts.js';
import type { Binding } from '../../../src/leases/binding.js';
import type { Transition } from '../../../src/leases/engine-types.js';
import { MemoryLeaseStore } from '../../../src/leases/memory-store.js';
import { decodeBinding } from '../../../src/leases/redis/binding-codec.js';
import { parseLane, parseLeaseKey } from '../../../src/leases/redis/keys.js';
import { RedisLeaseStore } from '../../../src/leases/redis/redis-store.js';
import { makeBinding, T0 } from '../../conformance/lease-store.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server.js';
import { requireTool } from '../../helpers/tools.js';

const VRS = ['default', 'isp:1'];
const IPS = ['192.0.2.1', '192.0.2.2', '192.0.2.9', '192.0.2.10', '10.0.0.1'];
const MACS = ['02:00:00:00:00:01', '02:00:00:00:00:02', '02:00:00:00:00:03'];
const CIDS = ['01:aa', '01:bb'];
const IFS = ['if-a', 'if-b', 'if-c'];

interface Op {
  kind: 'put' | 'delete';
  vr: number;
  ip: number;
  rev: 'right' | 'zero' | 'stale' | 'ahead';
  mac: number;
  cid: number | null;
  iface: number | null;
  expires: number | null;
  events: 0 | 1 | 2;
}

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('put' as const, 'put' as const, 'put' as const, 'delete' as const),
  vr: fc.integer({ min: 0, max: VRS.length - 1 }),
  ip: fc.integer({ min: 0, max: IPS.length - 1 }),
  rev: fc.constantFrom('right' as const, 'right' as const, 'right' as const, 'zero' as const, 'stale' as const, 'ahead' as const),
  mac: fc.integer({ min: 0, max: MACS.length - 1 }),
  cid: fc.option(fc.integer({ min: 0, max: CIDS.length - 1 }), { nil: null }),
  iface: fc.option(fc.integer({ min: 0, max: IFS.length - 1 }), { nil: null }),
  expires: fc.option(fc.integer({ min: 0, max: 20 }).map((n) => T0 + n * 1000), { nil: null }),
  events: fc.constantFrom(0 as const, 1 as const, 2 as const),
});

const stepArb = fc.oneof(
  { weight: 5, arbitrary: fc.record({ commit: fc.array(opArb, { minLength: 1, maxLength: 4 }), counters: fc.subarray(['renewals', 'activations'] as const) }) },
  { weight: 1, arbitrary: fc.record({ claimAt: fc.integer({ min: 0, max: 25 }).map((n) => T0 + n * 1000), claimMs: fc.constantFrom(500, 5000) }) },
);

function transitionOf(op: Op, current: Binding | undefined, step: number): Transition {
  const vr = VRS[op.vr]!;
  const ip = IPS[op.ip]!;
  const rev = current?.rev ?? 0;
  const expectRev = op.rev === 'right' ? rev : op.rev === 'zero' ? 0 : op.rev === 'stale' ? Math.max(0, rev - 1) : rev + 1;
  const base = current ?? makeBinding({ vr, ip });
  if (op.kind === 'delete') {
    const events = op.events === 0 ? [] : renewalEvents(base, T0 + step).slice(0, op.events);
    return { op: 'delete', binding: base, expectRev, reason: 'expired', events };
  }
  const binding: Binding = {
    ...base,
    vr,
    ip,
    mac: MACS[op.mac]!,
    clientId: op.cid === null ? null : CIDS[op.cid]!,
    interfaceName: op.iface === null ? null : IFS[op.iface]!,
    state: op.iface === null ? 'bound' : 'active',
    expiresAt: op.expires,
    leaseSeconds: op.expires === null ? 0xffffffff : 3600,
    lastXid: step,
    rev: expectRev + 1,
  };
  const events = op.events === 0 ? [] : op.events === 1 ? renewalEvents(binding, T0 + step) : activationEvents(binding, T0 + step);
  return { op: 'put', binding, expectRev, events };
}

/** Adds the `vr|mac` and `vr|clientId` identities that two different addresses hold among `bindings`. */
function sharedIdentities(bindings: Binding[], into: Set<string>): void {
  const lanes = new Map<string, Set<string>>();
  for (const b of bindings) {
    for (const id of [`mac ${b.vr}|${b.mac}`, b.clientId === null ? null : `cid ${b.vr}|${b.clientId}`]) {
      if (id === null) continue;
      const set = lanes.get(id) ?? new Set<string>();
      set.add(`${b.vr}|${b.ip}`);
      lanes.set(id, set);
      if (set.size > 1) into.add(id);
    }
  }
}

async function assertInvariants(client: Redis, store: RedisLeaseStore, everShared: Set<string>): Promise<void> {
  const k = store.keys;
  const leaseKeys = await client.keys(k.leasePattern);
  const leases = new Map<string, Binding>();
  for (const key of leaseKeys) {
    const at = parseLeaseKey(k, key)!;
    const decoded = decodeBinding(at.vr, at.ip, await client.hgetall(key));
    expect(decoded.ok).toBe(true);
    if (decoded.ok) leases.set(`${at.vr}|${at.ip}`, decoded.binding);
  }
  const macIdx = await client.hgetall(k.macIndex);
  const cidIdx = await client.hgetall(k.clientIdIndex);
  const ifIdx = await client.hgetall(k.interfaceIndex);
  const timers = new Map<string, number>();
  const z = await client.zrange(k.expiry, 0, -1, 'WITHSCORES');
  for (let i = 0; i < z.length; i += 2) timers.set(z[i]!, Number(z[i + 1]));

  for (const [lane, b] of leases) {
    // A lease has its index entries, unless another lease shared that identity at some point
    // (a single-valued index: the last writer's entry, removed when that one moves or goes —
    // the reference store's semantics).
    if (!everShared.has(`mac ${b.vr}|${b.mac}`)) expect(macIdx[`${b.vr}|${b.mac}`]).toBe(lane);
    if (b.clientId !== null && !everShared.has(`cid ${b.vr}|${b.clientId}`)) expect(cidIdx[`${b.vr}|${b.clientId}`]).toBe(lane);
    // Interface names are unique (interface-taken): always indexed. Finite leases have a timer.

    if (b.interfaceName !== null) expect(ifIdx[b.interfaceName]).toBe(lane);
    expect(timers.has(lane)).toBe(b.expiresAt !== null);
  }
  // Every index entry and timer points at an existing lease with that identity.
  for (const [field, lane] of Object.entries(macIdx)) expect(`${leases.get(lane)?.vr}|${leases.get(lane)?.mac}`).toBe(field);
  for (const [field, lane] of Object.entries(cidIdx)) expect(`${leases.get(lane)?.vr}|${leases.get(lane)?.clientId}`).toBe(field);
  for (const [name, lane] of Object.entries(ifIdx)) expect(leases.get(lane)?.interfaceName).toBe(name);
  for (const lane of timers.keys()) expect(leases.has(lane)).toBe(true);

  // Outbox: per lane, seqs 1..n exactly once, ids <sessionId>-<seq>, the seq hash at n.
  const bySeqLane = new Map<string, number[]>();
  const ids = new Set<string>();
  for (const [, fields] of await client.xrange(k.outbox, '-', '+')) {
    const f: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
    expect(parseLane(f.lane!)).toBeDefined();
    const seqs = bySeqLane.get(f.lane!) ?? [];
    seqs.push(Number(f.seq));
    bySeqLane.set(f.lane!, seqs);
    expect(f.id).toBe(`${(JSON.parse(f.body!) as { sessionId: string }).sessionId}-${f.seq}`);
    expect(ids.has(f.id!)).toBe(false);
    ids.add(f.id!);
  }
  // The lane's last seq: in its binding's field Q while it lives, else in the seq hash; never both.
  const seqHash = await client.hgetall(k.seq);
  for (const [lane, seqs] of bySeqLane) {
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const at = parseLane(lane)!;
    const q = leases.has(lane) ? await client.hget(k.lease(at.vr, at.ip), 'Q') : null;
    expect(q !== null && seqHash[lane] !== undefined, `${lane}: seq in the binding and the seq hash`).toBe(false);
    expect(Number(q ?? seqHash[lane])).toBe(seqs.length);
  }
}

describe.runIf(requireTool('redis-server'))('RedisLeaseStore against MemoryLeaseStore, random commits', () => {
  let server: RedisServer;
  let client: Redis;
  let run = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    client = new Redis(server.url);
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('same results, events and state; keyspace invariants hold', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 40 }), async (steps) => {
        const site = `rnd${process.pid}-${++run}`;
        const memory = new MemoryLeaseStore(site);
        const redis = new RedisLeaseStore(client, site);
        const everShared = new Set<string>();
        for (const [i, step] of steps.entries()) {
          if ('commit' in step) {
            const transitions = step.commit.map((op) => transitionOf(op, memory.getSync(VRS[op.vr]!, IPS[op.ip]!), i));
            // Identities shared at any moment, also transiently inside this commit.
            sharedIdentities([...(await memory.list()), ...transitions.map((t) => t.binding)], everShared);
            const expected = await memory.commit(transitions, [...step.counters]);
            expect(await redis.commit(transitions, [...step.counters])).toEqual(expected);
          } else {
            const sort = (d: Array<{ vr: string; ip: string }>) => d.map((x) => `${x.vr}|${x.ip}`).sort();
            const expected = sort(await memory.claimExpired(step.claimAt, 100, step.claimMs));
            expect(sort(await redis.claimExpired(step.claimAt, 100, step.claimMs))).toEqual(expected);
          }
        }
        expect(await redis.list()).toEqual(await memory.list());
        expect(await redis.count()).toBe(await memory.count());
        expect(await redis.counters()).toEqual(await memory.counters());
        expect(await redis.nextExpiry()).toBe(await memory.nextExpiry());
        expect((await redis.readOutbox('0', 10_000)).map((e) => e.event)).toEqual((await memory.readOutbox('0', 10_000)).map((e) => e.event));
        for (const vr of VRS) {
          for (const mac of MACS) for (const cid of [null, ...CIDS]) expect(await redis.findByClient(vr, mac, cid)).toEqual(await memory.findByClient(vr, mac, cid));
          for (const ip of IPS) expect(await redis.history(vr, ip, 5)).toEqual(await memory.history(vr, ip, 5));
        }
        for (const name of IFS) expect(await redis.findByInterface(name)).toEqual(await memory.findByInterface(name));
        await assertInvariants(client, redis, everShared);
      }),
      { numRuns: 60 },
    );
  });
});
