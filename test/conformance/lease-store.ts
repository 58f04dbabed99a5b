/**
 * The LeaseStore conformance suite (src/leases/store.ts): every implementation registers it
 * and must pass all of it. MemoryLeaseStore is the reference semantics.
 *
 *   leaseStoreConformance('MyStore', async () => ({ store, cleanup }));
 *
 * `makeStore` is called once per test and must give an empty store (a fresh site).
 * `knownFailures` names cases that a store is known to fail (a bug report, not a waiver):
 * they run as `it.fails`, so fixing the bug makes them fail until the entry is removed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { activationEvents, deletionEvents, renewalEvents } from '../../src/events/drafts.js';
import type { EventDraft, SubscriberEvent } from '../../src/events/event.js';
import { stampEvent } from '../../src/events/stamp.js';
import type { Binding } from '../../src/leases/binding.js';
import type { DeleteTransition, PutTransition } from '../../src/leases/engine-types.js';
import type { DeleteReason } from '../../src/leases/observation.js';
import type { LeaseStore } from '../../src/leases/store.js';

export interface StoreUnderTest {
  store: LeaseStore;
  cleanup: () => Promise<void>;
}

export interface ConformanceOptions {
  /** Titles of cases this store is known to fail (see the file comment). */
  knownFailures?: string[];
}

export const T0 = Date.UTC(2026, 10, 28, 9, 0, 0);

let sessionCounter = 0;

/** A complete bound binding; every field can be overridden. */
export function makeBinding(overrides: Partial<Binding> = {}): Binding {
  const n = ++sessionCounter;
  return {
    vr: 'default',
    ip: '192.0.2.10',
    sessionId: `5e55${n.toString(16).padStart(12, '0')}`,
    mac: '02:00:00:00:00:01',
    clientId: null,
    giaddr: '192.0.2.1',
    serverId: '198.51.100.1',
    circuitId: null,
    remoteId: null,
    vlans: [],
    state: 'bound',
    leaseSeconds: 3600,
    leaseStart: T0,
    expiresAt: T0 + 3_600_000,
    boundAt: T0,
    activatedAt: null,
    interfaceName: null,
    profile: null,
    interfaceVr: null,
    loginName: null,
    attributes: {},
    clientOptions: {},
    serverOptions: {},
    lastXid: 0x1234abcd,
    rev: 1,
    ...overrides,
  };
}

/** An active binding with every optional field set. */
export function makeActiveBinding(overrides: Partial<Binding> = {}): Binding {
  return makeBinding({
    clientId: '01:02:00:00:00:00:01',
    circuitId: '65:74:68:30:2f:31',
    remoteId: '72:65:6d:6f:74:65',
    vlans: [100, 4094],
    state: 'active',
    activatedAt: T0 + 1500,
    interfaceName: 'ip192-0-2-10',
    profile: 'gold',
    interfaceVr: 'isp1',
    loginName: 'alice@example.net',
    attributes: { 'Session-Timeout': '3600', 'ERX-Ingress-Policy-Name': 'in-gold' },
    clientOptions: { '53': '03', '55': '0103060f1c2a', '61': '01020000000001', '12': '686f73742d61' },
    serverOptions: { '1': 'ffffff00', '3': 'c0000201', '6': 'c6336401c6336402', '51': '00000e10', '53': '05', '54': 'c6336401' },
    ...overrides,
  });
}

export function put(binding: Binding, expectRev: number, events: EventDraft[] = []): PutTransition {
  return { op: 'put', binding, expectRev, events };
}

export function del(binding: Binding, expectRev = binding.rev, reason: DeleteReason = 'released', events?: EventDraft[]): DeleteTransition {
  return { op: 'delete', binding, expectRev, reason, events: events ?? deletionEvents(binding, T0 + 60_000, reason) };
}

/** The binding after one more write. */
export function next(b: Binding, overrides: Partial<Binding> = {}): Binding {
  return { ...b, ...overrides, rev: b.rev + 1 };
}

