import { describe, expect, it } from 'vitest';
import type { EventType } from '../../../src/events/event.js';
import type { Binding } from '../../../src/leases/binding.js';
import { decide, type EngineConfig } from '../../../src/leases/engine.js';
import { testEngineConfig } from '../../helpers/engine-config.js';
import { MemoryLeaseStore } from '../../../src/leases/memory-store.js';
import type { AckObservation, Observation } from '../../../src/leases/observation.js';

const T0 = Date.UTC(2026, 10, 28, 9, 0, 0);

const config = (overrides: Partial<EngineConfig> = {}): EngineConfig => testEngineConfig(overrides);

function ack(overrides: Partial<AckObservation> = {}): AckObservation {
  return {
    kind: 'ack',
    time: T0,
    vr: 'default',
    ip: '192.0.2.10',
    xid: 1,
    renewal: false,
    mac: '02:00:00:00:00:01',
    clientId: null,
    giaddr: '192.0.2.1',
    serverId: '198.51.100.1',
    circuitId: '65:74:68:30',
    remoteId: null,
    vlans: [100],
    leaseSeconds: 120,
    clientOptions: { '53': '03', '55': '0103' },
    serverOptions: { '53': '05', '51': '00000078' },
    ...overrides,
  };
}

/** Runs observations through the engine against a memory store; returns event types in order. */
function run(observations: Observation[], cfg = config()) {
  const store = new MemoryLeaseStore('test');
  const events: Array<{ type: EventType; reason: string | null; ip: string; seq: number }> = [];
  const counters: string[] = [];
  for (const obs of observations) {
    const decision = decide(obs, store.lookup, cfg);
    counters.push(...decision.counters);
    for (const t of decision.transitions) {
      const r = store.commitSync(t);
      if (!r.ok) throw new Error(`commit failed: ${r.error}`);
      for (const e of r.events) events.push({ type: e.type, reason: e.reason, ip: e.subscriber.ip, seq: e.seq });
    }
  }
  return { store, events, counters, types: events.map((e) => (e.reason ? `${e.type}:${e.reason}` : e.type)) };
}

const data = (time: number, ip = '192.0.2.10', mac: string | null = '02:00:00:00:00:01'): Observation => ({ kind: 'data', time, vr: 'default', ip, mac });

