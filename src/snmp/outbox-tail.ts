/**
 * Where the outbox ends right now: the mirror follows it from there after loading every
 * binding. The LeaseStore interface has no "last position", so the generic way pages
 * through the stream; with Redis, XREVRANGE … COUNT 1 answers at once.
 */
import type { Redis } from 'ioredis';
import type { RedisLeaseStore } from '../leases/redis/redis-store.js';
import type { LeaseStore } from '../leases/store.js';

export type OutboxTail = () => Promise<string>;

/** Pages through the outbox (O(outbox length)); fine for memory stores and short streams. */
export function scanOutboxTail(store: LeaseStore, pageSize = 10_000): OutboxTail {
  return async () => {
    let position = '0';
    for (;;) {
      const page = await store.readOutbox(position, pageSize);
      if (page.length === 0) return position;
      position = page[page.length - 1]!.position;
    }
  };
}

/** The newest stream id of a RedisLeaseStore's outbox, or '0' when it is empty. */
export function redisOutboxTail(redis: Redis, store: RedisLeaseStore): OutboxTail {
  return async () => {
    const last = await redis.xrevrange(store.keys.outbox, '+', '-', 'COUNT', 1);
    return last[0]?.[0] ?? '0';
  };
}
