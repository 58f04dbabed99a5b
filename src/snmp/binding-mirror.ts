/**
 * The SNMP agent's in-process copy of the binding table and statistics, kept in step with
 * the lease store (docs/snmp.md "Consistency model"):
 *
 * 1. start: note where the outbox ends, then load every binding (store.list(), or page by
 *    page with redisBindingPages). Events committed between the two are seen again below;
 *    re-applying them is harmless.
 * 2. every `pollMs`: read the outbox after our position and re-read each (vr, ip) it names
 *    with store.get — the row becomes whatever the store holds now (or goes away). Events
 *    are a change signal, not the data, so a missed or repeated one cannot corrupt a row.
 * 3. bindings that change without events (bound/denied ones: created, renewed, expired
 *    before activation) are caught by a resync (everything read again, applied as a diff)
 *    once the store's counters show activity, at most every `resyncMs`.
 *
 * 4. when the outbox was trimmed past our position before we read it (we were down or
 *    behind by more than the retention, docs/config.md `outbox`), events were missed: the
 *    mirror reloads at once (position = the tail, then everything read again as a diff).
 *
 * All store reads and row updates run one at a time (a promise chain), so an older read
 * never overwrites a newer one.
 */
import type { Binding, BindingState } from '../leases/binding.js';
import { comparePositions } from '../leases/outbox-position.js';
import type { LeaseStore } from '../leases/store.js';
import { listPages, type BindingPages } from './binding-pages.js';
import { rowFromBinding, rowIndex, indexKey, type BindingRow } from './binding-row.js';
import { scanOutboxTail, type OutboxTail } from './outbox-tail.js';
import { SortedRows } from './sorted-rows.js';

export interface BindingMirrorOptions {
  /** How often to follow the outbox and read the counters (default 1000 ms). */
  pollMs?: number;
  /** Least time between two full resyncs (default 30 s). */
  resyncMs?: number;
  /** Outbox entries read per round trip (default 1000). */
  batch?: number;
  /** Where the outbox ends now (default: page through it; see redisOutboxTail). */
  outboxTail?: OutboxTail;
  /** Where a load or resync reads bindings (default: store.list(); see redisBindingPages). */
  pages?: BindingPages;
  onError?: (error: unknown) => void;
  clock?: () => number;
}

/** Above this many inserts + deletes, a resync rebuilds the index with one sort instead of splicing. */
const REBUILD_THRESHOLD = 2000;

export class BindingMirror {
  readonly rows = new SortedRows();
  readonly byState: Record<BindingState, number> = { bound: 0, active: 0, denied: 0 };
  /** Statistics counters of the store as last read. */
  counters: Record<string, number> = {};
  /** Bindings the MIB cannot index (virtual router name longer than 64 bytes). */
  unindexable = 0;
  /** Reloads because the outbox was trimmed past our position (step 4). */
  trimReloads = 0;
  /** Wall time of the last completed load or resync, and how long the start-up load took. */
  lastResyncAt = 0;
  loadMs = 0;
  readonly clock: () => number;

  private position = '0';
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private countersAtResync = '';
  private readonly pollMs: number;
  private readonly resyncMs: number;
  private readonly batch: number;
  private readonly outboxTail: OutboxTail;
  private readonly pages: BindingPages;

  constructor(
    private readonly store: LeaseStore,
    private readonly options: BindingMirrorOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1000;
    this.resyncMs = options.resyncMs ?? 30_000;
    this.batch = options.batch ?? 1000;
    this.outboxTail = options.outboxTail ?? scanOutboxTail(store);
    this.pages = options.pages ?? listPages(store);
    this.clock = options.clock ?? Date.now;
  }

  /** Outbox position the mirror has applied up to. */
  get outboxPosition(): string {
    return this.position;
  }

  /** Loads everything, then follows the store in the background until stop(). */
  async start(): Promise<void> {
    const started = performance.now();
    await this.serial(async () => {
      this.position = await this.outboxTail();
      this.rows.replaceAll(await this.readAll());
      this.recount();
      this.lastResyncAt = this.clock();
      this.counters = await this.store.counters();
      this.countersAtResync = JSON.stringify(this.counters);
    });
    this.loadMs = performance.now() - started;
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain.catch(() => undefined);
  }

