/**
 * kill -9 of `dxgw run` with deliveries in flight, one event per POST and in batch mode: after
 * a restart the cut-off requests are sent again within seconds (not after BullMQ's 60 s
 * lock), carrying the next X-Dxgw-Attempt and the same idempotency key; every event arrives,
 * in order per subscriber (ADR 0004).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { syntheticCapture } from '../../src/testing/synthetic-capture.js';
import { startDaemon, waitFor, writeConfig } from '../helpers/daemon.js';
import { orderedPerLane, startHttpReceiver } from '../helpers/http-receiver.js';
import { freePort, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireTool } from '../helpers/tools.js';

const SECRET = 'sae-secret';


describe.runIf(requireTool('redis-server'))('kill -9 with deliveries in flight', () => {
  let redisServer: RedisServer;
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-crash-redelivery-'));

  beforeAll(async () => {
    redisServer = await startRedisServer();
  });
  afterAll(async () => {
    await redisServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const mode of ['one event per POST', 'batch mode'] as const) {
    it(`${mode}: in-flight requests are redelivered within 10 s of the restart, attempt counted, nothing lost or reordered`, { timeout: 120_000 }, async () => {
      const site = mode === 'batch mode' ? 'crash-batch' : 'crash-single';
      const receiver = await startHttpReceiver(SECRET, () => 'hang');
      const capture = join(dir, `${site}.pcap`);
      writeFileSync(capture, syntheticCapture({ clients: 40, releaseEvery: 2 }));
      const path = writeConfig(
        dir,
        {
          site,
          redis: { url: redisServer.url },
          api: { listen: `127.0.0.1:${await freePort()}` },
          retry: { attempts: 5, backoffMs: 50, maxBackoffMs: 200 },
          sinks: [{ name: 'sae', type: 'http', url: receiver.url, secret: SECRET, timeoutMs: 60_000, concurrency: 16, ...(mode === 'batch mode' ? { batch: { maxEvents: 10, maxDelayMs: 20 } } : {}) }],
        },
        `${site}.yaml`,
      );
      const first = startDaemon(['--config', path, '--replay', capture, '--speed', 'max']);
      const redis = new Redis(redisServer.url);
      try {
        // Deliveries hang at the receiver (up to one per slot), then the process dies.
        await waitFor('deliveries in flight', () => receiver.requests.length >= 4);
        await waitFor('the whole capture in the outbox', async () => Number(await redis.xlen(`{dxgw:${site}}:outbox`)) === 120);
        first.child.kill('SIGKILL');
        await first.exited;
        const cutOff = receiver.requests.filter((r) => r.status === 0);
        expect(cutOff.length).toBeGreaterThanOrEqual(4);
        receiver.behave(() => ({ status: 200 }));

        const restartedAt = Date.now();
        const second = startDaemon(['--config', path, '--roles', 'delivery,api']);
        try {
          await waitFor('everything delivered after the restart', () => receiver.delivered().length >= 120, 90_000);
        } finally {
          await second.stop();
        }
        // The log stays one JSON object per line under a burst (no Node warnings on stderr).
        for (const daemon of [first, second]) for (const line of daemon.log().split('\n').filter(Boolean)) expect(() => JSON.parse(line), line).not.toThrow();
        const outbox = await new RedisLeaseStore(redis, site).readOutbox('0', 1000);
        expect(receiver.delivered().map((r) => r.event.id).sort()).toEqual(outbox.map((e) => e.event.id).sort());
        expect(orderedPerLane(receiver.delivered())).toBe(true);
        for (const hung of cutOff) {
          const again = receiver.requests.find((r) => r.event.id === hung.event.id && r.status === 200)!;
          expect(again.at - restartedAt, `${hung.event.id} redelivered`).toBeLessThan(10_000);
          expect(Number(again.headers['x-dxgw-attempt'])).toBe(Number(hung.headers['x-dxgw-attempt']) + 1);
          // The same idempotency key: the event id, or the batch's id for a batch.
          expect(again.headers['idempotency-key']).toBe(hung.headers['idempotency-key']);
          if (mode === 'one event per POST') expect(again.headers['idempotency-key']).toBe(hung.event.id);
        }
      } finally {
        await first.stop('SIGKILL');
        redis.disconnect();
        await receiver.close();
      }
    });
  }
});
