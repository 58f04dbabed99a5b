/**
 * Events through a real lease store: `lanes` active subscribers, then renewals round robin
 * (one address-renewed event per transition), many transitions per pipelined commit. What
 * the outbox retention, resync and soak tests drive.
 */
import { activationEvents, deletionEvents, renewalEvents } from '../../src/events/drafts.js';
import type { SubscriberEvent } from '../../src/events/event.js';
import type { Binding } from '../../src/leases/binding.js';
import type { LeaseStore } from '../../src/leases/store.js';
import { del, makeActiveBinding, next, put, T0 } from '../conformance/lease-store.js';

export class EventLoad {
  readonly bindings: Binding[] = [];
  /** Indexes of released subscribers (renewals skip them). */
  readonly released = new Set<number>();
  private turn = 0;
  private infinite = false;
  private time = T0;

  private constructor(private readonly store: LeaseStore) {}

  /** Activates `lanes` subscribers (two events each: interface-created, address-added). */
  static async start(store: LeaseStore, lanes: number, options: { firstOctets?: string; infinite?: boolean } = {}): Promise<{ load: EventLoad; events: SubscriberEvent[] }> {
    const { firstOctets = '10.9', infinite = false } = options;
    const load = new EventLoad(store);
    load.infinite = infinite;
    const events: SubscriberEvent[] = [];
    for (let i = 0; i < lanes; i += 200) {
      const batch = Array.from({ length: Math.min(200, lanes - i) }, (_, j) => {
        const n = i + j;
        const hex = n.toString(16).padStart(4, '0');
        return makeActiveBinding({
          ip: `${firstOctets}.${n >> 8}.${n & 255}`,
          mac: `02:00:00:00:${hex.slice(0, 2)}:${hex.slice(2)}`,
          clientId: `01:02:00:00:00:${hex.slice(0, 2)}:${hex.slice(2)}`,
          interfaceName: `if-${firstOctets}-${n}`,
          // Infinite leases: no timer, so an expiry sweeper (a daemon's) leaves them alone.
          ...(infinite ? { leaseSeconds: 0xffffffff, expiresAt: null } : {}),
        });
      });
      events.push(...(await load.commit(batch.map((b) => put(b, 0, activationEvents(b, T0 + 1500))))));
      load.bindings.push(...batch);
    }
    return { load, events };
  }

  /** `n` renewals round robin, `perCommit` transitions per round trip; returns their events. */
  async renew(n: number, perCommit = 200): Promise<SubscriberEvent[]> {
    const events: SubscriberEvent[] = [];
    for (let done = 0; done < n; ) {
      const transitions = [];
      // One transition per lane per commit: a lane's next one must see the stored rev.
      const count = Math.min(perCommit, n - done, this.bindings.length - this.released.size);
      for (let k = 0; k < count; k++) {
        let i = this.turn++ % this.bindings.length;
        while (this.released.has(i)) i = this.turn++ % this.bindings.length;
        const b = this.bindings[i]!;
        this.time += 1000;
        const renewed = next(b, { leaseStart: this.time, expiresAt: this.infinite ? null : this.time + 3_600_000 });
        transitions.push(put(renewed, b.rev, renewalEvents(renewed, this.time)));
        this.bindings[i] = renewed;
      }
      events.push(...(await this.commit(transitions)));
      done += count;
    }
    return events;
  }

  /** Releases subscriber `i` (interface-deleted, address-deleted). */
  async release(i: number): Promise<SubscriberEvent[]> {
    const b = this.bindings[i]!;
    this.released.add(i);
    return this.commit([del(b, b.rev, 'released', deletionEvents(b, this.time + 1, 'released'))]);
  }

  private async commit(transitions: Parameters<LeaseStore['commit']>[0]): Promise<SubscriberEvent[]> {
    const results = await this.store.commit(transitions, []);
    return results.flatMap((r, i) => {
      if (!r.ok) throw new Error(`transition ${i} refused: ${r.error}`);
      return r.events;
    });
  }
}
