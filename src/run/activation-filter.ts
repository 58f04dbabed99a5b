/**
 * Keeps the data handle's filter on the pending set (bindings bound and not yet active),
 * batched: checked every `checkMs`, rebuilt at most every `minIntervalMs`, and only when
 * the filter text changes (a renewal leaves and re-enters the set: same filter, no rebuild).
 * docs/config.md "activation" and docs/adr/0006 state the rule and its latency.
 */
import { dataFilter, MATCH_NOTHING, MAX_DATA_FILTER_TERMS, type DataFilter } from './bpf-filter.js';

export interface PendingView {
  readonly awaitingVersion: number;
  awaitingActivation(vr: string): ReadonlySet<number>;
}

export interface ActivationFilterOptions {
  vr: string;
  prefixes: readonly string[];
  extra?: string | undefined;
  vlan: boolean;
  minIntervalMs?: number;
  checkMs?: number;
  /** Installs a filter (null: no data handle needed); returns its generation. */
  apply(filter: DataFilter): number;
}

export class ActivationFilter {
  current: DataFilter | undefined;
  rebuilds = 0;
  private seenVersion = -1;
  private lastAt = -Infinity;
  private forcePrefixesFor = -1;
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly view: PendingView,
    private readonly options: ActivationFilterOptions,
  ) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.checkMs ?? 25);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The pending filter of `generation` could not be opened (e.g. too large for the kernel): use the prefixes. */
  openFailed(generation: number): void {
    if (generation !== this.generation || this.current?.kind !== 'pending') return;
    this.forcePrefixesFor = this.view.awaitingVersion;
    this.seenVersion = -1;
    this.lastAt = -Infinity;
    this.tick();
  }

  tick(now = Date.now()): void {
    const version = this.view.awaitingVersion;
    if (version === this.seenVersion || now - this.lastAt < (this.options.minIntervalMs ?? 100)) return;
    this.seenVersion = version;
    const pending = this.view.awaitingActivation(this.options.vr);
    // Far beyond what merges into MAX terms: skip the sort, it is the prefixes anyway.
    const maxTerms = this.forcePrefixesFor === version || pending.size > 64 * MAX_DATA_FILTER_TERMS ? 0 : MAX_DATA_FILTER_TERMS;
    const next = dataFilter(pending, this.options.prefixes, { extra: this.options.extra, vlan: this.options.vlan, maxTerms });
    // No handle yet counts as matching nothing.
    if (next.filter === (this.current?.filter ?? MATCH_NOTHING)) return;
    this.current = next;
    this.lastAt = now;
    this.rebuilds++;
    this.generation = this.options.apply(next);
  }
}