describe('lease engine', () => {
  it('binds on ACK, activates on the first data packet, renews, and releases in the seed order', () => {
    const { types, store, events } = run([
      ack(),
      data(T0 + 1000),
      data(T0 + 1001),
      ack({ time: T0 + 600, renewal: true, giaddr: '0.0.0.0', circuitId: null, vlans: [] }),
      { kind: 'release', time: T0 + 70_000, vr: 'default', ip: '192.0.2.10', mac: '02:00:00:00:00:01', clientId: null },
    ]);
    expect(types).toEqual(['interface-created', 'address-added', 'address-renewed', 'interface-deleted:released', 'address-deleted:released']);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(store.size).toBe(0);
  });

  it('keeps relay facts across a unicast renewal and moves the timer', () => {
    const { store } = run([ack(), ack({ time: T0 + 60_000, xid: 2, giaddr: '0.0.0.0', circuitId: null, vlans: [] })]);
    const b = store.getSync('default', '192.0.2.10')!;
    expect(b.giaddr).toBe('192.0.2.1');
    expect(b.circuitId).toBe('65:74:68:30');
    expect(b.vlans).toEqual([100]);
    expect(b.expiresAt).toBe(T0 + 60_000 + 120_000);
    expect(b.rev).toBe(2);
  });

  it('treats the same ACK seen twice as one', () => {
    const { store, counters } = run([ack(), ack({ time: T0 + 2 }), data(T0 + 10), ack({ time: T0 + 12 })]);
    expect(store.getSync('default', '192.0.2.10')!.rev).toBe(2);
    expect(counters.filter((c) => c === 'duplicate-acks')).toHaveLength(2);
  });

  it('never activates on REQUESTs or DHCP: only data packets from the leased address', () => {
    const { types } = run([ack(), data(T0 + 5, '192.0.2.11')]);
    expect(types).toEqual([]);
  });

  it('activates on the ACK when configured', () => {
    expect(run([ack()], config({ activateOnAck: true })).types).toEqual(['interface-created', 'address-added']);
  });

  it('requires the binding MAC when activationMatchMac is set', () => {
    const cfg = config({ activationMatchMac: true });
    expect(run([ack(), data(T0 + 5, '192.0.2.10', '02:00:00:00:00:99')], cfg).types).toEqual([]);
    expect(run([ack(), data(T0 + 5)], cfg).types).toEqual(['interface-created', 'address-added']);
  });

  it('lets a binding that never became active leave silently', () => {
    const { types, store } = run([ack(), { kind: 'expire', time: T0 + 120_000, vr: 'default', ip: '192.0.2.10' }]);
    expect(types).toEqual([]);
    expect(store.size).toBe(0);
  });

  it('ignores a stale timer after a renewal', () => {
    const { types, counters } = run([
      ack(),
      data(T0 + 1),
      ack({ time: T0 + 60_000, xid: 9 }),
      { kind: 'expire', time: T0 + 120_000, vr: 'default', ip: '192.0.2.10' },
    ]);
    expect(types).toEqual(['interface-created', 'address-added', 'address-renewed']);
    expect(counters).toContain('stale-timers');
  });

  it('never expires an infinite lease', () => {
    const { store } = run([ack({ leaseSeconds: 0xffffffff })]);
    expect(store.getSync('default', '192.0.2.10')!.expiresAt).toBeNull();
    expect(store.nextExpirySync()).toBeNull();
  });

  it('ends on NAK to the client, on DECLINE (a conflict), and on clear', () => {
    const nak = run([ack(), data(T0 + 1), { kind: 'nak', time: T0 + 5, vr: 'default', mac: '02:00:00:00:00:01', clientId: null }]);
    expect(nak.types.slice(2)).toEqual(['interface-deleted:nak', 'address-deleted:nak']);
    const decline = run([ack(), data(T0 + 1), { kind: 'decline', time: T0 + 5, vr: 'default', ip: '192.0.2.10', mac: '02:00:00:00:00:01', clientId: null }]);
    expect(decline.types.slice(2)).toEqual(['interface-deleted:declined', 'address-deleted:declined']);
    expect(decline.counters).toContain('conflicts-declined');
    const clear = run([ack(), data(T0 + 1), { kind: 'clear', time: T0 + 5, vr: 'default', ip: '192.0.2.10', reason: 'cleared' }]);
    expect(clear.types.slice(2)).toEqual(['interface-deleted:cleared', 'address-deleted:cleared']);
  });

  it('does not end a binding on another client’s RELEASE or a clear keyed on another MAC', () => {
    const { types, counters } = run([
      ack(),
      { kind: 'release', time: T0 + 5, vr: 'default', ip: '192.0.2.10', mac: '02:00:00:00:00:02', clientId: null },
      { kind: 'clear', time: T0 + 6, vr: 'default', ip: '192.0.2.10', reason: 'cleared', mac: '02:00:00:00:00:02' },
    ]);
    expect(types).toEqual([]);
    expect(counters).toContain('unmatched-release');
  });

  it('replaces the binding when the same IP goes to another client (deletions first)', () => {
    const { types, store, counters } = run([ack(), data(T0 + 1), ack({ time: T0 + 10, xid: 5, mac: '02:00:00:00:00:02' }), data(T0 + 11)]);
    expect(types).toEqual([
      'interface-created',
      'address-added',
      'interface-deleted:replaced',
      'address-deleted:replaced',
      'interface-created',
      'address-added',
    ]);
    expect(store.getSync('default', '192.0.2.10')!.mac).toBe('02:00:00:00:00:02');
    expect(counters).toContain('conflicts-duplicate-client');
  });

  it('replaces the binding when the same client gets another IP', () => {
    const { types, store } = run([ack(), data(T0 + 1), ack({ time: T0 + 10, xid: 5, ip: '192.0.2.20' }), data(T0 + 11, '192.0.2.20')]);
    expect(types).toEqual(['interface-created', 'address-added', 'interface-deleted:replaced', 'address-deleted:replaced', 'interface-created', 'address-added']);
    expect(store.getSync('default', '192.0.2.10')).toBeUndefined();
    expect(store.getSync('default', '192.0.2.20')).toBeDefined();
  });

  it('identifies clients by client-id before MAC (RFC 2131 §4.2)', () => {
    const { types } = run([
      ack({ clientId: '01:aa' }),
      data(T0 + 1),
      { kind: 'release', time: T0 + 5, vr: 'default', ip: '192.0.2.10', mac: '02:00:00:00:00:01', clientId: '01:bb' },
    ]);
    expect(types).toEqual(['interface-created', 'address-added']);
  });

  it('treats a client on a new port (new circuit-id) as a new subscriber', () => {
    const { types } = run([ack(), data(T0 + 1), ack({ time: T0 + 30_000, xid: 7, circuitId: '65:74:68:31' })]);
    expect(types).toEqual(['interface-created', 'address-added', 'interface-deleted:replaced', 'address-deleted:replaced']);
  });

  it('applies the route map: deny keeps the binding silent, permit sets profile and name', () => {
    const deny = run([ack(), data(T0 + 1), data(T0 + 2)], config({ evaluateRouteMap: () => ({ permit: false, interfaceProfile: null, virtualRouter: null, interfaceName: null, loginName: null, attributes: {} }) }));
    expect(deny.types).toEqual([]);
    expect(deny.store.getSync('default', '192.0.2.10')!.state).toBe('denied');
    const permit = run(
      [ack(), data(T0 + 1)],
      config({ evaluateRouteMap: (s) => ({ permit: true, interfaceProfile: 'gold', virtualRouter: 'isp1', interfaceName: `sub-${s.vlans[0]}`, loginName: 'u1', attributes: { a: 'b' } }) }),
    );
    const b = permit.store.getSync('default', '192.0.2.10')!;
    expect([b.state, b.profile, b.interfaceVr, b.interfaceName, b.loginName, b.attributes]).toEqual(['active', 'gold', 'isp1', 'sub-100', 'u1', { a: 'b' }]);
  });

  it('keeps interface names unique per site', () => {
    const cfg = config({ defaultInterfaceName: () => 'same' });
    const { store } = run([ack(), data(T0 + 1), ack({ ip: '192.0.2.11', mac: '02:00:00:00:00:02', xid: 3 }), data(T0 + 2, '192.0.2.11', null)], cfg);
    expect(store.getSync('default', '192.0.2.10')!.interfaceName).toBe('same');
    expect(store.getSync('default', '192.0.2.11')!.interfaceName).toBe('same-2');
  });

  it('takes the profile from a DHCP option when configured', () => {
    const { store } = run([ack({ clientOptions: { '77': Buffer.from('silver').toString('hex') } }), data(T0 + 1)], config({ profileOption: 77, defaultProfile: 'basic' }));
    expect(store.getSync('default', '192.0.2.10')!.profile).toBe('silver');
  });

  it('carries both sides’ DHCP options on address-added only', () => {
    const store = new MemoryLeaseStore('test');
    const cfg = config();
    const added: unknown[] = [];
    for (const obs of [ack(), data(T0 + 1)] as Observation[]) {
      for (const t of decide(obs, store.lookup, cfg).transitions) {
        const r = store.commitSync(t);
        if (r.ok) for (const e of r.events) added.push([e.type, e.dhcpOptions]);
      }
    }
    expect(added).toEqual([
      ['interface-created', null],
      ['address-added', { client: { '53': '03', '55': '0103' }, server: { '53': '05', '51': '00000078' } }],
    ]);
  });

  it('gives each binding instance its own session id, stable for the same inputs', () => {
    const a = run([ack()]).store.getSync('default', '192.0.2.10')!;
    const b = run([ack()]).store.getSync('default', '192.0.2.10')!;
    const c = run([ack({ time: T0 + 1 })]).store.getSync('default', '192.0.2.10')!;
    expect(a.sessionId).toBe(b.sessionId);
    expect(a.sessionId).not.toBe(c.sessionId);
  });

  it('is pure: decide never mutates the bindings it reads', () => {
    const store = new MemoryLeaseStore('test');
    for (const t of decide(ack(), store.lookup, config()).transitions) store.commitSync(t);
    const before: Binding = structuredClone(store.getSync('default', '192.0.2.10')!);
    decide(data(T0 + 1), store.lookup, config());
    decide(ack({ time: T0 + 50_000, xid: 8 }), store.lookup, config());
    expect(store.getSync('default', '192.0.2.10')).toEqual(before);
  });
});

