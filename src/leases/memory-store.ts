/**
 * In-memory LeaseStore: offline replay, tests, and (through its synchronous lookups) the
 * engine's view of bindings in every mode. Same semantics as the Redis store, proven by the
 * shared conformance suite.
 */
import type { SubscriberEvent } from '../events/event.js';
import { stampEvent } from '../events/stamp.js';
import { parseIp } from '../packet/addresses.js';
import { bindingKey, type Binding, type BindingState } from './binding.js';
import type { BindingLookup, EngineCounter, Transition } from './engine-types.js';
import { MinHeap } from './min-heap.js';
import type { BindingFilter, CommitResult, LeaseStore, OutboxEntry } from './store.js';
import { compareBindings, matchesFilter } from './filter.js';

export interface MemoryStoreOptions {
  /** Outbox entries kept (older ones are dropped: replay prints events as they commit). */
  outboxLimit?: number;
}

const EMPTY: ReadonlySet<number> = new Set();

interface TimerEntry {
  key: string;
  at: number;
}

export class MemoryLeaseStore implements LeaseStore {
  private readonly bindings = new Map<string, Binding>();
  private readonly byMac = new Map<string, string>();
  private readonly byClientId = new Map<string, string>();
  private readonly byInterface = new Map<string, string>();
  private readonly timers = new MinHeap<TimerEntry>();
  /** The live timer entry of each binding: heap entries not in this map are stale. */
  private readonly timerOf = new Map<string, TimerEntry>();
  private readonly seqs = new Map<string, number>();
  private readonly awaiting = new Map<string, Set<number>>();
  private readonly counterValues = new Map<string, number>();
  private outbox: OutboxEntry[] = [];
  /** Newest position dropped by the outbox limit, or null. */
  private trimmedThrough: string | null = null;
  private position = 0;
  private readonly outboxLimit: number;

  constructor(
    readonly site: string,
    options: MemoryStoreOptions = {},
  ) {
    this.outboxLimit = options.outboxLimit ?? 100_000;
  }

  // Synchronous lookups for the engine and the capture hot path.

  get size(): number {
    return this.bindings.size;
  }

  getSync(vr: string, ip: string): Binding | undefined {
    return this.bindings.get(bindingKey(vr, ip));
  }

  findByClientSync(vr: string, mac: string, clientId: string | null): Binding | undefined {
    const key = clientId !== null ? this.byClientId.get(`${vr}|${clientId}`) : undefined;
    return this.bindings.get(key ?? this.byMac.get(`${vr}|${mac}`) ?? '');
  }

  findByInterfaceSync(name: string): Binding | undefined {
    const key = this.byInterface.get(name);
    return key === undefined ? undefined : this.bindings.get(key);
  }

  /** Bumped whenever a binding starts or stops waiting for activation (the data filter rebuilds on it). */
  awaitingVersion = 0;

  /** The pending set: addresses of `vr` bound and not yet active (live: do not modify). */
  awaitingActivation(vr: string): ReadonlySet<number> {
    return this.awaiting.get(vr) ?? EMPTY;
  }

  /** Hot path: is this source address a bound subscriber waiting for its first packet? */
  isAwaitingActivation(vr: string, ip: number): boolean {
    return this.awaiting.get(vr)?.has(ip) ?? false;
  }

  /** The engine's view of this store. */
  readonly lookup: BindingLookup = {
    get: (vr, ip) => this.getSync(vr, ip),
    findByClient: (vr, mac, clientId) => this.findByClientSync(vr, mac, clientId),
    findByInterface: (name) => this.findByInterfaceSync(name),
  };

  get(vr: string, ip: string): Promise<Binding | undefined> {
    return Promise.resolve(this.getSync(vr, ip));
  }

  findByClient(vr: string, mac: string, clientId: string | null): Promise<Binding | undefined> {
    return Promise.resolve(this.findByClientSync(vr, mac, clientId));
  }

  findByInterface(name: string): Promise<Binding | undefined> {
    return Promise.resolve(this.findByInterfaceSync(name));
  }

  async list(filter: BindingFilter = {}): Promise<Binding[]> {
    return [...this.bindings.values()].filter((b) => matchesFilter(b, filter)).sort(compareBindings);
  }

  async count(): Promise<number> {
    return this.bindings.size;
  }

