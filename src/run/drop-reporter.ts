/**
 * libpcap drops are lost DHCP as much as lost data: say so in the log, not only in
 * /metrics. Fed the cumulative drop count from each capture stats message; reports the
 * growth at most once per `everyMs`, so a sustained overload is one line every few seconds.
 */
export interface DropReport {
  /** Frames dropped since the last report. */
  dropped: number;
  /** Frames dropped since the capture started. */
  total: number;
  /** Over how long `dropped` accumulated. */
  seconds: number;
}

export class DropReporter {
  private reported = 0;
  private reportedAt: number | undefined;

  constructor(
    private readonly report: (r: DropReport) => void,
    private readonly everyMs = 10_000,
  ) {}

  update(total: number, now = Date.now()): void {
    // A restarted capture starts counting from zero again.
    if (total < this.reported) this.reported = 0;
    if (total === this.reported) return;
    if (this.reportedAt !== undefined && now - this.reportedAt < this.everyMs) return;
    this.report({ dropped: total - this.reported, total, seconds: this.reportedAt === undefined ? 0 : (now - this.reportedAt) / 1000 });
    this.reported = total;
    this.reportedAt = now;
  }
}