describe('event time stamps', async () => {
  const { isoTime } = await import('../../../src/events/stamp.js');
  it('formats like Date#toISOString for any millisecond', () => {
    for (const ms of [0, 1, 999, 1000, 1_795_856_409_007, 1_795_856_409_070, 1_795_856_409_700, Date.UTC(2026, 11, 31, 23, 59, 59, 999)]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });
});

describe('CoA changes (RFC 5176)', () => {
  it('changes the profile and attributes of that binding instance and announces it', () => {
    const store = new MemoryLeaseStore('test');
    const cfg = config();
    const types: string[] = [];
    const apply = (obs: Observation) => {
      for (const t of decide(obs, store.lookup, cfg).transitions) {
        const r = store.commitSync(t);
        if (r.ok) types.push(...r.events.map((e) => e.type));
      }
    };
    apply(ack());
    apply(data(T0 + 1));
    const b = store.getSync('default', '192.0.2.10')!;
    apply({ kind: 'change', time: T0 + 5, vr: 'default', ip: '192.0.2.10', sessionId: b.sessionId, profile: 'gold', attributes: { rate: '100M' } });
    expect(types).toEqual(['interface-created', 'address-added', 'interface-changed']);
    expect(store.getSync('default', '192.0.2.10')).toMatchObject({ profile: 'gold', attributes: { rate: '100M' }, rev: b.rev + 1 });
    // A change for another (older) binding instance of the address changes nothing.
    const decision = decide({ kind: 'change', time: T0 + 6, vr: 'default', ip: '192.0.2.10', sessionId: 'ffffffffffffffff', attributes: { x: 'y' } }, store.lookup, cfg);
    expect(decision).toEqual({ transitions: [], counters: ['unmatched-change'] });
  });
});
