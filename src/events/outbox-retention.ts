/**
 * Keeps the outbox stream bounded (docs/redis-keyspace.md "Outbox retention"): every
 * `intervalMs` it asks the store to drop the oldest entries that the bridge has moved into
 * the queues and that are outside retention (config `outbox.maxEvents` / `maxAgeSeconds`),
 * a bounded batch per Redis call so Redis never blocks long. Several gateway processes may
 * run one each: every call is one atomic script that removes only what is removable then.
 *
 * The other readers of the stream need no say: the SNMP mirror notices when entries it had
 * not read were trimmed and reloads (binding-mirror.ts), history shows what is retained, and
 * the resync API answers DXGW_EVENTS_CURSOR_EXPIRED for a cursor that was trimmed.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { OutboxRetention } from '../leases/redis/redis-store.js';
import type { OutboxTrimResult } from '../leases/redis/script-results.js';

export interface OutboxTrimStore {
  trimOutbox(retention: OutboxRetention, options: { limit?: number; requireCheckpoint: boolean }): Promise<OutboxTrimResult>;
}

export interface OutboxTrimmerOptions {
  store: OutboxTrimStore;
  retention: OutboxRetention;
  /** A bridge consumes this outbox (delivery has sinks): nothing goes before it moved it. */
  bridge: boolean;
  /** Between two rounds (default 5000 ms). */
  intervalMs?: number;
  /** Entries per Redis call (default 1000). */
  batch?: number;
  /** Registers dxgw_outbox_trimmed_total, dxgw_outbox_entries and dxgw_outbox_trim_held. */
  registry?: Registry;
  onError?: (error: unknown) => void;
  /** Once when trimming starts being held back by the bridge, and once when it stops. */
  onHeld?: (held: boolean) => void;
}

/** Calls per round at most: a round never monopolises the event loop or Redis. */
const MAX_CALLS_PER_ROUND = 100;

export class OutboxTrimmer {
  /** Entries this process removed; rounds run; whether the last round was held by the bridge. */
  readonly stats = { removed: 0, rounds: 0, held: false, remaining: 0 };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly trimmed: Counter | undefined;

  constructor(private readonly options: OutboxTrimmerOptions) {
    const { registry } = options;
    if (registry) {
      this.trimmed = new Counter({ name: 'dxgw_outbox_trimmed_total', help: 'Outbox entries removed by this process (moved by the bridge and outside retention)', registers: [registry] });
      const stats = this.stats;
      new Gauge({
        name: 'dxgw_outbox_entries',
        help: 'Outbox entries retained, as of the last trim round',
        registers: [registry],
        collect() {
          this.set(stats.remaining);
        },
      });
      new Gauge({
        name: 'dxgw_outbox_trim_held',
        help: '1 when entries outside retention wait for the bridge (it is behind or stopped)',
        registers: [registry],
        collect() {
          this.set(stats.held ? 1 : 0);
        },
      });
    }
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round: trims batch after batch until nothing more may go. Returns what it removed. */
  async trimOnce(): Promise<{ removed: number; held: boolean }> {
    const { store, retention, bridge } = this.options;
    const limit = this.options.batch ?? 1000;
    let removed = 0;
    let result: OutboxTrimResult;
    let calls = 0;
    do {
      result = await store.trimOutbox(retention, { limit, requireCheckpoint: bridge });
      removed += result.removed;
      this.trimmed?.inc(result.removed);
    } while (result.removed === limit && ++calls < MAX_CALLS_PER_ROUND);
    this.stats.removed += removed;
    this.stats.rounds++;
    this.stats.remaining = result.remaining;
    if (result.held !== this.stats.held) this.options.onHeld?.(result.held);
    this.stats.held = result.held;
    return { removed, held: result.held };
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.trimOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => this.schedule(this.options.intervalMs ?? 5000));
    }, delay);
    this.timer.unref();
  }
}
