/** The lease engine's inputs and outputs (engine.ts is the pure function between them). */
import type { EventDraft } from '../events/event.js';
import type { Binding } from './binding.js';
import type { DeleteReason } from './observation.js';

/** Synchronous read access to current bindings: the engine never does I/O. */
export interface BindingLookup {
  get(vr: string, ip: string): Binding | undefined;
  /** The binding of a client: by client-id when it has one, else by MAC. */
  findByClient(vr: string, mac: string, clientId: string | null): Binding | undefined;
  findByInterface(name: string): Binding | undefined;
}

/** Names of the counters a transition bumps (statistics; SNMP and /metrics read them). */
export type EngineCounter =
  | 'bindings-created'
  | 'renewals'
  | 'activations'
  | 'route-map-denied'
  | 'duplicate-acks'
  | 'conflicts-duplicate-client'
  | 'conflicts-declined'
  | 'stale-timers'
  | 'unmatched-release'
  | 'unmatched-nak'
  | 'unmatched-decline'
  | 'changes-coa'
  | 'unmatched-change'
  | `deletions-${DeleteReason}`;

export interface PutTransition {
  op: 'put';
  binding: Binding;
  /** rev the stored binding must have (0 = must not exist). */
  expectRev: number;
  events: EventDraft[];
}

export interface DeleteTransition {
  op: 'delete';
  binding: Binding;
  expectRev: number;
  reason: DeleteReason;
  events: EventDraft[];
}

export type Transition = PutTransition | DeleteTransition;

export interface Decision {
  transitions: Transition[];
  counters: EngineCounter[];
}
