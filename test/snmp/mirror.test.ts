/**
 * The binding mirror's consistency model against the reference store (MemoryLeaseStore):
 * load at start, follow the outbox (events name rows, store.get gives their content),
 * resync for bindings that change without events.
 */
import { describe, expect, it } from 'vitest';
import { activationEvents } from '../../src/events/drafts.js';
import { MemoryLeaseStore } from '../../src/leases/memory-store.js';
import { BindingMirror } from '../../src/snmp/binding-mirror.js';
import { del, makeActiveBinding, makeBinding, next, put, T0 } from '../conformance/lease-store.js';

const ips = (m: BindingMirror): string[] => m.rows.values().map((r) => `${r.vr}/${r.ip}/${r.state}`);

describe('BindingMirror', () => {
  it('loads every binding at start, in index order, and counts them by state', async () => {
    const store = new MemoryLeaseStore('s');
    await store.commit([put(makeBinding({ ip: '192.0.2.20' }), 0), put(makeActiveBinding({ ip: '192.0.2.3' }), 0), put(makeBinding({ vr: 'vr-b', ip: '10.0.0.1' }), 0)], ['bindings-created']);
    const mirror = new BindingMirror(store, { pollMs: 60_000 });
    await mirror.start();
    // Shorter virtual router names first (the name's length leads the index), then by address.
    expect(ips(mirror)).toEqual(['vr-b/10.0.0.1/bound', 'default/192.0.2.3/active', 'default/192.0.2.20/bound']);
    expect(mirror.byState).toEqual({ bound: 2, active: 1, denied: 0 });
    expect(mirror.counters).toEqual({ 'bindings-created': 1 });
    await mirror.stop();
  });

  it('follows the outbox: activations and deletions show up after a sync', async () => {
    const store = new MemoryLeaseStore('s');
    const b = makeBinding({ ip: '192.0.2.10' });
    await store.commit([put(b, 0)], []);
    const mirror = new BindingMirror(store, { pollMs: 60_000, resyncMs: 3_600_000 });
    await mirror.start();
    const active = next(b, { state: 'active', interfaceName: 'ip-192.0.2.10', activatedAt: T0 + 1000 });
    await store.commit([put(active, 1, activationEvents(active, T0 + 1000))], ['activations']);
    await mirror.sync();
    expect(ips(mirror)).toEqual(['default/192.0.2.10/active']);
    expect(mirror.rows.values()[0]!.interfaceName).toBe('ip-192.0.2.10');
    await store.commit([del(active, 2, 'released')], ['deletions-released']);
    await mirror.sync();
    expect(ips(mirror)).toEqual([]);
    expect(mirror.byState.active).toBe(0);
    await mirror.stop();
  });

  it('catches bindings that change without events by a resync once the counters move', async () => {
    const store = new MemoryLeaseStore('s');
    let now = T0;
    const mirror = new BindingMirror(store, { pollMs: 60_000, resyncMs: 30_000, clock: () => now });
    await mirror.start();
    // A bound binding: the engine writes no event for it.
    await store.commit([put(makeBinding({ ip: '192.0.2.50' }), 0)], ['bindings-created']);
    now += 1000;
    await mirror.sync();
    expect(ips(mirror)).toEqual([]);
    now += 30_000;
    await mirror.sync();
    expect(ips(mirror)).toEqual(['default/192.0.2.50/bound']);
    await mirror.stop();
  });

  it('sees events committed between reading the outbox tail and listing (applied again, harmlessly)', async () => {
    const store = new MemoryLeaseStore('s');
    const b = makeActiveBinding({ ip: '192.0.2.60' });
    let calls = 0;
    const mirror = new BindingMirror(store, {
      pollMs: 60_000,
      outboxTail: async () => {
        calls++;
        return '0';
      },
    });
    await store.commit([put(b, 0, activationEvents(b, T0))], ['activations']);
    await mirror.start();
    await mirror.sync();
    expect(calls).toBe(1);
    expect(ips(mirror)).toEqual(['default/192.0.2.60/active']);
    expect(mirror.outboxPosition).toBe('2');
    await mirror.stop();
  });

  it('keeps serving its last state when the store fails, and reports the error', async () => {
    const store = new MemoryLeaseStore('s');
    await store.commit([put(makeBinding({ ip: '192.0.2.70' }), 0)], []);
    const errors: unknown[] = [];
    const mirror = new BindingMirror(store, { pollMs: 10, onError: (e) => errors.push(e) });
    await mirror.start();
    store.readOutbox = async () => {
      throw new Error('redis down');
    };
    await new Promise((r) => setTimeout(r, 60));
    expect(errors.length).toBeGreaterThan(0);
    expect(ips(mirror)).toEqual(['default/192.0.2.70/bound']);
    await mirror.stop();
  });
});