  async commit(transitions: Transition[], counters: EngineCounter[]): Promise<CommitResult[]> {
    const results = transitions.map((t) => this.commitSync(t));
    if (results.some((r) => r.ok)) this.countSync(counters);
    return results;
  }

  /** Adds one to each named counter (a name listed twice counts twice), synchronously. */
  countSync(names: readonly string[]): void {
    for (const name of names) this.bump(name, 1);
  }

  /** Applies one transition now; the capture pipeline uses this for its cache. */
  commitSync(t: Transition): CommitResult {
    const key = bindingKey(t.binding.vr, t.binding.ip);
    const current = this.bindings.get(key);
    if ((current?.rev ?? 0) !== t.expectRev) return { ok: false, error: 'conflict' };
    if (t.op === 'put' && t.binding.interfaceName !== null) {
      const owner = this.byInterface.get(t.binding.interfaceName);
      if (owner !== undefined && owner !== key) return { ok: false, error: 'interface-taken' };
    }
    if (current && t.op === 'put') this.reindex(key, current, t.binding);
    else {
      if (current) this.unindex(key, current);
      if (t.op === 'put') this.index(key, t.binding);
    }
    return { ok: true, events: this.appendEvents(key, t) };
  }

  /** Replaces the cached copy of one binding with the store's (after a conflict). */
  load(binding: Binding | undefined, vr: string, ip: string): void {
    const key = bindingKey(vr, ip);
    const current = this.bindings.get(key);
    if (current) this.unindex(key, current);
    if (binding) this.index(key, binding);
  }

  async addCounters(counts: Record<string, number>): Promise<void> {
    for (const [name, n] of Object.entries(counts)) this.bump(name, n);
  }

  async bindingsByState(): Promise<Record<BindingState, number>> {
    const byState: Record<BindingState, number> = { bound: 0, active: 0, denied: 0 };
    for (const b of this.bindings.values()) byState[b.state]++;
    return byState;
  }

  async counters(): Promise<Record<string, number>> {
    return Object.fromEntries([...this.counterValues].sort(([a], [b]) => a.localeCompare(b)));
  }

  async claimExpired(now: number, limit: number, claimMs: number): Promise<Array<{ vr: string; ip: string }>> {
    const due: Array<{ vr: string; ip: string }> = [];
    const claimed: string[] = [];
    while (due.length < limit && (this.timers.peekScore() ?? Infinity) <= now) {
      const entry = this.timers.pop()!;
      const key = entry.key;
      if (this.timerOf.get(key) !== entry) continue; // superseded by a renewal or a delete
      const b = this.bindings.get(key)!;
      due.push({ vr: b.vr, ip: b.ip });
      claimed.push(key);
    }
    // Re-arm after the scan: a claim of 0 ms must not hand the same binding out twice.
    for (const key of claimed) this.setTimer(key, now + claimMs);
    return due;
  }

  /** Removes and returns every binding whose timer is due at or before `at` (the pipeline's own timers). */
  takeDue(at: number): Binding[] {
    const due: Binding[] = [];
    while ((this.timers.peekScore() ?? Infinity) <= at) {
      const entry = this.timers.pop()!;
      const key = entry.key;
      if (this.timerOf.get(key) !== entry) continue;
      this.timerOf.delete(key);
      due.push(this.bindings.get(key)!);
    }
    return due;
  }

  /** Synchronous form for replay, which sweeps between packets. */
  nextExpirySync(): number | null {
    // Stale entries (renewed or deleted bindings) are dropped as they reach the top.
    while (this.timers.size > 0) {
      const top = this.timers.peekItem()!;
      if (this.timerOf.get(top.key) === top) return this.timers.peekScore()!;
      this.timers.pop();
    }
    return null;
  }

  async nextExpiry(): Promise<number | null> {
    return this.nextExpirySync();
  }

  async readOutbox(afterPosition: string, limit: number): Promise<OutboxEntry[]> {
    const after = Number(afterPosition);
    return this.outbox.filter((e) => Number(e.position) > after).slice(0, limit);
  }

  async outboxTrimmedThrough(): Promise<string | null> {
    return this.trimmedThrough;
  }

  async history(vr: string, ip: string, limit: number): Promise<SubscriberEvent[]> {
    if (limit <= 0) return [];
    return this.outbox
      .filter((e) => e.event.subscriber.vr === vr && e.event.subscriber.ip === ip)
      .slice(-limit)
      .map((e) => e.event);
  }

  async close(): Promise<void> {}

