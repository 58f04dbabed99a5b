/** The embedded Redis: AOF under its data dir, its URL left there for the CLI, gone when stopped. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedRedisUrl, startEmbeddedRedis } from '../../src/run/embedded-redis.js';
import { requireTool } from '../helpers/tools.js';

describe.runIf(requireTool('redis-server'))('embedded redis-server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-embedded-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('persists across a restart and tells the CLI where it listens', async () => {
    const first = await startEmbeddedRedis(dir);
    expect(embeddedRedisUrl(dir)).toBe(first.url);
    let redis = new Redis(first.url);
    await redis.set('k', 'v');
    redis.disconnect();
    await first.stop();
    expect(embeddedRedisUrl(dir)).toBeUndefined();
    expect(readdirSync(dir).some((f) => f.startsWith('appendonly'))).toBe(true);
    const second = await startEmbeddedRedis(dir);
    redis = new Redis(second.url);
    expect(await redis.get('k')).toBe('v');
    redis.disconnect();
    await second.stop();
  });
});
