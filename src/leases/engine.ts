/**
 * The lease engine: a pure function of (observation, current bindings, config) → transitions
 * with their events. No I/O and no clock: time comes in the observation (wall clock live,
 * packet time in replay), so replays are deterministic. Stores execute the transitions
 * atomically, each guarded by the binding's rev.
 */
import type { EventDraft } from '../events/event.js';
import { activationEvents, changeEvents, deletionEvents, renewalEvents } from '../events/drafts.js';
import { activate, type ActivationConfig } from './activation.js';
import type { Binding } from './binding.js';
import type { BindingLookup, Decision, EngineCounter, Transition } from './engine-types.js';
import type { AckObservation, ClientIdentity, DeleteReason, Observation } from './observation.js';
import { sessionIdFor } from './session-id.js';
import { INFINITE_LEASE } from '../dhcp/spec.js';

export interface EngineConfig extends ActivationConfig {
  site: string;
  /** Activate on the ACK instead of the first data packet (captures that see only DHCP). */
  activateOnAck: boolean;
}

/** The same ACK seen twice (both sides of a relay, relayed and routed copies) within this window is one ACK. */
const DUPLICATE_ACK_WINDOW_MS = 2000;

/** See Binding.lastXid. */
export function ackTag(obs: AckObservation): number {
  return (obs.xid ^ (obs.renewal ? 0x80000000 : 0)) >>> 0;
}

const NOTHING: Decision = Object.freeze({ transitions: [], counters: [] }) as unknown as Decision;

export function decide(obs: Observation, lookup: BindingLookup, config: EngineConfig): Decision {
  switch (obs.kind) {
    case 'ack':
      return onAck(obs, lookup, config);
    case 'data':
      return onData(obs.vr, obs.ip, obs.mac, obs.time, lookup, config);
    case 'release':
      return endIfSameClient(lookup.get(obs.vr, obs.ip), obs, obs.time, 'released', 'unmatched-release');
    case 'decline': {
      // Counted once per declined binding, not per copy of the DECLINE seen.
      const binding = lookup.get(obs.vr, obs.ip);
      if (binding && sameClient(binding, obs)) return end(binding, obs.time, 'declined', ['conflicts-declined']);
      return { transitions: [], counters: ['unmatched-decline'] };
    }
    case 'nak': {
      const binding = lookup.findByClient(obs.vr, obs.mac, obs.clientId);
      return binding ? end(binding, obs.time, 'nak', []) : { transitions: [], counters: ['unmatched-nak'] };
    }
    case 'expire': {
      const binding = lookup.get(obs.vr, obs.ip);
      // A timer that fires after a renewal moved the expiry is stale: the binding lives on.
      if (!binding || binding.expiresAt === null || binding.expiresAt > obs.time) return { transitions: [], counters: ['stale-timers'] };
      return end(binding, obs.time, 'expired', []);
    }
    case 'change': {
      const binding = lookup.get(obs.vr, obs.ip);
      if (!binding || binding.sessionId !== obs.sessionId) return { transitions: [], counters: ['unmatched-change'] };
      const changed: Binding = {
        ...binding,
        profile: obs.profile ?? binding.profile,
        attributes: { ...binding.attributes, ...obs.attributes },
        rev: binding.rev + 1,
      };
      // Before activation the change is kept for the interface to come; only an existing
      // interface is announced as changed.
      const events = changed.state === 'active' ? changeEvents(changed, obs.time) : [];
      return { transitions: [{ op: 'put', binding: changed, expectRev: binding.rev, events }], counters: ['changes-coa'] };
    }
    case 'clear': {
      const binding = lookup.get(obs.vr, obs.ip);
      if (!binding || (obs.mac !== undefined && obs.mac !== binding.mac)) return NOTHING;
      return end(binding, obs.time, obs.reason, []);
    }
  }
}

/** RFC 2131 §4.2: a client is identified by its client-id when it sends one, else by chaddr. */
export function sameClient(binding: Binding, who: ClientIdentity): boolean {
  if (binding.clientId !== null && who.clientId !== null) return binding.clientId === who.clientId;
  return binding.mac === who.mac;
}

function end(binding: Binding, time: number, reason: DeleteReason, counters: EngineCounter[]): Decision {
  const transition: Transition = {
    op: 'delete',
    binding,
    expectRev: binding.rev,
    reason,
    events: deletionEvents(binding, time, reason),
  };
  return { transitions: [transition], counters: [...counters, `deletions-${reason}`] };
}

function endIfSameClient(binding: Binding | undefined, who: ClientIdentity, time: number, reason: DeleteReason, unmatched: EngineCounter): Decision {
  if (binding && sameClient(binding, who)) return end(binding, time, reason, []);
  return { transitions: [], counters: [unmatched] };
}

function expiryOf(obs: AckObservation): number | null {
  return obs.leaseSeconds === INFINITE_LEASE ? null : obs.time + obs.leaseSeconds * 1000;
}

