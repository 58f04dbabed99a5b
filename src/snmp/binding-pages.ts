/**
 * Where the mirror loads bindings from, page by page: each page becomes compact rows before
 * the next is read, so loading 100k bindings never holds 100k full Binding objects (with
 * their DHCP options) at once. The generic source is one page, store.list(); with Redis,
 * SCAN + pipelined HGETALL through the store's own key layout and codec, 1000 at a time.
 */
import type { Redis } from 'ioredis';
import type { Binding } from '../leases/binding.js';
import { decodeBinding } from '../leases/redis/binding-codec.js';
import { parseLeaseKey } from '../leases/redis/keys.js';
import type { RedisLeaseStore } from '../leases/redis/redis-store.js';
import type { LeaseStore } from '../leases/store.js';

export type BindingPages = () => AsyncIterable<Binding[]>;

export function listPages(store: LeaseStore): BindingPages {
  return async function* () {
    yield await store.list();
  };
}

/** Every binding of the store's site; a key SCAN returns twice is harmless (rows are keyed). */
export function redisBindingPages(redis: Redis, store: RedisLeaseStore, count = 1000): BindingPages {
  const keys = store.keys;
  return async function* () {
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', keys.leasePattern, 'COUNT', count);
      cursor = next;
      if (batch.length === 0) continue;
      const pipe = redis.pipeline();
      for (const key of batch) pipe.hgetall(key);
      const replies = (await pipe.exec()) ?? [];
      const page: Binding[] = [];
      batch.forEach((key, i) => {
        const [error, hash] = replies[i] ?? [new Error('no reply')];
        const at = parseLeaseKey(keys, key);
        if (error || !at) return; // not a lease hash: RedisLeaseStore.list() skips it too
        const decoded = decodeBinding(at.vr, at.ip, hash as Record<string, string>);
        if (decoded.ok) page.push(decoded.binding);
      });
      yield page;
    } while (cursor !== '0');
  };
}
