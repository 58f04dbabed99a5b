/**
 * SIGKILL in the middle of a replay into Redis leaves the keyspace consistent: every binding
 * has its indexes and timer, every event is in the outbox once; a second run finishes the job.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DXGW } from '../helpers/cli.js';
import { redisInvariantViolations } from '../helpers/redis-invariants.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { syntheticCapture } from '../../src/testing/synthetic-capture.js';
import { requireTool } from '../helpers/tools.js';

describe.runIf(requireTool('redis-server'))('crash consistency', () => {
  let server: RedisServer;
  let redis: Redis;
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-crash-'));
  const capture = join(dir, 'load.pcap');

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
    writeFileSync(capture, syntheticCapture({ clients: 30_000, releaseEvery: 3 }));
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('survives SIGKILL between transitions, then completes on a second run', { timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, [DXGW, 'replay', '--redis', server.url, '--format', 'none', capture], { stdio: 'ignore' });
    // Kill it once it is well into the work, between (or inside) pipelined transitions.
    const deadline = Date.now() + 60_000;
    while ((await redis.dbsize()) < 3 || Number(await redis.xlen('{dxgw:default}:outbox')) < 2_000) {
      if (Date.now() > deadline) throw new Error('replay made no progress');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const outboxAtKill = Number(await redis.xlen('{dxgw:default}:outbox'));
    expect(outboxAtKill).toBeLessThan(30_000 * 2 + 10_000 * 2);
    expect(await redisInvariantViolations(redis, 'default')).toEqual([]);

    // A second run over the whole capture reaches the same final state a clean run would.
    const again = spawn(process.execPath, [DXGW, 'replay', '--redis', server.url, '--format', 'none', capture], { stdio: 'ignore' });
    expect(await new Promise((r) => again.once('exit', r))).toBe(0);
    expect(await redisInvariantViolations(redis, 'default')).toEqual([]);
    const leases = await redis.zcard('{dxgw:default}:expiry');
    expect(leases).toBe(30_000 - 10_000);
  });
});
