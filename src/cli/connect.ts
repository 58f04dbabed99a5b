/**
 * How CLI commands reach a site's store: `--redis URL` (and `--site`), or the config file's
 * redis.url and site. One clear line when Redis cannot be reached.
 */
import { Redis } from 'ioredis';
import { loadConfig } from '../config/load.js';
import type { DxgwConfig } from '../config/schema.js';
import { DxgwError } from '../errors/codes.js';
import { RedisLeaseStore } from '../leases/redis/redis-store.js';
import { embeddedRedisUrl } from '../run/embedded-redis.js';

export interface StoreOptions {
  config?: string;
  redis?: string;
  site?: string;
}

export interface Connected {
  config: DxgwConfig;
  store: RedisLeaseStore;
  close(): Promise<void>;
}

export async function connectStore(options: StoreOptions): Promise<Connected> {
  const config = loadConfig(options.config);
  if (options.site) config.site = options.site;
  // Without redis.url the gateway runs its own Redis and leaves its URL in redis.dataDir.
  const url = options.redis ?? config.redis.url ?? embeddedRedisUrl(config.redis.dataDir);
  if (!url) {
    throw new DxgwError('DXGW_CLI_BAD_ARGUMENT', `give --redis URL, or a --config whose redis.url is set, or run it where \`dxgw run\` keeps its embedded Redis (redis.dataDir ${config.redis.dataDir})`, { key: '--redis' });
  }
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, retryStrategy: () => null });
  redis.on('error', () => undefined); // reported by the awaited connect below
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new DxgwError('DXGW_STORE_UNAVAILABLE', `cannot connect to Redis at ${url}: ${(error as Error).message}`, { key: '--redis' });
  }
  const store = new RedisLeaseStore(redis, config.site);
  return {
    config,
    store,
    async close() {
      await store.close();
      redis.disconnect();
    },
  };
}

export function addStoreOptions<T extends { option(flags: string, description: string): T }>(command: T): T {
  return command
    .option('-c, --config <file>', 'configuration file (site, redis.url)')
    .option('--redis <url>', 'Redis URL (overrides the config)')
    .option('--site <site>', 'site id (overrides the config)');
}
