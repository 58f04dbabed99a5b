/**
 * LeaseStore: where bindings, their indexes, timers and the event outbox live. Every
 * implementation passes test/conformance/lease-store.ts. A transition is applied atomically:
 * binding, indexes (MAC, client-id, interface), expiry timer, counters and outbox events
 * together, or not at all when the binding's rev is not the expected one.
 */
import type { SubscriberEvent } from '../events/event.js';
import type { Binding, BindingState } from './binding.js';
import type { EngineCounter, Transition } from './engine-types.js';

export type CommitResult =
  | { ok: true; events: SubscriberEvent[] }
  | { ok: false; error: 'conflict' | 'interface-taken' };

export interface BindingFilter {
  vr?: string;
  ip?: string;
  mac?: string;
  interfaceName?: string;
  giaddr?: string;
  state?: BindingState;
}

export interface OutboxEntry {
  /** Stream position (Redis stream id, or a counter in memory): strictly increasing. */
  position: string;
  event: SubscriberEvent;
}

export interface LeaseStore {
  readonly site: string;
  get(vr: string, ip: string): Promise<Binding | undefined>;
  findByClient(vr: string, mac: string, clientId: string | null): Promise<Binding | undefined>;
  findByInterface(name: string): Promise<Binding | undefined>;
  /** Every binding matching the filter (all filters ANDed), ordered by (vr, ip numerically). */
  list(filter?: BindingFilter): Promise<Binding[]>;
  count(): Promise<number>;
  /**
   * Applies transitions in order, each atomically and guarded by its expectRev. Results are
   * per transition; a failed one does not stop the next (the caller re-decides it).
   */
  commit(transitions: Transition[], counters: EngineCounter[]): Promise<CommitResult[]>;
  /** Adds to statistics counters without a transition (ignored messages, decode errors …). */
  addCounters(counts: Record<string, number>): Promise<void>;
  counters(): Promise<Record<string, number>>;
  /** Bindings by state, without reading the table (the API's statistics answer in O(1)). */
  bindingsByState(): Promise<Record<BindingState, number>>;
  /**
   * Claims due timers: returns bindings whose expiry is <= now and pushes their timer
   * `claimMs` ahead, so a second sweeper does not take them and a crashed one's claim
   * comes back. The caller then decides `expire` (guarded by rev).
   */
  claimExpired(now: number, limit: number, claimMs: number): Promise<Array<{ vr: string; ip: string }>>;
  /** Earliest timer, or null when no binding expires. */
  nextExpiry(): Promise<number | null>;
  /** Outbox entries after `position` ('0' = from the start), oldest first. */
  readOutbox(afterPosition: string, limit: number): Promise<OutboxEntry[]>;
  /**
   * The newest outbox position ever removed (trimmed), or null when nothing was. A reader
   * whose position is before it has missed entries (the SNMP mirror then reloads).
   */
  outboxTrimmedThrough?(): Promise<string | null>;
  /** A subscriber's history (events for vr/ip), newest last, at most `limit`. */
  history(vr: string, ip: string, limit: number): Promise<SubscriberEvent[]>;
  close(): Promise<void>;
}
