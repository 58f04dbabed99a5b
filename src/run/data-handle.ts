/**
 * The capture process's side of the data handle (docs/adr/0006): runs the data-handle
 * process, hands it each new filter, and relays the sources it reports. Counters stay
 * monotonic across process replacements.
 *
 * node_pcap releases a closed handle only at the next packet its filter takes, so a filter
 * whose addresses all went quiet (expired before activating) keeps its socket and kernel
 * ring. When more than MAX_STALE such handles pile up, a fresh process takes over (opened
 * with the current filter before the old one exits, so again no gap).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DataHandleSettings, DataWorkerIn, DataWorkerOut, HandleStats, SourceRecord } from './data-capture-messages.js';

const MAX_STALE = 4;

export interface DataHandleEvents {
  onSources(list: SourceRecord[]): void;
  /** The filter of `generation` could not be opened (the previous one stays). */
  onOpenFailed(generation: number, message: string): void;
  /** The process ended on its own. */
  onExit(message: string): void;
}

interface Worker {
  child: ChildProcess;
  latest: HandleStats;
}

const ZERO: HandleStats = { frames: 0, received: 0, dropped: 0, interfaceDropped: 0 };

export class DataHandle {
  private worker: Worker;
  private replacement: Worker | undefined;
  /** Counters of processes that were replaced. */
  private readonly retired: HandleStats = { ...ZERO };
  private filter: { filter: string | null; generation: number } = { filter: null, generation: 0 };
  private closed = false;
  /** Process replacements so far (stale handles). */
  replacements = 0;
  /** Milliseconds the last filter took to open. */
  lastOpenMs = 0;

  constructor(
    private readonly settings: DataHandleSettings,
    private readonly events: DataHandleEvents,
  ) {
    this.worker = this.spawn();
  }

  setFilter(filter: string | null): number {
    this.filter = { filter, generation: this.filter.generation + 1 };
    this.send(this.worker, { type: 'filter', ...this.filter });
    if (this.replacement) this.send(this.replacement, { type: 'filter', ...this.filter });
    return this.filter.generation;
  }

  stats(): HandleStats {
    const s = this.worker.latest;
    const r = this.replacement?.latest ?? ZERO;
    return {
      frames: this.retired.frames + s.frames + r.frames,
      received: this.retired.received + s.received + r.received,
      dropped: this.retired.dropped + s.dropped + r.dropped,
      interfaceDropped: this.retired.interfaceDropped + s.interfaceDropped + r.interfaceDropped,
    };
  }

  close(): void {
    this.closed = true;
    for (const w of [this.worker, this.replacement]) if (w?.child.connected) w.child.disconnect();
  }

  private spawn(): Worker {
    const child = fork(fileURLToPath(new URL('./data-capture-worker.js', import.meta.url)), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const worker: Worker = { child, latest: { ...ZERO } };
    this.send(worker, { type: 'init', ...this.settings });
    child.on('message', (m: DataWorkerOut) => this.onMessage(worker, m));
    child.on('exit', (code, signal) => {
      if (this.closed || (worker !== this.worker && worker !== this.replacement)) return;
      this.events.onExit(`data capture process exited (${signal ?? code})`);
    });
    return worker;
  }

  private onMessage(worker: Worker, m: DataWorkerOut): void {
    if (m.type === 'sources') this.events.onSources(m.list);
    else if (m.type === 'stats') {
      worker.latest = m.stats;
      if (worker === this.worker && m.stale > MAX_STALE && !this.replacement && !this.closed) this.replace();
    } else if (m.type === 'applied') {
      if (m.generation === this.filter.generation) this.lastOpenMs = m.openMs;
      // The replacement holds the current filter: the old process and its stale handles go.
      if (worker === this.replacement && m.generation === this.filter.generation) this.retire();
    } else if (m.type === 'open-failed' && worker === this.worker) this.events.onOpenFailed(m.generation, m.message);
  }

  private replace(): void {
    this.replacements++;
    this.replacement = this.spawn();
    this.send(this.replacement, { type: 'filter', ...this.filter });
  }

  private retire(): void {
    const old = this.worker;
    for (const k of Object.keys(ZERO) as Array<keyof HandleStats>) this.retired[k] += old.latest[k];
    this.worker = this.replacement!;
    this.replacement = undefined;
    if (old.child.connected) old.child.disconnect();
  }

  private send(worker: Worker, message: DataWorkerIn): void {
    if (worker.child.connected) worker.child.send(message);
  }
}
