/**
 * Drives observations through the engine into a store (DESIGN §1): decode outcome →
 * observation → decide (against an in-memory view) → commit. With a backing store (Redis)
 * the view is a write-through cache: transitions are batched into pipelined commits, and a
 * transition the store refuses (another process changed the binding) is re-decided after
 * reloading the bindings it touched. Timers fire in the observations' clock, between
 * observations, so a replay expires leases in capture time.
 */
import type { SubscriberEvent } from '../events/event.js';
import type { DecodeOutcome } from '../dhcp/frame-decoder.js';
import type { Binding } from '../leases/binding.js';
import { decide, type EngineConfig } from '../leases/engine.js';
import type { EngineCounter, Transition } from '../leases/engine-types.js';
import { MemoryLeaseStore } from '../leases/memory-store.js';
import type { DataObservation, Observation } from '../leases/observation.js';
import type { DataSource, Observer } from '../leases/observer.js';
import type { CommitResult, LeaseStore } from '../leases/store.js';
import { ipToString } from '../packet/addresses.js';

export interface LeasePipelineOptions {
  engine: EngineConfig;
  observer: Observer;
  /** Where transitions are committed; omitted = the in-memory view itself (offline replay). */
  store?: LeaseStore;
  /** Every committed event, in commit order. */
  onEvent?: (event: SubscriberEvent) => void;
  /** Transitions per pipelined commit. */
  batchSize?: number;
  /**
   * Outbox entries the in-memory view keeps when there is no backing store (default 10,000;
   * with a store it keeps none). `dxgw replay` takes its events from `onEvent` and keeps none:
   * held events outlive the young generation and make the GC copy them.
   */
  viewOutboxLimit?: number;
}

interface Pending {
  obs: Observation;
  transitions: Transition[];
  counters: EngineCounter[];
  /** A previous attempt partly applied and its counters were counted then. */
  counted?: boolean;
}

const MAX_REDECIDE = 5;

export class LeasePipeline {
  readonly view: MemoryLeaseStore;
  private readonly store: LeaseStore | undefined;
  private readonly batchSize: number;
  private batch: Pending[] = [];
  private batchTransitions = 0;
  /** Observations applied, transitions committed, conflicts re-decided. */
  readonly stats = { observations: 0, transitions: 0, redecided: 0, events: 0 };

  constructor(private readonly options: LeasePipelineOptions) {
    this.store = options.store;
    this.view = new MemoryLeaseStore(options.engine.site, { outboxLimit: options.store ? 0 : (options.viewOutboxLimit ?? 10_000) });
    this.batchSize = options.batchSize ?? 256;
  }

  /** Loads every binding of the site from the backing store (at start). */
  async loadView(): Promise<number> {
    if (!this.store) return 0;
    const all = await this.store.list();
    for (const b of all) this.view.load(b, b.vr, b.ip);
    return all.length;
  }

  /** One decoded frame. Returns true when a commit batch is full and `flush()` is due. */
  handle(outcome: DecodeOutcome): boolean {
    let obs: Observation | null = null;
    if (outcome.kind === 'dhcp') obs = this.options.observer.observeDhcp(outcome);
    else if (outcome.kind === 'data') {
      // Hot path: most data packets are from subscribers already active, or not ours at all.
      if (!this.view.isAwaitingActivation(this.options.observer.vr, outcome.packet.srcIp)) return false;
      obs = this.options.observer.observeData(outcome);
    }
    if (obs === null) return false;
    return this.apply(obs);
  }

  /**
   * One data packet reduced to its source by the capture's data handle: the data-observation
   * entry point for captured data. Returns true when a commit batch is full.
   */
  handleSource(source: DataSource): boolean {
    if (!this.view.isAwaitingActivation(this.options.observer.vr, source.ip)) return false;
    const obs = this.options.observer.observeSource(source);
    return obs !== null && this.apply(obs);
  }

  /**
   * Data seen by a source other than the capture (flow records, src/flows): the same hot-path
   * check as a captured packet; `observe` is asked only for a binding awaiting activation and
   * returns the data observation, or null to ignore it. Returns true when `flush()` is due.
   */
  handleData(srcIp: number, observe: (binding: Binding) => DataObservation | null): boolean {
    const vr = this.options.observer.vr;
    if (!this.view.isAwaitingActivation(vr, srcIp)) return false;
    const binding = this.view.getSync(vr, ipToString(srcIp));
    const obs = binding ? observe(binding) : null;
    return obs === null ? false : this.apply(obs);
  }

