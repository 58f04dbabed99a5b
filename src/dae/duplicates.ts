/**
 * RFC 5176 §2.3 / RFC 5080 §2.2.2: a retransmission keeps source address and port,
 * Identifier and Request Authenticator, and must get the same answer without the request
 * being applied again. Entries hold the answer's promise, so a copy that arrives while the
 * first is still being applied waits for that answer instead of applying it twice.
 */
export interface DuplicateKey {
  address: string;
  port: number;
  identifier: number;
  authenticator: Buffer;
}

interface Entry {
  at: number;
  answer: Promise<Buffer | undefined>;
}

export class DuplicateCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly windowMs = 30_000,
    /** Bounds memory under a flood of (authenticated) requests: the oldest go first. */
    private readonly maxEntries = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  private static key(k: DuplicateKey): string {
    return `${k.address}|${k.port}|${k.identifier}|${k.authenticator.toString('hex')}`;
  }

  /** The answer of an earlier copy still within the window, if any. */
  get(k: DuplicateKey): Promise<Buffer | undefined> | undefined {
    this.sweep();
    return this.entries.get(DuplicateCache.key(k))?.answer;
  }

  set(k: DuplicateKey, answer: Promise<Buffer | undefined>): void {
    this.sweep();
    const key = DuplicateCache.key(k);
    this.entries.delete(key);
    this.entries.set(key, { at: this.clock(), answer });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Forgets an answer that must not be replayed (a transient failure: the retry may succeed). */
  delete(k: DuplicateKey): void {
    this.entries.delete(DuplicateCache.key(k));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Insertion order is time order: expired entries are at the front. */
  private sweep(): void {
    const oldest = this.clock() - this.windowMs;
    for (const [key, entry] of this.entries) {
      if (entry.at > oldest) break;
      this.entries.delete(key);
    }
  }
}
