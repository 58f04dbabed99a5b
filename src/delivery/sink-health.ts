/**
 * Per-sink health, fed by the delivery hooks (onAttemptFailed, onGaveUp, onDelivered): a
 * sink becomes failing at its first failed attempt after being healthy and recovers at its
 * next delivered notification. Listeners (SNMP sinks) hear of an episode twice: once when
 * it has lasted `failingAfterMs` without a delivery (so one outage is one alarm, and its
 * count of failures means something), once when it ends. A blip that heals within
 * `failingAfterMs` is not announced (it still counts in metrics and the sink table).
 * State is in memory, per process: each process with the delivery role tracks the
 * deliveries it makes.
 */

export interface SinkEpisode {
  sink: string;
  /** When the first attempt of the episode failed (ms since epoch). */
  since: number;
  /** Failed attempts in the episode so far. */
  failures: number;
  /** Notifications given up on (waiting for an operator) in the episode so far. */
  gaveUp: number;
  /** The last failed attempt's message. */
  lastError: string;
}

export interface SinkRecovery extends SinkEpisode {
  /** When the sink delivered again (ms since epoch). */
  recoveredAt: number;
}

/** Who is told when a sink starts failing and when it recovers (never both for a blip). */
export interface SinkHealthListener {
  sinkFailing(episode: SinkEpisode): Promise<void>;
  sinkRecovered(recovery: SinkRecovery): Promise<void>;
}

export function isSinkHealthListener<T>(x: T): x is T & SinkHealthListener {
  return typeof (x as SinkHealthListener).sinkFailing === 'function' && typeof (x as SinkHealthListener).sinkRecovered === 'function';
}

export interface SinkHealthOptions {
  /** The sinks tracked (rows() lists them all, healthy ones too). */
  sinks: readonly string[];
  /** How long a sink must fail without delivering before it is announced (0: at once). */
  failingAfterMs: number;
  listeners: readonly SinkHealthListener[];
  onError?: (error: unknown) => void;
  now?: () => number;
}

interface Episode extends SinkEpisode {
  announced: boolean;
  timer: NodeJS.Timeout | undefined;
}

export class SinkHealth {
  private readonly episodes = new Map<string, Episode>();
  private readonly now: () => number;

  constructor(private readonly options: SinkHealthOptions) {
    this.now = options.now ?? Date.now;
  }

  onAttemptFailed(sink: string, error: Error): void {
    const e = this.episodeOf(sink);
    e.failures++;
    e.lastError = error.message;
  }

  /** The worker reports the failed attempt first; a give-up alone still opens an episode. */
  onGaveUp(sink: string, error?: Error): void {
    const e = this.episodeOf(sink);
    e.gaveUp++;
    if (error && !e.lastError) e.lastError = error.message;
  }

  onDelivered(sink: string): void {
    const e = this.episodes.get(sink);
    if (!e) return;
    this.episodes.delete(sink);
    clearTimeout(e.timer);
    if (e.announced) this.tell((l) => l.sinkRecovered({ ...snapshot(e), recoveredAt: this.now() }));
  }

  /** When the sink started failing (ms since epoch), or null while it is healthy. */
  failingSince(sink: string): number | null {
    return this.episodes.get(sink)?.since ?? null;
  }

  /** Every tracked sink with since when it is failing (null: healthy), for /metrics. */
  rows(): Array<{ name: string; failingSince: number | null }> {
    return this.options.sinks.map((name) => ({ name, failingSince: this.failingSince(name) }));
  }

  /** Adds `failingSince` to per-sink rows (the SNMP sink table). */
  withFailingSince<T extends { name: string }>(rows: T[]): Array<T & { failingSince: number | null }> {
    return rows.map((row) => ({ ...row, failingSince: this.failingSince(row.name) }));
  }

  /** Stops the pending announcements (shutdown); nothing more is sent. */
  stop(): void {
    for (const e of this.episodes.values()) clearTimeout(e.timer);
    this.episodes.clear();
  }

  private episodeOf(sink: string): Episode {
    let e = this.episodes.get(sink);
    if (e) return e;
    e = { sink, since: this.now(), failures: 0, gaveUp: 0, lastError: '', announced: false, timer: undefined };
    this.episodes.set(sink, e);
    const episode = e;
    const announce = () => {
      if (this.episodes.get(sink) !== episode) return;
      episode.announced = true;
      this.tell((l) => l.sinkFailing(snapshot(episode)));
    };
    // A timer even for 0: the failed attempt's own bookkeeping (count, message) lands first.
    episode.timer = setTimeout(announce, Math.max(0, this.options.failingAfterMs));
    episode.timer.unref();
    return e;
  }

  private tell(send: (l: SinkHealthListener) => Promise<void>): void {
    for (const l of this.options.listeners) void send(l).catch((error: unknown) => this.options.onError?.(error));
  }
}

function snapshot(e: Episode): SinkEpisode {
  return { sink: e.sink, since: e.since, failures: e.failures, gaveUp: e.gaveUp, lastError: e.lastError };
}
