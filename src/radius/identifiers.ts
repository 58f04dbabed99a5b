/**
 * RADIUS identifiers for one server (RFC 2865 §3: the Identifier matches a reply to its
 * request per source address/port and server). An identifier is never handed out while it
 * is in flight; allocation rotates from a random start, so a freed identifier comes back
 * only after the other 255 — a late reply to an old request then meets a new Request
 * Authenticator and fails verification instead of being mistaken for an answer.
 */
import { randomInt } from 'node:crypto';
import { onAbort } from './abort-hub.js';

export class IdentifierPool {
  private readonly busy = new Uint8Array(256);
  private inFlight = 0;
  private next: number;
  private readonly waiters: Array<() => void> = [];

  constructor(start = randomInt(256)) {
    this.next = start & 0xff;
  }

  /** Identifiers in flight now. */
  get size(): number {
    return this.inFlight;
  }

  /** A free identifier, or undefined when all 256 are in flight. */
  tryAcquire(): number | undefined {
    if (this.inFlight === 256) return undefined;
    while (this.busy[this.next]) this.next = (this.next + 1) & 0xff;
    const id = this.next;
    this.busy[id] = 1;
    this.inFlight++;
    this.next = (id + 1) & 0xff;
    return id;
  }

  /** A free identifier; waits (in order) while all 256 are in flight. */
  async acquire(signal?: AbortSignal): Promise<number> {
    for (;;) {
      signal?.throwIfAborted();
      const id = this.tryAcquire();
      if (id !== undefined) return id;
      await new Promise<void>((resolve, reject) => {
        const wake = (): void => {
          unsubscribe?.();
          resolve();
        };
        this.waiters.push(wake);
        const unsubscribe = signal
          ? onAbort(signal, () => {
              const i = this.waiters.indexOf(wake);
              if (i >= 0) this.waiters.splice(i, 1);
              reject(signal.reason);
            })
          : undefined;
      });
    }
  }

  release(id: number): void {
    if (!this.busy[id]) return;
    this.busy[id] = 0;
    this.inFlight--;
    this.waiters.shift()?.();
  }

  isInFlight(id: number): boolean {
    return this.busy[id] === 1;
  }
}
