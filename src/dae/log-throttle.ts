/**
 * Drops from unlisted sources or with a wrong secret are logged, but a flood of them must not
 * become a flood of log lines: one line per (source, reason) per interval, with the count
 * of those left out since.
 */
export class LogThrottle {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly intervalMs = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** undefined: stay quiet; a number: log now, noting that many lines left out. */
  admit(key: string): number | undefined {
    const now = this.clock();
    const seen = this.last.get(key);
    if (seen && now - seen.at < this.intervalMs) {
      seen.suppressed++;
      return undefined;
    }
    if (this.last.size >= 1000) this.last.clear(); // forged sources are unbounded
    this.last.set(key, { at: now, suppressed: 0 });
    return seen?.suppressed ?? 0;
  }
}