  /** One round of following (also what the timer runs); resolves when applied. */
  sync(): Promise<void> {
    return this.serial(async () => {
      await this.followOutbox();
      this.counters = await this.store.counters();
      const snapshot = JSON.stringify(this.counters);
      if (snapshot !== this.countersAtResync && this.clock() - this.lastResyncAt >= this.resyncMs) {
        this.countersAtResync = snapshot;
        this.applyDiff(await this.readAll());
      }
    });
  }

  /** A full resync now (tests, and operators through a future admin command). */
  resync(): Promise<void> {
    return this.serial(async () => {
      this.counters = await this.store.counters();
      this.countersAtResync = JSON.stringify(this.counters);
      this.applyDiff(await this.readAll());
    });
  }

  /** Re-reads one binding now (after an SNMP destroy: the manager reads its own write). */
  refresh(vr: string, ip: string): Promise<void> {
    return this.serial(async () => this.apply(vr, ip, await this.store.get(vr, ip)));
  }

  /** Puts a binding straight in (benchmarks, tests without a store round trip). */
  put(binding: Binding): void {
    this.apply(binding.vr, binding.ip, binding);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.sync()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => this.schedule());
    }, this.pollMs);
    this.timer.unref();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async followOutbox(): Promise<void> {
    for (;;) {
      const from = this.position;
      const entries = await this.store.readOutbox(from, this.batch);
      // Checked after the read, so a trim during it counts too (at worst one reload too many).
      if (await this.trimmedPast(from)) return this.reload();
      if (entries.length === 0) return;
      const touched = new Map<string, { vr: string; ip: string }>();
      for (const { event } of entries) touched.set(`${event.subscriber.vr}|${event.subscriber.ip}`, event.subscriber);
      const targets = [...touched.values()];
      const current = await Promise.all(targets.map((t) => this.store.get(t.vr, t.ip)));
      targets.forEach((t, i) => {
        this.apply(t.vr, t.ip, current[i]);
      });
      this.position = entries[entries.length - 1]!.position;
      if (entries.length < this.batch) return;
    }
  }

  private async trimmedPast(position: string): Promise<boolean> {
    const through = await this.store.outboxTrimmedThrough?.();
    return through !== undefined && through !== null && (comparePositions(through, position) ?? 0) > 0;
  }

  private async reload(): Promise<void> {
    this.trimReloads++;
    this.position = await this.outboxTail();
    this.counters = await this.store.counters();
    this.countersAtResync = JSON.stringify(this.counters);
    this.applyDiff(await this.readAll());
  }

  private apply(vr: string, ip: string, binding: Binding | undefined): void {
    if (binding) {
      const row = rowFromBinding(binding);
      if (row) this.upsert(row);
      return;
    }
    const index = rowIndex(vr, ip);
    if (index) this.remove(indexKey(index));
  }

  private upsert(row: BindingRow): void {
    const old = this.rows.upsert(row);
    if (old) this.byState[old.state]--;
    this.byState[row.state]++;
  }

  private remove(key: string): void {
    const old = this.rows.delete(key);
    if (old) this.byState[old.state]--;
  }

  /** Every binding as a row, keyed by index; the pages' Binding objects are dropped as we go. */
  private async readAll(): Promise<Map<string, BindingRow>> {
    const fresh = new Map<string, BindingRow>();
    let unindexable = 0;
    for await (const page of this.pages()) {
      for (const b of page) {
        const row = rowFromBinding(b);
        if (row) fresh.set(row.key, row);
        else unindexable++;
      }
    }
    this.unindexable = unindexable;
    return fresh;
  }

  /** A resync: small changes are applied row by row; many at once rebuild the index. */
  private applyDiff(fresh: Map<string, BindingRow>): void {
    const gone = this.rows.values().filter((r) => !fresh.has(r.key)).map((r) => r.key);
    let added = 0;
    for (const key of fresh.keys()) if (!this.rows.get(key)) added++;
    if (gone.length + added > REBUILD_THRESHOLD) {
      this.rows.replaceAll(fresh);
      this.recount();
    } else {
      for (const key of gone) this.remove(key);
      for (const row of fresh.values()) {
        const old = this.rows.get(row.key);
        if (!old || old.rev !== row.rev || old.sessionId !== row.sessionId) this.upsert(row);
      }
    }
    this.lastResyncAt = this.clock();
  }

  private recount(): void {
    this.byState.bound = this.byState.active = this.byState.denied = 0;
    for (const row of this.rows.values()) this.byState[row.state]++;
  }
}
