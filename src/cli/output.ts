/**
 * Buffered stdout that respects backpressure: decode and replay print hundreds of thousands
 * of lines per second, one write() each would dominate their cost. Lines go out in ~64 KiB
 * writes as they come (so they die young and cheap for the GC); `flush()` waits for the
 * stream to drain when it asked to, between input chunks.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';

export class LineWriter {
  private pending = '';
  private congested = false;

  constructor(
    private readonly out: Writable = process.stdout,
    private readonly writeAt = 64 * 1024,
  ) {}

  line(text: string): void {
    this.pending += text + '\n';
    if (this.pending.length >= this.writeAt) this.writePending();
  }

  /** True when the caller should await flush() before producing more. */
  get shouldFlush(): boolean {
    return this.congested || this.pending.length > 0;
  }

  /** Writes what is buffered; resolves once the stream can take more. */
  async flush(): Promise<void> {
    if (this.pending) this.writePending();
    if (this.congested) {
      await once(this.out, 'drain');
      this.congested = false;
    }
  }

  private writePending(): void {
    if (!this.out.write(this.pending)) this.congested = true;
    this.pending = '';
  }
}
