/**
 * Capture drops per handle as episodes, like sink health (src/delivery/sink-health.ts): a
 * handle starts *dropping* at its first drop after being quiet (announced at once: any drop
 * on the DHCP handle may be a lost binding) and is *cleared* once it has dropped nothing for
 * `clearedAfterMs`. Fed the cumulative counts of each capture stats message (every 200 ms),
 * so it needs no timer of its own.
 */
export type CaptureHandleName = 'dhcp' | 'data';

export interface CaptureDropEpisode {
  handle: CaptureHandleName;
  /** Frames dropped in the episode so far. */
  drops: number;
  /** First and last drop seen (ms since epoch). */
  since: number;
  lastDropAt: number;
}

/** Who hears of it (SNMP sinks): once when a handle starts dropping, once when it is cleared. */
export interface CaptureHealthListener {
  captureDropping(episode: CaptureDropEpisode): Promise<void>;
  captureDropsCleared(episode: CaptureDropEpisode): Promise<void>;
}

export function isCaptureHealthListener<T>(x: T): x is T & CaptureHealthListener {
  return typeof (x as CaptureHealthListener).captureDropping === 'function' && typeof (x as CaptureHealthListener).captureDropsCleared === 'function';
}

export class CaptureHealth {
  private readonly last = new Map<CaptureHandleName, number>();
  private readonly episodes = new Map<CaptureHandleName, CaptureDropEpisode>();

  constructor(
    private readonly options: { clearedAfterMs: number; listeners: readonly CaptureHealthListener[]; onError?: (error: unknown) => void },
  ) {}

  /** `total`: drops of `handle` since the capture started. */
  update(handle: CaptureHandleName, total: number, now = Date.now()): void {
    const before = this.last.get(handle);
    this.last.set(handle, total);
    // The first report is the baseline only if it is zero; a restarted capture counts from zero again.
    const grown = before === undefined || total < before ? total : total - before;
    let e = this.episodes.get(handle);
    if (grown > 0) {
      if (!e) {
        e = { handle, drops: 0, since: now, lastDropAt: now };
        this.episodes.set(handle, e);
        e.drops = grown;
        this.tell((l) => l.captureDropping({ ...e! }));
      } else e.drops += grown;
      e.lastDropAt = now;
      return;
    }
    if (e && now - e.lastDropAt >= this.options.clearedAfterMs) {
      this.episodes.delete(handle);
      this.tell((l) => l.captureDropsCleared({ ...e }));
    }
  }

  private tell(call: (l: CaptureHealthListener) => Promise<void>): void {
    for (const l of this.options.listeners) void call(l).catch((error) => this.options.onError?.(error));
  }
}