  private bump(name: string, n: number): void {
    this.counterValues.set(name, (this.counterValues.get(name) ?? 0) + n);
  }

  private setTimer(key: string, at: number | null): void {
    if (at === null) {
      this.timerOf.delete(key);
      return;
    }
    const entry: TimerEntry = { key, at };
    this.timerOf.set(key, entry);
    this.timers.push(at, entry);
  }

  /**
   * A put over an existing binding of the same key: the same end state as unindex + index,
   * touching only the indexes whose value changed (an activation or a renewal keeps the MAC,
   * client-id and often the timer).
   */
  private reindex(key: string, old: Binding, b: Binding): void {
    this.bindings.set(key, b);
    const macKey = `${b.vr}|${b.mac}`;
    if (old.mac !== b.mac && this.byMac.get(`${old.vr}|${old.mac}`) === key) this.byMac.delete(`${old.vr}|${old.mac}`);
    this.byMac.set(macKey, key);
    if (old.clientId !== b.clientId && old.clientId !== null && this.byClientId.get(`${old.vr}|${old.clientId}`) === key) {
      this.byClientId.delete(`${old.vr}|${old.clientId}`);
    }
    if (b.clientId !== null) this.byClientId.set(`${b.vr}|${b.clientId}`, key);
    if (old.interfaceName !== b.interfaceName && old.interfaceName !== null && this.byInterface.get(old.interfaceName) === key) {
      this.byInterface.delete(old.interfaceName);
    }
    if (b.interfaceName !== null) this.byInterface.set(b.interfaceName, key);
    // A timer already set for this very time stays (a claim moved it elsewhere: re-arm).
    if (b.expiresAt === null || this.timerOf.get(key)?.at !== b.expiresAt) this.setTimer(key, b.expiresAt);
    if ((old.state === 'bound') !== (b.state === 'bound')) this.markAwaiting(b.vr, b.ip, b.state === 'bound');
  }

  /** Keeps the pending set (bound, not yet active) and its version, which the data capture's filter follows. */
  private markAwaiting(vr: string, ip: string, bound: boolean): void {
    let set = this.awaiting.get(vr);
    if (!set) this.awaiting.set(vr, (set = new Set()));
    const address = parseIp(ip)!;
    if (set.has(address) === bound) return;
    if (bound) set.add(address);
    else set.delete(address);
    this.awaitingVersion++;
  }

  private index(key: string, b: Binding): void {
    this.bindings.set(key, b);
    this.byMac.set(`${b.vr}|${b.mac}`, key);
    if (b.clientId !== null) this.byClientId.set(`${b.vr}|${b.clientId}`, key);
    if (b.interfaceName !== null) this.byInterface.set(b.interfaceName, key);
    this.setTimer(key, b.expiresAt);
    if (b.state === 'bound') this.markAwaiting(b.vr, b.ip, true);
  }

  private unindex(key: string, b: Binding): void {
    this.bindings.delete(key);
    if (this.byMac.get(`${b.vr}|${b.mac}`) === key) this.byMac.delete(`${b.vr}|${b.mac}`);
    if (b.clientId !== null && this.byClientId.get(`${b.vr}|${b.clientId}`) === key) this.byClientId.delete(`${b.vr}|${b.clientId}`);
    if (b.interfaceName !== null && this.byInterface.get(b.interfaceName) === key) this.byInterface.delete(b.interfaceName);
    this.setTimer(key, null);
    this.markAwaiting(b.vr, b.ip, false);
  }

  private appendEvents(key: string, t: Transition): SubscriberEvent[] {
    const drafts = t.events;
    if (drafts.length === 0) return [];
    const events: SubscriberEvent[] = [];
    let seq = this.seqs.get(key) ?? 0;
    for (const draft of drafts) {
      const event = stampEvent(draft, this.site, ++seq);
      events.push(event);
      ++this.position;
      // Without an outbox (limit 0) nothing is kept: only the trimmed-through position moves.
      if (this.outboxLimit === 0) this.trimmedThrough = String(this.position);
      else this.outbox.push({ position: String(this.position), event });
    }
    this.seqs.set(key, seq);
    if (this.outboxLimit !== 0 && this.outbox.length > 2 * this.outboxLimit) {
      const keep = this.outboxLimit;
      this.trimmedThrough = this.outbox[this.outbox.length - keep - 1]!.position;
      this.outbox = this.outbox.slice(-keep);
    }
    return events;
  }
}