/** A client that shows up on another port (new option 82) is a new subscriber, not a renewal. */
function movedPort(binding: Binding, obs: AckObservation): boolean {
  return (
    (obs.circuitId !== null && binding.circuitId !== null && obs.circuitId !== binding.circuitId) ||
    (obs.remoteId !== null && binding.remoteId !== null && obs.remoteId !== binding.remoteId)
  );
}

function onAck(obs: AckObservation, lookup: BindingLookup, config: EngineConfig): Decision {
  const existing = lookup.get(obs.vr, obs.ip);
  if (existing && sameClient(existing, obs) && !movedPort(existing, obs)) return renew(existing, obs);

  const transitions: Transition[] = [];
  const counters: EngineCounter[] = [];
  // Same IP with another client, or the same client with another IP: the old binding goes
  // first, with its deletions, so northbound never sees two owners of one address.
  if (existing) {
    const replaced = end(existing, obs.time, 'replaced', sameClient(existing, obs) ? [] : ['conflicts-duplicate-client']);
    transitions.push(...replaced.transitions);
    counters.push(...replaced.counters);
  }
  const previous = lookup.findByClient(obs.vr, obs.mac, obs.clientId);
  if (previous && previous.ip !== obs.ip && sameClient(previous, obs)) {
    const replaced = end(previous, obs.time, 'replaced', ['conflicts-duplicate-client']);
    transitions.push(...replaced.transitions);
    counters.push(...replaced.counters);
  }
  let binding: Binding = {
    vr: obs.vr,
    ip: obs.ip,
    sessionId: sessionIdFor(config.site, obs.vr, obs.ip, obs.mac, obs.time),
    mac: obs.mac,
    clientId: obs.clientId,
    giaddr: obs.giaddr,
    serverId: obs.serverId,
    circuitId: obs.circuitId,
    remoteId: obs.remoteId,
    vlans: obs.vlans,
    state: 'bound',
    leaseSeconds: obs.leaseSeconds,
    leaseStart: obs.time,
    expiresAt: expiryOf(obs),
    boundAt: obs.time,
    activatedAt: null,
    interfaceName: null,
    profile: null,
    interfaceVr: null,
    loginName: null,
    attributes: {},
    clientOptions: obs.clientOptions,
    serverOptions: obs.serverOptions,
    lastXid: ackTag(obs),
    rev: 1,
  };
  counters.push('bindings-created');
  let events: EventDraft[] = [];
  if (config.activateOnAck) {
    binding = activate(binding, obs.time, lookup, config);
    events = binding.state === 'active' ? activationEvents(binding, obs.time) : [];
    counters.push(binding.state === 'active' ? 'activations' : 'route-map-denied');
  }
  transitions.push({ op: 'put', binding, expectRev: 0, events });
  return { transitions, counters };
}

function renew(existing: Binding, obs: AckObservation): Decision {
  if (ackTag(obs) === existing.lastXid && Math.abs(obs.time - existing.leaseStart) <= DUPLICATE_ACK_WINDOW_MS) {
    return { transitions: [], counters: ['duplicate-acks'] };
  }
  // A unicast renewal carries no giaddr, option 82 or VLAN on the server side: keep what the
  // relayed exchange told us rather than forgetting it.
  const binding: Binding = {
    ...existing,
    giaddr: obs.giaddr !== '0.0.0.0' ? obs.giaddr : existing.giaddr,
    serverId: obs.serverId ?? existing.serverId,
    circuitId: obs.circuitId ?? existing.circuitId,
    remoteId: obs.remoteId ?? existing.remoteId,
    vlans: obs.vlans.length ? obs.vlans : existing.vlans,
    leaseSeconds: obs.leaseSeconds,
    leaseStart: obs.time,
    expiresAt: expiryOf(obs),
    serverOptions: obs.serverOptions,
    clientOptions: Object.keys(obs.clientOptions).length ? obs.clientOptions : existing.clientOptions,
    lastXid: ackTag(obs),
    rev: existing.rev + 1,
  };
  const events = binding.state === 'active' ? renewalEvents(binding, obs.time) : [];
  return { transitions: [{ op: 'put', binding, expectRev: existing.rev, events }], counters: ['renewals'] };
}

function onData(vr: string, ip: string, mac: string | null, time: number, lookup: BindingLookup, config: EngineConfig): Decision {
  const existing = lookup.get(vr, ip);
  if (existing?.state !== 'bound') return NOTHING;
  if (config.activationMatchMac && mac !== null && mac !== existing.mac) return NOTHING;
  const next = activate(existing, time, lookup, config, existing.rev + 1);
  if (next.state === 'denied') {
    return { transitions: [{ op: 'put', binding: next, expectRev: existing.rev, events: [] }], counters: ['route-map-denied'] };
  }
  return { transitions: [{ op: 'put', binding: next, expectRev: existing.rev, events: activationEvents(next, time) }], counters: ['activations'] };
}