export function leaseStoreConformance(name: string, makeStore: () => Promise<StoreUnderTest>, options: ConformanceOptions = {}): void {
  const known = new Set(options.knownFailures ?? []);
  const cleanups: Array<() => Promise<void>> = [];

  describe(`LeaseStore conformance: ${name}`, () => {
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    async function fresh(): Promise<LeaseStore> {
      const { store, cleanup } = await makeStore();
      cleanups.push(async () => {
        await store.close();
        await cleanup();
      });
      return store;
    }

    /** it(), or it.fails() for a known failure of this store. */
    const test = (title: string, fn: () => Promise<void>): void => {
      if (known.has(title)) it.fails(`${title} [known failure]`, fn);
      else it(title, fn);
    };

    /** Commits and asserts every transition applied; returns the events. */
    async function apply(store: LeaseStore, ...transitions: Array<PutTransition | DeleteTransition>): Promise<SubscriberEvent[]> {
      const results = await store.commit(transitions, []);
      const events: SubscriberEvent[] = [];
      results.forEach((r, i) => {
        if (!r.ok) throw new Error(`transition ${i} failed: ${r.error}`);
        events.push(...r.events);
      });
      return events;
    }

    async function createActive(store: LeaseStore, overrides: Partial<Binding> = {}): Promise<{ b: Binding; events: SubscriberEvent[] }> {
      const b = makeActiveBinding(overrides);
      const events = await apply(store, put(b, 0, activationEvents(b, T0 + 1500)));
      return { b, events };
    }

    // ---- round trip ---------------------------------------------------------------------

    describe('round trip', () => {
      test('put then get returns every field of an active binding', async () => {
        const store = await fresh();
        const { b } = await createActive(store);
        expect(await store.get(b.vr, b.ip)).toEqual(b);
      });

      test('nulls, empty records and lists, infinite lease survive', async () => {
        const store = await fresh();
        const b = makeBinding({ expiresAt: null, leaseSeconds: 0xffffffff, serverId: null, vlans: [] });
        await apply(store, put(b, 0));
        const got = await store.get(b.vr, b.ip);
        expect(got).toEqual(b);
        expect(got!.clientId).toBeNull();
        expect(got!.expiresAt).toBeNull();
        expect(got!.attributes).toEqual({});
        expect(got!.vlans).toEqual([]);
      });

      test('empty strings stay empty strings, not nulls', async () => {
        const store = await fresh();
        const b = makeBinding({ clientId: '', loginName: '', profile: '', interfaceName: '', interfaceVr: '', circuitId: '', giaddr: '0.0.0.0' });
        await apply(store, put(b, 0));
        expect(await store.get(b.vr, b.ip)).toEqual(b);
      });

      test('long and unusual values survive (options over 64 bytes, unicode, separators)', async () => {
        const store = await fresh();
        const longHex = 'ab'.repeat(300);
        const b = makeActiveBinding({
          clientId: `00:${Array.from({ length: 40 }, (_, i) => (i % 256).toString(16).padStart(2, '0')).join(':')}`,
          interfaceName: `ip-${'x'.repeat(100)}`,
          loginName: `Jürgen ✓ 𝄞 ${'ü'.repeat(70)}`,
          profile: 'p;=|{}',
          attributes: { '': 'empty key', 'a=b;c': '{"json":true}', 'Ünïcode': '𝄞'.repeat(40), ['__proto__']: 'x' },
          clientOptions: { '43': longHex, '0': '', '255': '00' },
          serverOptions: { '82': `0106${'ff'.repeat(60)}`, 'not-a-code': 'zz' },
          vlans: [1, 2, 3, 4095],
          leaseStart: T0 + 0.125,
          expiresAt: T0 + 0.125 + 3_600_000,
          lastXid: 0xffffffff,
        });
        await apply(store, put(b, 0));
        expect(await store.get(b.vr, b.ip)).toEqual(b);
      });

      test('get of an unknown address is undefined; count counts bindings', async () => {
        const store = await fresh();
        expect(await store.get('default', '192.0.2.99')).toBeUndefined();
        expect(await store.count()).toBe(0);
        await apply(store, put(makeBinding({ ip: '192.0.2.1' }), 0), put(makeBinding({ ip: '192.0.2.2', mac: '02:00:00:00:00:02' }), 0));
        expect(await store.count()).toBe(2);
        await apply(store, del(makeBinding({ ip: '192.0.2.1' }), 1));
        expect(await store.count()).toBe(1);
      });

      test('the same address in two virtual routers is two bindings', async () => {
        const store = await fresh();
        const a = makeBinding({ vr: 'default' });
        const b = makeBinding({ vr: 'isp1', mac: '02:00:00:00:00:09' });
        await apply(store, put(a, 0), put(b, 0));
        expect(await store.get('default', a.ip)).toEqual(a);
        expect(await store.get('isp1', b.ip)).toEqual(b);
        expect(await store.count()).toBe(2);
      });
    });

    // ---- rev guard ----------------------------------------------------------------------

    describe('rev guard', () => {
      test('create when the binding exists is a conflict: nothing written, no events', async () => {
        const store = await fresh();
        const { b } = await createActive(store);
        const before = await store.readOutbox('0', 100);
        const other = makeActiveBinding({ mac: '02:00:00:00:00:77', clientId: null, interfaceName: 'other' });
        const [r] = await store.commit([put(other, 0, activationEvents(other, T0 + 5))], ['bindings-created']);
        expect(r).toEqual({ ok: false, error: 'conflict' });
        expect(await store.get(b.vr, b.ip)).toEqual(b);
        expect(await store.findByClient('default', other.mac, null)).toBeUndefined();
        expect(await store.findByInterface('other')).toBeUndefined();
        expect(await store.readOutbox('0', 100)).toEqual(before);
        expect(await store.counters()).toEqual({});
      });

      test('put with a stale or future expectRev is a conflict; the right one applies', async () => {
        const store = await fresh();
        const b = makeBinding();
        await apply(store, put(b, 0));
        const renewed = next(b, { leaseStart: T0 + 10_000, expiresAt: T0 + 3_610_000 });
        expect(await store.commit([put(renewed, 0)], [])).toEqual([{ ok: false, error: 'conflict' }]);
        expect(await store.commit([put(renewed, 2)], [])).toEqual([{ ok: false, error: 'conflict' }]);
        expect(await store.get(b.vr, b.ip)).toEqual(b);
        expect(await store.nextExpiry()).toBe(b.expiresAt);
        expect((await store.commit([put(renewed, 1)], []))[0]!.ok).toBe(true);
        expect(await store.get(b.vr, b.ip)).toEqual(renewed);
        expect(await store.nextExpiry()).toBe(renewed.expiresAt);
      });

      test('delete with a wrong rev is a conflict: binding, indexes and timer stay', async () => {
        const store = await fresh();
        const { b } = await createActive(store);
        const [r] = await store.commit([del(b, 7)], ['deletions-released']);
        expect(r).toEqual({ ok: false, error: 'conflict' });
        expect(await store.get(b.vr, b.ip)).toEqual(b);
        expect(await store.findByClient(b.vr, b.mac, b.clientId)).toEqual(b);
        expect(await store.findByInterface(b.interfaceName!)).toEqual(b);
        expect(await store.nextExpiry()).toBe(b.expiresAt);
        expect(await store.readOutbox('0', 100)).toHaveLength(2);
        expect(await store.counters()).toEqual({});
      });

      test('a failed transition does not advance the sequence', async () => {
        const store = await fresh();
        const { b } = await createActive(store);
        await store.commit([put(next(b), 5, renewalEvents(b, T0 + 1))], []);
        const [r] = await store.commit([put(next(b), 1, renewalEvents(b, T0 + 2))], []);
        expect(r!.ok && r!.events.map((e) => e.seq)).toEqual([3]);
      });
    });

    // ---- indexes ------------------------------------------------------------------------

    describe('indexes', () => {
      test('findByClient by MAC when there is no client id, by client id when there is one', async () => {
        const store = await fresh();
        const byMac = makeBinding({ ip: '192.0.2.20', mac: '02:00:00:00:00:20' });
        const byCid = makeBinding({ ip: '192.0.2.21', mac: '02:00:00:00:00:21', clientId: '01:aa' });
        await apply(store, put(byMac, 0), put(byCid, 0));
        expect(await store.findByClient('default', '02:00:00:00:00:20', null)).toEqual(byMac);
        // The client id wins over the MAC: another chaddr with the same client id is the same client.
        expect(await store.findByClient('default', '02:00:00:00:00:99', '01:aa')).toEqual(byCid);
        // The MAC index holds bindings with a client id too.
        expect(await store.findByClient('default', '02:00:00:00:00:21', null)).toEqual(byCid);
        // Unknown client id: falls back to the MAC.
        expect(await store.findByClient('default', '02:00:00:00:00:20', '01:bb')).toEqual(byMac);
        expect(await store.findByClient('default', '02:00:00:00:00:99', '01:bb')).toBeUndefined();
        expect(await store.findByClient('isp1', '02:00:00:00:00:20', null)).toBeUndefined();
      });

      test('findByInterface', async () => {
        const store = await fresh();
        const { b } = await createActive(store);
        expect(await store.findByInterface(b.interfaceName!)).toEqual(b);
        expect(await store.findByInterface('nope')).toBeUndefined();
      });

      test('indexes follow a change of MAC, client id and interface', async () => {
        const store = await fresh();
        const { b } = await createActive(store);
        const changed = next(b, { mac: '02:00:00:00:00:42', clientId: '01:42', interfaceName: 'ip-new' });
        await apply(store, put(changed, b.rev));
        expect(await store.findByClient(b.vr, b.mac, null)).toBeUndefined();
        expect(await store.findByClient(b.vr, '02:00:00:00:00:99', b.clientId)).toBeUndefined();
        expect(await store.findByInterface(b.interfaceName!)).toBeUndefined();
        expect(await store.findByClient(b.vr, changed.mac, null)).toEqual(changed);
        expect(await store.findByClient(b.vr, '02:00:00:00:00:99', '01:42')).toEqual(changed);
        expect(await store.findByInterface('ip-new')).toEqual(changed);
        // Losing the client id and the interface removes their entries.
        const plain = next(changed, { clientId: null, interfaceName: null, state: 'bound' });
        await apply(store, put(plain, changed.rev));
        expect(await store.findByClient(b.vr, '02:00:00:00:00:99', '01:42')).toBeUndefined();
        expect(await store.findByInterface('ip-new')).toBeUndefined();
        expect(await store.findByClient(b.vr, plain.mac, '01:42')).toEqual(plain);
      });

      test('delete removes the indexes', async () => {
        const store = await fresh();
        const { b } = await createActive(store);
        await apply(store, del(b));
        expect(await store.get(b.vr, b.ip)).toBeUndefined();
        expect(await store.findByClient(b.vr, b.mac, null)).toBeUndefined();
        expect(await store.findByClient(b.vr, '02:00:00:00:00:99', b.clientId)).toBeUndefined();
        expect(await store.findByInterface(b.interfaceName!)).toBeUndefined();
      });

      test('index entries that point at another binding are left alone', async () => {
        const store = await fresh();
        const first = makeBinding({ ip: '192.0.2.30', clientId: '01:cc' });
        // Same client moves to another address: the indexes now point at the new binding.
        const second = makeBinding({ ip: '192.0.2.31', clientId: '01:cc' });
        await apply(store, put(first, 0), put(second, 0));
        expect(await store.findByClient('default', first.mac, '01:cc')).toEqual(second);
        expect(await store.findByClient('default', first.mac, null)).toEqual(second);
        // Changing the old binding's identity does not unindex the new one …
        const moved = next(first, { mac: '02:00:00:00:00:55', clientId: null });
        await apply(store, put(moved, first.rev));
        expect(await store.findByClient('default', first.mac, '01:cc')).toEqual(second);
        expect(await store.findByClient('default', moved.mac, null)).toEqual(moved);
        // … nor does deleting it.
        const third = makeBinding({ ip: '192.0.2.32', mac: moved.mac });
        await apply(store, put(third, 0));
        await apply(store, del(moved));
        expect(await store.findByClient('default', moved.mac, null)).toEqual(third);
        expect(await store.findByClient('default', second.mac, '01:cc')).toEqual(second);
      });

      test('an interface name taken by another binding: interface-taken, nothing written', async () => {
        const store = await fresh();
        const { b: owner } = await createActive(store, { interfaceName: 'ip-shared' });
        const other = makeActiveBinding({ ip: '192.0.2.40', mac: '02:00:00:00:00:40', clientId: null, interfaceName: 'ip-shared' });
        const [r] = await store.commit([put(other, 0, activationEvents(other, T0 + 9))], ['activations']);
        expect(r).toEqual({ ok: false, error: 'interface-taken' });
        expect(await store.get(other.vr, other.ip)).toBeUndefined();
        expect(await store.findByClient('default', other.mac, null)).toBeUndefined();
        expect(await store.findByInterface('ip-shared')).toEqual(owner);
        expect(await store.readOutbox('0', 100)).toHaveLength(2);
        expect(await store.counters()).toEqual({});
        // Its own name is no obstacle to the owner.
        const renewed = next(owner, { leaseStart: T0 + 60_000 });
        await apply(store, put(renewed, owner.rev));
        // Once the owner gives the name up, it is free.
        await apply(store, put(next(renewed, { interfaceName: null }), renewed.rev));
        await apply(store, put(other, 0));
        expect(await store.findByInterface('ip-shared')).toEqual(other);
      });
    });

    // ---- events and outbox --------------------------------------------------------------

    describe('events', () => {
      test('events are the drafts stamped with seq 1, 2, 3 … per address and id <sessionId>-<seq>', async () => {
        const store = await fresh();
        const { b, events } = await createActive(store);
        const drafts = activationEvents(b, T0 + 1500);
        expect(events).toEqual(drafts.map((d, i) => stampEvent(d, store.site, i + 1)));
        expect(events.map((e) => e.id)).toEqual([`${b.sessionId}-1`, `${b.sessionId}-2`]);
        const renewed = next(b, { leaseStart: T0 + 1_800_000 });
        const [e3] = await apply(store, put(renewed, b.rev, renewalEvents(renewed, T0 + 1_800_000)));
        expect(e3).toMatchObject({ seq: 3, id: `${b.sessionId}-3`, type: 'address-renewed', site: store.site });
        // Another address has its own sequence.
        const { events: others } = await createActive(store, { ip: '192.0.2.11', mac: '02:00:00:00:00:11', clientId: null, interfaceName: 'ip11' });
        expect(others.map((e) => e.seq)).toEqual([1, 2]);
      });

      test('the sequence continues across binding instances of the same address', async () => {
        const store = await fresh();
        const { b } = await createActive(store);
        const gone = await apply(store, del(b, b.rev, 'expired'));
        expect(gone.map((e) => [e.type, e.seq, e.reason])).toEqual([
          ['interface-deleted', 3, 'expired'],
          ['address-deleted', 4, 'expired'],
        ]);
        const again = makeActiveBinding();
        const events = await apply(store, put(again, 0, activationEvents(again, T0 + 9_000_000)));
        expect(events.map((e) => e.seq)).toEqual([5, 6]);
        expect(events.map((e) => e.id)).toEqual([`${again.sessionId}-5`, `${again.sessionId}-6`]);
      });

      test('readOutbox returns committed events in commit order, pages from a position', async () => {
        const store = await fresh();
        const committed: SubscriberEvent[] = [];
        for (let i = 0; i < 5; i++) {
          const { events } = await createActive(store, { ip: `192.0.2.${50 + i}`, mac: `02:00:00:00:01:${10 + i}`, clientId: null, interfaceName: `if${i}` });
          committed.push(...events);
        }
        const all = await store.readOutbox('0', 100);
        expect(all.map((e) => e.event)).toEqual(committed);
        expect(new Set(all.map((e) => e.position)).size).toBe(10);
        const page1 = await store.readOutbox('0', 4);
        expect(page1).toEqual(all.slice(0, 4));
        const page2 = await store.readOutbox(page1[3]!.position, 4);
        expect(page2).toEqual(all.slice(4, 8));
        const page3 = await store.readOutbox(page2[3]!.position, 4);
        expect(page3).toEqual(all.slice(8));
        expect(await store.readOutbox(all[9]!.position, 4)).toEqual([]);
        expect(await store.readOutbox('0', 0)).toEqual([]);
      });

      test('transitions without events write nothing to the outbox', async () => {
        const store = await fresh();
        const b = makeBinding();
        await apply(store, put(b, 0), put(next(b), 1), del(next(b), 2, 'expired', []));
        expect(await store.readOutbox('0', 10)).toEqual([]);
      });

      test('history is one subscriber\'s events, oldest first, the last `limit`', async () => {
        const store = await fresh();
        const { b, events } = await createActive(store);
        await createActive(store, { ip: '192.0.2.12', mac: '02:00:00:00:00:12', clientId: null, interfaceName: 'ip12' });
        await createActive(store, { vr: 'isp1', mac: '02:00:00:00:00:13', clientId: null, interfaceName: 'isp1-ip10' });
        const gone = await apply(store, del(b));
        const again = makeActiveBinding();
        const back = await apply(store, put(again, 0, activationEvents(again, T0 + 7_000_000)));
        const mine = [...events, ...gone, ...back];
        expect(await store.history('default', b.ip, 100)).toEqual(mine);
        expect(await store.history('default', b.ip, 3)).toEqual(mine.slice(-3));
        expect(await store.history('default', b.ip, 1)).toEqual(mine.slice(-1));
        expect(await store.history('default', '192.0.2.250', 10)).toEqual([]);
        expect((await store.history('isp1', b.ip, 10)).map((e) => e.subscriber.vr)).toEqual(['isp1', 'isp1']);
      });

      test('history with limit 0 is empty', async () => {
        const store = await fresh();
        await createActive(store);
        expect(await store.history('default', '192.0.2.10', 0)).toEqual([]);
      });
    });

    // ---- list ---------------------------------------------------------------------------

    describe('list', () => {
      async function population(store: LeaseStore): Promise<Binding[]> {
        const bs = [
          makeBinding({ ip: '192.0.2.10', mac: '02:00:00:00:00:0a', giaddr: '192.0.2.1' }),
          makeActiveBinding({ ip: '192.0.2.9', mac: '02:00:00:00:00:09', clientId: null, interfaceName: 'if9', giaddr: '192.0.2.1' }),
          makeBinding({ ip: '192.0.2.100', mac: '02:00:00:00:00:aa', giaddr: '198.51.100.1', state: 'denied' }),
          makeBinding({ ip: '10.0.0.1', mac: '02:00:00:00:00:0b', giaddr: '198.51.100.1' }),
          makeBinding({ vr: 'isp1', ip: '192.0.2.9', mac: '02:00:00:00:00:09', giaddr: '192.0.2.1' }),
          makeBinding({ vr: 'a:vrf', ip: '192.0.2.1', mac: '02:00:00:00:00:0c', giaddr: '192.0.2.1', expiresAt: null }),
        ];
        await apply(store, ...bs.map((b) => put(b, 0)));
        return bs;
      }
      const order = (bs: Binding[]): string[] => bs.map((b) => `${b.vr}/${b.ip}`);

      test('everything, ordered by vr then numerically by address', async () => {
        const store = await fresh();
        await population(store);
        expect(order(await store.list())).toEqual(['a:vrf/192.0.2.1', 'default/10.0.0.1', 'default/192.0.2.9', 'default/192.0.2.10', 'default/192.0.2.100', 'isp1/192.0.2.9']);
        expect(await store.list({})).toHaveLength(6);
      });

      test('each filter, and filters together', async () => {
        const store = await fresh();
        const bs = await population(store);
        expect(order(await store.list({ vr: 'default' }))).toEqual(['default/10.0.0.1', 'default/192.0.2.9', 'default/192.0.2.10', 'default/192.0.2.100']);
        expect(order(await store.list({ vr: 'a' }))).toEqual([]);
        expect(order(await store.list({ vr: 'a:vrf' }))).toEqual(['a:vrf/192.0.2.1']);
        expect(order(await store.list({ ip: '192.0.2.9' }))).toEqual(['default/192.0.2.9', 'isp1/192.0.2.9']);
        expect(order(await store.list({ vr: 'isp1', ip: '192.0.2.9' }))).toEqual(['isp1/192.0.2.9']);
        expect(order(await store.list({ mac: '02:00:00:00:00:09' }))).toEqual(['default/192.0.2.9', 'isp1/192.0.2.9']);
        expect(order(await store.list({ mac: '02:00:00:00:00:0A' }))).toEqual(['default/192.0.2.10']);
        expect(order(await store.list({ interfaceName: 'if9' }))).toEqual(['default/192.0.2.9']);
        expect(order(await store.list({ interfaceName: 'if9', vr: 'isp1' }))).toEqual([]);
        expect(order(await store.list({ giaddr: '198.51.100.1' }))).toEqual(['default/10.0.0.1', 'default/192.0.2.100']);
        expect(order(await store.list({ state: 'active' }))).toEqual(['default/192.0.2.9']);
        expect(order(await store.list({ state: 'denied', giaddr: '198.51.100.1', vr: 'default' }))).toEqual(['default/192.0.2.100']);
        expect(await store.list({ vr: 'nope' })).toEqual([]);
        expect((await store.list({ interfaceName: 'if9' }))[0]).toEqual(bs[1]);
      });
    });

    // ---- timers -------------------------------------------------------------------------

    describe('timers', () => {
      async function three(store: LeaseStore): Promise<Binding[]> {
        const bs = [
          makeBinding({ ip: '192.0.2.1', mac: '02:00:00:00:02:01', expiresAt: T0 + 1000 }),
          makeBinding({ ip: '192.0.2.2', mac: '02:00:00:00:02:02', expiresAt: T0 + 2000 }),
          makeBinding({ ip: '192.0.2.3', mac: '02:00:00:00:02:03', expiresAt: T0 + 3000 }),
          makeBinding({ ip: '192.0.2.4', mac: '02:00:00:00:02:04', expiresAt: null, leaseSeconds: 0xffffffff }),
        ];
        await apply(store, ...bs.map((b) => put(b, 0)));
        return bs;
      }
      const ips = (due: Array<{ vr: string; ip: string }>): string[] => due.map((d) => `${d.vr}/${d.ip}`).sort();

      test('claimExpired returns due timers only (expiry <= now), never infinite leases', async () => {
        const store = await fresh();
        await three(store);
        expect(await store.claimExpired(T0 + 999, 10, 30_000)).toEqual([]);
        expect(ips(await store.claimExpired(T0 + 2000, 10, 30_000))).toEqual(['default/192.0.2.1', 'default/192.0.2.2']);
        // Far later: every finite timer (the claims ran out too), never the infinite lease.
        expect(ips(await store.claimExpired(T0 + 10_000_000_000, 10, 30_000))).toEqual(['default/192.0.2.1', 'default/192.0.2.2', 'default/192.0.2.3']);
      });

      test('a claimed timer is not returned again until the claim runs out', async () => {
        const store = await fresh();
        await three(store);
        expect(ips(await store.claimExpired(T0 + 1500, 10, 30_000))).toEqual(['default/192.0.2.1']);
        expect(await store.claimExpired(T0 + 1500, 10, 30_000)).toEqual([]);
        expect(ips(await store.claimExpired(T0 + 1600, 10, 30_000))).toEqual([]);
        expect(await store.nextExpiry()).toBe(T0 + 2000);
        expect(ips(await store.claimExpired(T0 + 31_499, 10, 30_000))).toEqual(['default/192.0.2.2', 'default/192.0.2.3']);
        expect(ips(await store.claimExpired(T0 + 31_500, 10, 30_000))).toEqual(['default/192.0.2.1']);
      });

      test('claimExpired respects the limit, earliest first', async () => {
        const store = await fresh();
        await three(store);
        const now = T0 + 5000;
        expect(ips(await store.claimExpired(now, 2, 30_000))).toEqual(['default/192.0.2.1', 'default/192.0.2.2']);
        expect(ips(await store.claimExpired(now, 2, 30_000))).toEqual(['default/192.0.2.3']);
        expect(await store.claimExpired(now, 2, 30_000)).toEqual([]);
        expect(await store.claimExpired(now + 60_000, 0, 30_000)).toEqual([]);
      });

      test('claimExpired returns a binding at most once per call, whatever claimMs', async () => {
        const store = await fresh();
        await three(store);
        expect(ips(await store.claimExpired(T0 + 1000, 10, 0))).toEqual(['default/192.0.2.1']);
      });

      test('renewal moves the timer, an infinite lease and a delete remove it', async () => {
        const store = await fresh();
        const [b1, b2, b3] = await three(store);
        await apply(store, put(next(b1!, { expiresAt: T0 + 9000 }), 1));
        await apply(store, put(next(b2!, { expiresAt: null }), 1));
        await apply(store, del(b3!));
        expect(await store.nextExpiry()).toBe(T0 + 9000);
        expect(ips(await store.claimExpired(T0 + 8999, 10, 1000))).toEqual([]);
        expect(ips(await store.claimExpired(T0 + 9000, 10, 1000))).toEqual(['default/192.0.2.1']);
        expect(await store.nextExpiry()).toBe(T0 + 10_000);
      });

      test('nextExpiry is the earliest timer, null without any', async () => {
        const store = await fresh();
        expect(await store.nextExpiry()).toBeNull();
        await apply(store, put(makeBinding({ expiresAt: null }), 0));
        expect(await store.nextExpiry()).toBeNull();
        await three(store);
        expect(await store.nextExpiry()).toBe(T0 + 1000);
      });

      test('nextExpiry follows claims and deletes', async () => {
        const store = await fresh();
        const [, b2] = await three(store);
        expect(await store.nextExpiry()).toBe(T0 + 1000);
        await store.claimExpired(T0 + 1000, 1, 100_000);
        expect(await store.nextExpiry()).toBe(T0 + 2000);
        await apply(store, del(b2!));
        expect(await store.nextExpiry()).toBe(T0 + 3000);
        await store.claimExpired(T0 + 3000, 10, 100_000);
        expect(await store.nextExpiry()).toBe(T0 + 101_000);
      });
    });

    // ---- counters and commits -----------------------------------------------------------

    describe('counters and commits', () => {
      test('bindings by state follow every put and delete', async () => {
        const store = await fresh();
        const byList = async () => {
          const counts = { bound: 0, active: 0, denied: 0 };
          for (const b of await store.list()) counts[b.state]++;
          return counts;
        };
        const a = makeBinding();
        const b = makeBinding({ ip: '192.0.2.61', mac: '02:00:00:00:00:61', state: 'active' });
        const c = makeBinding({ ip: '192.0.2.62', mac: '02:00:00:00:00:62', state: 'denied' });
        await apply(store, put(a, 0));
        await apply(store, put(b, 0));
        await apply(store, put(c, 0));
        expect(await store.bindingsByState()).toEqual({ bound: 1, active: 1, denied: 1 });
        await apply(store, put(next(a, { state: 'active' }), 1));
        await apply(store, put(next(b), 1));
        await apply(store, del(c, 1));
        expect(await store.bindingsByState()).toEqual({ bound: 0, active: 2, denied: 0 });
        // A conflicting write changes nothing.
        await store.commit([put(next(a, { state: 'denied' }), 7)], []);
        expect(await store.bindingsByState()).toEqual(await byList());
      });

      test('commit counters count once when the commit applies; addCounters adds', async () => {
        const store = await fresh();
        const b = makeBinding();
        await store.commit([put(b, 0)], ['bindings-created', 'renewals', 'renewals']);
        await store.addCounters({ 'ignored-untrusted-reply': 2, renewals: 1 });
        await store.addCounters({});
        expect(await store.counters()).toEqual({ 'bindings-created': 1, 'ignored-untrusted-reply': 2, renewals: 3 });
        expect(Object.keys(await store.counters())).toEqual(['bindings-created', 'ignored-untrusted-reply', 'renewals']);
      });

      test('counters of a commit whose transitions all fail are not counted', async () => {
        const store = await fresh();
        const b = makeBinding();
        await apply(store, put(b, 0));
        await store.commit([put(next(b), 0), del(b, 9)], ['renewals']);
        expect(await store.counters()).toEqual({});
      });

      test('counters of a commit count when any transition applied, even if the last failed', async () => {
        const store = await fresh();
        const b = makeBinding();
        const taken = makeBinding({ ip: '192.0.2.60', mac: '02:00:00:00:00:60' });
        await apply(store, put(taken, 0));
        await store.commit([put(b, 0), put(next(taken), 0)], ['bindings-created', 'conflicts-duplicate-client']);
        expect(await store.counters()).toEqual({ 'bindings-created': 1, 'conflicts-duplicate-client': 1 });
      });

      test('a conflict in the middle of a commit: the others still apply, in order', async () => {
        const store = await fresh();
        const existing = makeBinding({ ip: '192.0.2.70', mac: '02:00:00:00:00:70' });
        await apply(store, put(existing, 0));
        const a = makeActiveBinding({ ip: '192.0.2.71', mac: '02:00:00:00:00:71', clientId: null, interfaceName: 'if71' });
        const c = makeActiveBinding({ ip: '192.0.2.72', mac: '02:00:00:00:00:72', clientId: null, interfaceName: 'if72' });
        const results = await store.commit(
          [put(a, 0, activationEvents(a, T0 + 1)), put(next(existing), 0, renewalEvents(existing, T0 + 2)), put(c, 0, activationEvents(c, T0 + 3))],
          ['activations'],
        );
        expect(results.map((r) => r.ok)).toEqual([true, false, true]);
        expect(results[1]).toEqual({ ok: false, error: 'conflict' });
        expect(await store.get(a.vr, a.ip)).toEqual(a);
        expect(await store.get(existing.vr, existing.ip)).toEqual(existing);
        expect(await store.get(c.vr, c.ip)).toEqual(c);
        const outbox = (await store.readOutbox('0', 10)).map((e) => `${e.event.subscriber.ip}#${e.event.seq}`);
        expect(outbox).toEqual(['192.0.2.71#1', '192.0.2.71#2', '192.0.2.72#1', '192.0.2.72#2']);
        expect(await store.counters()).toEqual({ activations: 1 });
      });

      test('transitions of one commit see each other: delete frees an interface a later put takes', async () => {
        const store = await fresh();
        const { b: old } = await createActive(store, { interfaceName: 'ip-x' });
        const newer = makeActiveBinding({ ip: '192.0.2.80', mac: old.mac, clientId: old.clientId, interfaceName: 'ip-x' });
        const results = await store.commit(
          [del(old, old.rev, 'replaced'), put(newer, 0, activationEvents(newer, T0 + 5))],
          ['conflicts-duplicate-client', 'deletions-replaced', 'bindings-created'],
        );
        expect(results.map((r) => r.ok)).toEqual([true, true]);
        expect(await store.findByInterface('ip-x')).toEqual(newer);
        expect(await store.findByClient('default', old.mac, old.clientId)).toEqual(newer);
        expect(await store.count()).toBe(1);
      });

      test('an empty commit does nothing', async () => {
        const store = await fresh();
        expect(await store.commit([], [])).toEqual([]);
        expect(await store.count()).toBe(0);
      });
    });
  });
}
