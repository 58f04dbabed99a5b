/**
 * `dxgw run` keeps the outbox within `outbox.maxEvents` (the trimmer wired into the delivery
 * role), counts it in /metrics, and serves GET /api/v1/events from what it kept; every event
 * still reaches the HTTP receiver.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { startDaemon, waitFor, writeConfig } from '../helpers/daemon.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { EventLoad } from '../helpers/outbox-load.js';
import { freePort, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireTool } from '../helpers/tools.js';

const SECRET = 'sae-secret';
const TOKEN = 'outbox-token-0123456789';

describe.runIf(requireTool('redis-server'))('dxgw run: bounded outbox', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let receiver: HttpReceiver;
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-daemon-outbox-'));

  beforeAll(async () => {
    redisServer = await startRedisServer();
    redis = new Redis(redisServer.url);
    receiver = await startHttpReceiver(SECRET);
  });
  afterAll(async () => {
    await receiver?.close();
    redis?.disconnect();
    await redisServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trims to maxEvents once delivered, and serves the retained events', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const path = writeConfig(dir, {
      site: 'bounded',
      redis: { url: redisServer.url },
      api: { listen: `127.0.0.1:${port}`, token: TOKEN },
      retry: { attempts: 5, backoffMs: 50, maxBackoffMs: 200 },
      outbox: { maxEvents: 50, maxAgeSeconds: 3600 },
      sinks: [{ name: 'sae', type: 'http', url: receiver.url, secret: SECRET, timeoutMs: 2000 }],
    });
    const store = new RedisLeaseStore(redis, 'bounded');
    const { load, events } = await EventLoad.start(store, 20, { infinite: true });
    const sent = [...events, ...(await load.renew(160))]; // 200 events
    const daemon = startDaemon(['--config', path, '--roles', 'delivery,api']);
    try {
      await waitFor('every event delivered', () => receiver.delivered().length >= sent.length);
      await waitFor('the outbox trimmed to outbox.maxEvents', async () => (await redis.xlen(store.keys.outbox)) === 50);
      const api = `http://127.0.0.1:${port}`;
      const headers = { authorization: `Bearer ${TOKEN}` };
      const metrics = await (await fetch(`${api}/metrics`, { headers })).text();
      expect(metrics).toMatch(/^dxgw_outbox_trimmed_total 150$/m);
      const page = (await (await fetch(`${api}/api/v1/events?limit=100`, { headers })).json()) as { count: number; events: Array<{ id: string }> };
      expect(page.events.map((e) => e.id)).toEqual(sent.slice(150).map((e) => e.id));
      const expired = await fetch(`${api}/api/v1/events?after=${sent[0]!.id}`, { headers });
      expect(expired.status).toBe(410);
      expect(((await expired.json()) as { code: string }).code).toBe('DXGW_EVENTS_CURSOR_EXPIRED');
      expect(new Set(receiver.delivered().map((r) => r.event.id))).toEqual(new Set(sent.map((e) => e.id)));
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
  });
});
