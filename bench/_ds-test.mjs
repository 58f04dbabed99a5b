import { startRedis } from '/work/wt-outbox/bench/lib.mjs';
import { Redis } from 'ioredis';
const { RedisLeaseStore } = await import('/work/wt-outbox/dist/leases/redis/redis-store.js');
const { DeliveryService } = await import('/work/wt-outbox/dist/delivery/delivery-service.js');
const s = await startRedis();
const redis = new Redis(s.url);
const store = new RedisLeaseStore(redis, 'x');
const d = new DeliveryService({ site: 'x', redisUrl: s.url, store, sinks: [], retry: { attempts: 1, backoffMs: 10, maxBackoffMs: 10 } });

await new Promise(r => setTimeout(r, 300));

redis.disconnect();
await s.stop();
await new Promise(r => setTimeout(r, 500));
console.log('done');
