/**
 * How CLI commands reach a site's store: `--redis URL` (and `--site`), or the config file's
 * redis.url and site, or the embedded Redis `dxgw run` left in redis.dataDir. One clear line
 * when Redis cannot be reached. Every command that needs Redis (bindings, notifications)
 * finds it here, so they all find the same one.
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
  /** The Redis URL in use (from --redis, redis.url or the embedded Redis's URL file). */
  url: string;
  /** Fails fast: commands error out instead of waiting for Redis to come back. */
  redis: Redis;
  store: RedisLeaseStore;
  close(): Promise<void>;
}

const redact = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');

/** Where the URL came from, for error messages. */
function sourceOf(options: StoreOptions, config: DxgwConfig): string {
  return options.redis !== undefined ? '--redis' : config.redis.url !== undefined ? 'redis.url' : 'redis.dataDir';
}

/** --redis, else redis.url, else the URL the embedded Redis left in redis.dataDir. */
export function resolveRedisUrl(options: StoreOptions, config: DxgwConfig): string {
  const url = options.redis ?? config.redis.url ?? embeddedRedisUrl(config.redis.dataDir);
  if (!url) {
    throw new DxgwError('DXGW_CLI_BAD_ARGUMENT', `no Redis to talk to: give --redis URL, or a --config whose redis.url is set, or start \`dxgw run\` with this config (no embedded Redis runs on redis.dataDir ${config.redis.dataDir})`, { key: '--redis' });
  }
  // ioredis takes almost anything and BullMQ throws a bare TypeError later: check here.
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^rediss?:$/.test(parsed.protocol) || !parsed.hostname) {
    throw new DxgwError('DXGW_CLI_BAD_ARGUMENT', `${JSON.stringify(redact(url))} is not a Redis URL (redis://host:port[/db] or rediss://…)`, { key: sourceOf(options, config) });
  }
  return url;
}

export async function connectStore(options: StoreOptions): Promise<Connected> {
  const config = loadConfig(options.config);
  if (options.site) config.site = options.site;
  const url = resolveRedisUrl(options, config);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, retryStrategy: () => null });
  redis.on('error', () => undefined); // reported by the awaited connect below
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const from = sourceOf(options, config);
    // A URL file left behind by a `dxgw run` that is gone: say so.
    const hint = from === 'redis.dataDir' ? ` (the embedded Redis of ${config.redis.dataDir}: is \`dxgw run\` running?)` : '';
    throw new DxgwError('DXGW_STORE_UNAVAILABLE', `cannot connect to Redis at ${redact(url)}${hint}: ${(error as Error).message}`, { key: from });
  }
  const store = new RedisLeaseStore(redis, config.site);
  return {
    config,
    url,
    redis,
    store,
    async close() {
      await store.close();
      redis.disconnect();
    },
  };
}

export function addStoreOptions<T extends { option(flags: string, description: string): T }>(command: T): T {
  return command
    .option('-c, --config <file>', 'configuration file (site, redis.url or redis.dataDir)')
    .option('--redis <url>', 'Redis URL (overrides the config)')
    .option('--site <site>', 'site id (overrides the config)');
}
