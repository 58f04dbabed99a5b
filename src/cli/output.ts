/**
 * Buffered stdout that respects backpressure: decode and replay print hundreds of thousands
 * of lines per second, one write() each would dominate their cost. Lines are encoded (UTF-8)
 * straight into a byte buffer, which goes out in ~64 KiB writes as it fills (formatters that
 * write bytes themselves use it as a ByteSink); `flush()` waits for the stream to drain when
 * it asked to, between input chunks.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ByteSink } from '../dhcp/json-bytes.js';

export class LineWriter implements ByteSink {
  /** Bytes not yet written are buffer[0, length). */
  buffer: Buffer;
  length = 0;
  private congested = false;

  constructor(
    private readonly out: Writable = process.stdout,
    private readonly writeAt = 64 * 1024,
  ) {
    this.buffer = Buffer.allocUnsafe(writeAt * 2);
  }

  line(text: string): void {
    this.reserve(text.length * 3 + 1);
    const p = this.length + this.buffer.write(text, this.length, 'utf8');
    this.buffer[p] = 0x0a;
    this.length = p + 1;
    this.wrote();
  }

  /** Makes room for `bytes` more at buffer[length]; may write out what is pending first. */
  reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    this.writePending();
    if (bytes > this.buffer.length) this.buffer = Buffer.allocUnsafe(bytes);
  }

  /** Call after appending through the ByteSink side: writes once enough has gathered. */
  wrote(): void {
    if (this.length >= this.writeAt) this.writePending();
  }

  /** True when the caller should await flush() before producing more. */
  get shouldFlush(): boolean {
    return this.congested || this.length > 0;
  }

  /** Writes what is buffered; resolves once the stream can take more. */
  async flush(): Promise<void> {
    this.writePending();
    if (this.congested) {
      await once(this.out, 'drain');
      this.congested = false;
    }
  }

  private writePending(): void {
    if (this.length === 0) return;
    // The stream may hold on to the written bytes: the next lines go into a fresh buffer.
    const chunk = this.buffer.subarray(0, this.length);
    this.buffer = Buffer.allocUnsafe(Math.max(this.writeAt * 2, this.buffer.length));
    this.length = 0;
    if (!this.out.write(chunk)) this.congested = true;
  }
}
