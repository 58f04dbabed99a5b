/** Runs the LeaseStore conformance suite against every implementation. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { MemoryLeaseStore } from '../../src/leases/memory-store.js';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireTool } from '../helpers/tools.js';
import { leaseStoreConformance } from './lease-store.js';

let siteCounter = 0;
const newSite = (): string => `conf${process.pid}-${++siteCounter}`;

leaseStoreConformance('MemoryLeaseStore', async () => ({ store: new MemoryLeaseStore(newSite()), cleanup: async () => {} }));

describe.runIf(requireTool('redis-server'))('with a real redis-server', () => {
  let server: RedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  // A new site per test: the stores share the client (borrowed, not closed by the store).
  leaseStoreConformance('RedisLeaseStore', async () => {
    const store = new RedisLeaseStore(client, newSite());
    // As `dxgw run` does at start: from here on the scripts keep bindings by state.
    await store.countStatesOnce();
    return { store, cleanup: async () => {} };
  });

  // A commit split over several script calls (counters ride with the last one).
  leaseStoreConformance('RedisLeaseStore, one transition per script call', async () => {
    const store = new RedisLeaseStore(client, newSite(), { transitionsPerCall: 1 });
    await store.countStatesOnce();
    return { store, cleanup: async () => {} };
  });
});
