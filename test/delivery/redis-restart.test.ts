/**
 * Redis restarts under a running delivery role (a known BullMQ failure mode: workers that
 * never resume): the bridge and workers reconnect and deliver what was queued before and
 * what arrives after, in order.
 */
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { replayCapture } from '../../src/cli/commands/replay.js';
import { LineWriter } from '../../src/cli/output.js';
import { parseConfig } from '../../src/config/load.js';
import { DeliveryService } from '../../src/delivery/delivery-service.js';
import { HttpSink } from '../../src/delivery/sinks/http-sink.js';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { waitFor } from '../helpers/daemon.js';
import { fixtureFiles } from '../helpers/fixtures.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireTool } from '../helpers/tools.js';

const quiet = () => new LineWriter(new Writable({ write: (_c, _e, done) => done() }));

describe.runIf(requireTool('redis-server'))('delivery across a Redis restart', () => {
  let server: RedisServer;
  afterAll(async () => server?.stop());

  it('reconnects and delivers everything, in order', { timeout: 120_000 }, async () => {
    server = await startRedisServer({ appendonly: true });
    const receiver = await startHttpReceiver('s');
    const redis = new Redis(server.url, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
    const config = parseConfig({ sinks: [{ name: 'sae', type: 'http', url: receiver.url, secret: 's' }] });
    const service = new DeliveryService({
      site: config.site,
      redisUrl: server.url,
      store: new RedisLeaseStore(redis, config.site),
      sinks: [new HttpSink(config.sinks[0] as never)],
      retry: { attempts: 20, backoffMs: 50, maxBackoffMs: 500 },
      parkMs: 20,
    });
    try {
      const [first, second] = fixtureFiles().filter((f) => /(dnsmasq|dhcpd)-dora-ping-renew-release\.pcap$/.test(f));
      const before = await replayCapture(first!, { redis: server.url, format: 'none', drain: true }, quiet());
      await service.start();
      await waitFor('first events delivered', () => receiver.delivered().length >= before.events);
      await server.restart('SIGKILL');
      const after = await replayCapture(second!, { redis: server.url, format: 'none', drain: true }, quiet());
      await waitFor('events after the restart delivered', () => receiver.delivered().length >= before.events + after.events, 60_000);
      const ids = receiver.delivered().map((r) => r.event.id);
      expect(new Set(ids).size).toBe(before.events + after.events);
    } finally {
      await service.stop(1000);
      redis.disconnect();
      await receiver.close();
    }
  });
});
