/** RedisLeaseStore specifics (the shared semantics are in test/conformance/lease-store.ts). */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activationEvents } from '../../../src/events/drafts.js';
import { DxgwError } from '../../../src/errors/codes.js';
import { RedisLeaseStore } from '../../../src/leases/redis/redis-store.js';
import { del, makeActiveBinding, makeBinding, put, T0 } from '../../conformance/lease-store.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server.js';
import { requireTool } from '../../helpers/tools.js';

let siteCounter = 0;
const newSite = (): string => `unit${process.pid}-${++siteCounter}`;

describe.runIf(requireTool('redis-server'))('RedisLeaseStore', () => {
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

  describe('construction', () => {
    it('refuses a client with keyPrefix, bad site names, and vr names with a bar', async () => {
      const prefixed = new Redis(server.url, { keyPrefix: 'x:', lazyConnect: true });
      expect(() => new RedisLeaseStore(prefixed, 'a')).toThrow(DxgwError);
      prefixed.disconnect();
      expect(() => new RedisLeaseStore(client, '{x}')).toThrow(/site/);
      const store = new RedisLeaseStore(client, newSite());
      await expect(store.commit([put(makeBinding({ vr: 'a|b' }), 0)], [])).rejects.toThrow(/must not contain/);
    });

    it('close() leaves a borrowed client open and quits its own', async () => {
      await new RedisLeaseStore(client, newSite()).close();
      expect(await client.ping()).toBe('PONG');
      const own = RedisLeaseStore.connect(server.url, newSite());
      expect(await own.count()).toBe(0);
      await own.close();
      await expect(own.count()).rejects.toMatchObject({ code: 'DXGW_STORE_UNAVAILABLE' });
    });

    it('reports an unreachable Redis as DXGW_STORE_UNAVAILABLE', async () => {
      const store = RedisLeaseStore.connect('redis://127.0.0.1:1', newSite(), {}, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
      await expect(store.get('default', '192.0.2.1')).rejects.toMatchObject({ code: 'DXGW_STORE_UNAVAILABLE' });
      await expect(store.commit([put(makeBinding(), 0)], [])).rejects.toMatchObject({ code: 'DXGW_STORE_UNAVAILABLE' });
      await store.close();
    });
  });

  describe('scripts', () => {
    it('survive SCRIPT FLUSH (EVALSHA falls back to EVAL), in pipelines and single calls', async () => {
      const store = new RedisLeaseStore(client, newSite());
      const a = makeActiveBinding();
      await store.commit([put(a, 0, activationEvents(a, T0))], []);
      await client.script('FLUSH');
      const batch = Array.from({ length: 20 }, (_, i) => put(makeBinding({ ip: `192.0.2.${100 + i}`, mac: `02:00:00:00:03:${10 + i}` }), 0));
      const results = await store.commit([...batch, del(a)], ['bindings-created']);
      expect(results.every((r) => r.ok)).toBe(true);
      await client.script('FLUSH');
      expect(await store.claimExpired(T0 + 3_600_000, 100, 1000)).toHaveLength(20);
      expect(await store.count()).toBe(20);
      expect((await store.readOutbox('0', 100)).map((e) => e.event.seq)).toEqual([1, 2, 3, 4]);
      expect(await store.counters()).toEqual({ 'bindings-created': 1 });
      // After a flush the resent scripts keep their order: each of these needs the one before.
      await client.script('FLUSH');
      const c = makeBinding({ ip: '198.51.100.1', mac: '02:00:00:00:03:99' });
      const c2 = { ...c, rev: 2 };
      const c3 = { ...c, rev: 3, expiresAt: null };
      const chained = await store.commit([put(c, 0), put(c2, 1), put(c3, 2), del(c3, 3)], []);
      expect(chained.map((r) => r.ok)).toEqual([true, true, true, true]);
      expect(await store.get(c.vr, c.ip)).toBeUndefined();
    });

    it('a commit of n transitions is ceil(n / transitionsPerCall) EVALSHA calls in one round trip', async () => {
      const store = new RedisLeaseStore(client, newSite(), { transitionsPerCall: 16 });
      await store.commit([put(makeBinding({ ip: '192.0.2.1' }), 0)], []); // loads the script on this connection
      const before = await commandStats(client);
      const n = 50;
      await store.commit(
        Array.from({ length: n }, (_, i) => put(makeBinding({ ip: `10.0.0.${i + 1}`, mac: `02:00:00:00:04:${10 + i}` }), 0)),
        ['bindings-created'],
      );
      const after = await commandStats(client);
      expect((after.evalsha ?? 0) - (before.evalsha ?? 0)).toBe(Math.ceil(n / 16));
      expect((after.eval ?? 0) - (before.eval ?? 0)).toBe(0);
    });
  });

  describe('bindings written by the previous version', () => {
    it('are read, renewed and deleted: times in long form, seq in the seq hash', async () => {
      const store = new RedisLeaseStore(client, newSite());
      const b = makeActiveBinding({ interfaceVr: 'default' });
      const lane = `${b.vr}|${b.ip}`;
      const k = store.keys;
      // As the previous version wrote it (docs/redis-keyspace.md before Q and the short forms).
      const old: Record<string, string> = {
        r: String(b.rev), s: b.sessionId, m: b.mac, g: b.giaddr, t: 'a', L: String(b.leaseSeconds), T: String(b.leaseStart),
        e: String(b.expiresAt), B: String(b.boundAt), A: String(b.activatedAt), i: b.interfaceName!, v: 'default', x: String(b.lastXid),
      };
      if (b.clientId !== null) old.c = b.clientId;
      if (b.serverId !== null) old.S = b.serverId;
      await client.hset(k.lease(b.vr, b.ip), old);
      await client.hset(k.macIndex, `${b.vr}|${b.mac}`, lane);
      if (b.clientId !== null) await client.hset(k.clientIdIndex, `${b.vr}|${b.clientId}`, lane);
      await client.hset(k.interfaceIndex, b.interfaceName!, lane);
      await client.zadd(k.expiry, b.expiresAt!, lane);
      await client.hset(k.seq, lane, '2');

      expect(await store.get(b.vr, b.ip)).toMatchObject({ ...b, circuitId: null, remoteId: null, vlans: [], profile: null, loginName: null, attributes: {}, clientOptions: {}, serverOptions: {} });
      const stored = (await store.get(b.vr, b.ip))!;
      const renewed = { ...stored, rev: stored.rev + 1, expiresAt: stored.expiresAt! + 1000 };
      const [r] = await store.commit([put(renewed, stored.rev, activationEvents(renewed, T0 + 2))], []);
      expect(r).toMatchObject({ ok: true, events: [{ seq: 3 }, { seq: 4 }] });
      expect(await client.hget(k.lease(b.vr, b.ip), 'Q')).toBe('4');
      expect(await client.hexists(k.seq, lane)).toBe(0);
      expect(await store.get(b.vr, b.ip)).toEqual(renewed);
      const [d] = await store.commit([del(renewed, renewed.rev)], []);
      expect(d).toMatchObject({ ok: true, events: [{ seq: 5 }, { seq: 6 }] });
      // The binding is gone: its lane's seq goes back to the seq hash.
      expect(await client.hget(k.seq, lane)).toBe('6');
      expect(await store.findByInterface(b.interfaceName!)).toBeUndefined();
    });
  });

  describe('hostile data', () => {
    it('a garbled or wrongly typed lease entry does not crash get/list: it is skipped and counted', async () => {
      const seen: string[] = [];
      const store = new RedisLeaseStore(client, newSite(), { onCorrupt: (where) => seen.push(where) });
      const good = makeActiveBinding();
      await store.commit([put(good, 0)], []);
      const k = store.keys;
      await client.hset(k.lease('default', '192.0.2.20'), 'r', 'x', 's', 'abc');
      await client.hset(k.lease('default', '192.0.2.21'), 'junk', '1');
      await client.set(k.lease('default', '192.0.2.22'), 'not a hash');
      await client.hset(`${k.leasePrefix}nocolon`, 'r', '1');
      await client.hset(k.lease('default', '192.0.2.23'), { r: '1', s: 'x', m: 'm', g: 'g', t: 'a', L: '1', T: '1', B: '1', x: '1', q: '12=zz' });
      expect(await store.list()).toEqual([good]);
      expect(store.corruptEntries).toBe(5);
      expect(seen).toContain(k.lease('default', '192.0.2.22'));
      expect(await store.get('default', '192.0.2.20')).toBeUndefined();
      expect(await store.get('default', '192.0.2.22')).toBeUndefined();
      expect(await store.count()).toBe(6);
      // A garbled index value or timer member is skipped too.
      await client.hset(k.interfaceIndex, 'bad-if', 'no-bar');
      expect(await store.findByInterface('bad-if')).toBeUndefined();
      await client.zadd(k.expiry, 1, 'no-bar');
      expect(await store.claimExpired(T0, 10, 1000)).toEqual([]);
      // … and so is a garbled outbox entry.
      await client.xadd(k.outbox, '*', 'seq', 'x', 'body', '{');
      await client.xadd(k.outbox, '*', 'seq', '1', 'lane', 'default|192.0.2.10', 'body', 'not json');
      await store.commit([put({ ...good, rev: 2 }, 1, activationEvents(good, T0))], []);
      expect((await store.readOutbox('0', 1)).map((e) => e.event.type)).toEqual(['interface-created']);
      expect((await store.history('default', '192.0.2.10', 10)).map((e) => e.seq)).toEqual([1, 2]);
    });
  });

  describe('memory', () => {
    it('keeps a binding hash, even with long options, in the listpack encoding; a typical one under 512 bytes', async () => {
      const store = new RedisLeaseStore(client, newSite());
      // Typical: active behind a relay, a client id, one VLAN, ~120 hex chars of options.
      const typical = makeActiveBinding({ remoteId: null, vlans: [100], profile: null, interfaceVr: 'default', loginName: null, attributes: {} });
      const everything = makeActiveBinding({ ip: '192.0.2.11', mac: '02:00:00:00:00:11', interfaceName: 'if11', serverOptions: { '43': 'ab'.repeat(200) } });
      await store.commit([put(typical, 0), put(everything, 0)], []);
      const typicalKey = store.keys.lease('default', '192.0.2.10');
      expect(await client.object('ENCODING', typicalKey)).toBe('listpack');
      expect(await client.object('ENCODING', store.keys.lease('default', '192.0.2.11'))).toBe('listpack');
      const bytes = Number(await client.call('MEMORY', 'USAGE', typicalKey));
      expect(bytes).toBeGreaterThan(0);
      expect(bytes).toBeLessThan(512);
    });
  });
});

describe.runIf(requireTool('redis-server'))('RedisLeaseStore on a cluster-mode node', () => {
  let server: RedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await startRedisServer({ args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'] });
    client = new Redis(server.url);
    await client.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    for (let i = 0; i < 100 && !(await client.call('CLUSTER', 'INFO') as string).includes('cluster_state:ok'); i++) await new Promise((r) => setTimeout(r, 50));
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('every key of a site is in one hash slot (scripts run: no CROSSSLOT)', async () => {
    const store = new RedisLeaseStore(client, 'pop-7');
    const a = makeActiveBinding();
    const b = makeActiveBinding({ vr: 'router:vrf', ip: '198.51.100.7', mac: '02:00:00:00:00:07', interfaceName: 'if7' });
    await store.commit([put(a, 0, activationEvents(a, T0)), put(b, 0, activationEvents(b, T0))], ['bindings-created']);
    await store.claimExpired(T0 + 10_000_000, 10, 1000);
    await store.commit([del({ ...a, rev: 1 })], ['deletions-released']);
    expect(await store.list()).toHaveLength(1);
    await client.set(store.keys.bridgeCheckpoint, (await store.readOutbox('0', 10)).at(-1)!.position);
    expect(await store.trimOutbox({ maxEvents: 1, maxAgeSeconds: 3600 }, { requireCheckpoint: true })).toMatchObject({ removed: 5, remaining: 1 });
    const keys = await client.keys('*dxgw:pop-7*');
    expect(keys.length).toBeGreaterThanOrEqual(10);
    const slots = new Set(await Promise.all(keys.map((k) => client.call('CLUSTER', 'KEYSLOT', k))));
    expect(slots).toEqual(new Set([await client.call('CLUSTER', 'KEYSLOT', '{dxgw:pop-7}')]));
    const other = await client.call('CLUSTER', 'KEYSLOT', '{dxgw:pop-8}:lease:default:192.0.2.10');
    expect(slots.has(other as number)).toBe(false);
  });
});

describe.runIf(requireTool('redis-server'))('RedisLeaseStore across a Redis crash (AOF)', () => {
  let server: RedisServer;
  let client: Redis;
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('keeps bindings, timers, seqs and the outbox across kill -9 and restart', async () => {
    server = await startRedisServer({ appendonly: true });
    client = new Redis(server.url);
    cleanups.push(async () => {
      client.disconnect();
      await server.stop();
    });
    const store = new RedisLeaseStore(client, newSite());
    const a = makeActiveBinding();
    await store.commit([put(a, 0, activationEvents(a, T0))], ['activations']);
    await server.restart('SIGKILL');
    expect(await store.get(a.vr, a.ip)).toEqual(a);
    expect(await store.nextExpiry()).toBe(a.expiresAt);
    expect(await store.counters()).toEqual({ activations: 1 });
    const [r] = await store.commit([del(a)], []);
    expect(r!.ok && r!.events.map((e) => e.seq)).toEqual([3, 4]);
    expect(await store.readOutbox('0', 10)).toHaveLength(4);
  });
});

async function commandStats(client: Redis): Promise<Record<string, number>> {
  const info = await client.info('commandstats');
  const out: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
}