  /** Applies one observation (ops actions and timers come in here too). */
  apply(obs: Observation): boolean {
    this.fireTimersUntil(obs.time);
    this.decideAndQueue(obs);
    return this.batchTransitions >= this.batchSize;
  }

  /** Fires every timer due at or before `now`, each at its own expiry time. */
  fireTimersUntil(now: number): void {
    for (;;) {
      const next = this.view.nextExpirySync();
      if (next === null || next > now) return;
      const due = this.dueAt(next);
      if (due.length === 0) return;
      for (const b of due) this.decideAndQueue({ kind: 'expire', time: next, vr: b.vr, ip: b.ip });
    }
  }

  /** Commits what is batched (no-op without a backing store). */
  async flush(): Promise<void> {
    let round = 0;
    while (this.batch.length > 0) {
      const batch = this.batch;
      this.batch = [];
      this.batchTransitions = 0;
      const retry: Pending[] = [];
      await this.commitBatch(batch, retry);
      if (retry.length === 0) return;
      if (++round > MAX_REDECIDE) throw new Error(`lease transitions kept conflicting after ${MAX_REDECIDE} rounds`);
      for (const pending of retry) {
        await this.reload(pending.transitions);
        this.stats.redecided++;
        this.decideAndQueue(pending.obs, pending.counted ?? false);
      }
    }
  }

  private dueAt(at: number): Binding[] {
    // The view's timers are exact: every binding whose expiry is exactly `at`.
    return this.view.takeDue(at);
  }

  private decideAndQueue(obs: Observation, counted = false): void {
    this.stats.observations++;
    const decision = decide(obs, this.view.lookup, this.options.engine);
    if (decision.transitions.length === 0) {
      if (decision.counters.length === 0) return;
      // Offline (no backing store) the view counts synchronously: no promise per frame.
      if (this.store) void this.countOnly(decision.counters);
      else this.view.countSync(decision.counters);
      return;
    }
    if (!this.store) {
      // Every transition commits before any event is published, as with a backing store.
      const ts = decision.transitions;
      if (ts.length === 1) this.publishOne(this.view.commitSync(ts[0]!));
      else this.publish(ts.map((t) => this.view.commitSync(t)));
      this.view.countSync(decision.counters);
      this.stats.transitions += decision.transitions.length;
      return;
    }
    for (const t of decision.transitions) this.view.commitSync(t);
    this.batch.push({ obs, transitions: decision.transitions, counters: decision.counters, counted });
    this.batchTransitions += decision.transitions.length;
  }

  private async countOnly(counters: EngineCounter[]): Promise<void> {
    await this.store!.addCounters(countsOf(counters));
  }

  private async commitBatch(batch: Pending[], retry: Pending[]): Promise<void> {
    const store = this.store!;
    // One pipelined round trip for the whole batch: every transition is still its own atomic
    // script, applied in order; the results map back to their observations.
    const transitions = batch.flatMap((p) => p.transitions);
    const counters = batch.flatMap((p) => (p.counted ? [] : p.counters));
    const results = await store.commit(transitions, counters);
    const anyApplied = results.some((r) => r.ok);
    let at = 0;
    for (const pending of batch) {
      const mine = results.slice(at, at + pending.transitions.length);
      at += pending.transitions.length;
      if (mine.every((r) => r.ok)) {
        this.publish(mine);
        this.stats.transitions += mine.length;
        continue;
      }
      // Keep what did commit; re-decide the observation on fresh data. Stores count a
      // commit's counters when any of its transitions applied: do not count them again.
      this.publish(mine.filter((r) => r.ok));
      retry.push({ ...pending, counted: pending.counted || anyApplied });
    }
  }

  private async reload(transitions: Transition[]): Promise<void> {
    const store = this.store!;
    for (const t of transitions) {
      const { vr, ip } = t.binding;
      this.view.load(await store.get(vr, ip), vr, ip);
      if (t.op === 'put' && t.binding.interfaceName !== null) {
        const owner = await store.findByInterface(t.binding.interfaceName);
        if (owner) this.view.load(owner, owner.vr, owner.ip);
      }
    }
  }

  private publish(results: CommitResult[]): void {
    for (const r of results) this.publishOne(r);
  }

  private publishOne(r: CommitResult): void {
    if (!r.ok) return;
    for (const event of r.events) {
      this.stats.events++;
      this.options.onEvent?.(event);
    }
  }
}

function countsOf(counters: EngineCounter[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of counters) out[c] = (out[c] ?? 0) + 1;
  return out;
}
