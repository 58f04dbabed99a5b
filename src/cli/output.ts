/**
 * Buffered stdout that respects backpressure: decode and replay print hundreds of thousands
 * of lines per second, one write() each would dominate their cost.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';

export class LineWriter {
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly out: Writable = process.stdout,
    private readonly flushAt = 256 * 1024,
  ) {}

  line(text: string): void {
    this.pending.push(text);
    this.pendingBytes += text.length + 1;
  }

  get shouldFlush(): boolean {
    return this.pendingBytes >= this.flushAt;
  }

  /** Writes what is buffered; resolves once the stream can take more. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('\n') + '\n';
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
}
