/**
 * The DAE against the Redis store the daemon uses: a real capture replayed into a real
 * redis-server by `dxgw replay` (replayCapture, no drain, so the bindings stay), then
 * radclient Disconnects whose deletion events land in the Redis outbox stream.
 */
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayCapture } from '../../src/cli/commands/replay.js';
import { LineWriter } from '../../src/cli/output.js';
import { parseConfig } from '../../src/config/load.js';
import { startDaeServer, type DaeServer } from '../../src/dae/index.js';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { engineConfigFrom } from '../../src/subscribers/runtime-config.js';
import { FIXTURE_DIR } from '../helpers/fixtures.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireTool } from '../helpers/tools.js';
import { NAS, radclient, SECRET } from './harness.js';

describe.runIf(requireTool('redis-server') && requireTool('radclient'))('DAE on the Redis store', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let store: RedisLeaseStore;
  let dae: DaeServer;
  // replayCapture with no config file: the default site.
  const config = parseConfig({ dae: { enabled: true, listen: '127.0.0.1:0', clients: [{ address: '127.0.0.1', secret: SECRET }] } });

  beforeAll(async () => {
    redisServer = await startRedisServer();
    const quiet = new LineWriter(new Writable({ write: (_c, _e, done) => done() }));
    await replayCapture(join(FIXTURE_DIR, 'many-clients.pcap'), { redis: redisServer.url, drain: false, format: 'none' }, quiet);
    redis = new Redis(redisServer.url);
    store = new RedisLeaseStore(redis, config.site);
    dae = await startDaeServer({ config: config.dae, store, engine: engineConfigFrom(config), nas: NAS, vr: config.capture.virtualRouter });
  });
  afterAll(async () => {
    await dae?.stop();
    redis?.disconnect();
    await redisServer?.stop();
  });

  it('by Acct-Session-Id and by Framed-IP-Address: ACK, gone from Redis, events in the outbox', async () => {
    expect(await store.count()).toBe(20);
    const m01 = (await store.get('default', '192.0.2.12'))!;
    const port = dae.address().port;
    expect((await radclient(port, 'disconnect', `Acct-Session-Id = "${m01.sessionId}"`)).reply).toBe('Disconnect-ACK');
    expect((await radclient(port, 'disconnect', 'Framed-IP-Address = 192.0.2.13')).reply).toBe('Disconnect-ACK');
    expect(await store.get('default', '192.0.2.12')).toBeUndefined();
    expect(await store.get('default', '192.0.2.13')).toBeUndefined();
    const disconnected = (await store.readOutbox('0', 10_000)).map((e) => e.event).filter((e) => e.reason === 'disconnected');
    expect(disconnected.map((e) => `${e.subscriber.ip} ${e.type}`)).toEqual([
      '192.0.2.12 interface-deleted',
      '192.0.2.12 address-deleted',
      '192.0.2.13 interface-deleted',
      '192.0.2.13 address-deleted',
    ]);
    const again = await radclient(port, 'disconnect', `Acct-Session-Id = "${m01.sessionId}"`);
    expect(again.output).toContain('Error-Cause = Session-Context-Not-Found');
    expect(await store.count()).toBe(18);
  });
});
