/**
 * Accounting-On/Off semantics (docs/radius.md "Accounting-On / Accounting-Off") with a real
 * Redis and a real FreeRADIUS, whose detail file is the witness: `dxgw run` across restarts
 * announces the NAS only into a store that holds none of its sessions (a new site, a lost
 * store), and says Accounting-Off only when no binding remains.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RadiusSinkConfig } from '../../src/config/schema-sinks.js';
import { announcementField, announcementsKey, redisAnnouncements } from '../../src/delivery/sinks/radius-announcements.js';
import { RadiusSink } from '../../src/delivery/sinks/radius-sink.js';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { syntheticCapture } from '../../src/testing/synthetic-capture.js';
import { startDaemon, writeConfig } from '../helpers/daemon.js';
import { startFreeRadius, type DetailRecord, type FreeRadius } from '../helpers/freeradius.js';
import { freePort, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireTool } from '../helpers/tools.js';
import { added, binding } from './events.js';
import { UdpPeer } from './udp-peer.js';

const SECRET = 'acct-on-secret';

describe.runIf(requireTool('redis-server') && requireTool('freeradius'))('Accounting-On only into a store without sessions', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let fr: FreeRadius;
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-acct-on-'));

  beforeAll(async () => {
    redisServer = await startRedisServer();
    redis = new Redis(redisServer.url);
    fr = await startFreeRadius({ secret: SECRET });
  });
  afterAll(async () => {
    redis?.disconnect();
    await fr?.stop();
    await redisServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const ofNas = (nas: string): DetailRecord[] => fr.records().filter((r) => r.get('NAS-Identifier') === nas);
  const statuses = (nas: string): string[] => ofNas(nas).map((r) => r.get('Acct-Status-Type')!);
  const count = (nas: string, status: string): number => statuses(nas).filter((s) => s === status).length;

  it('dxgw run: a new site announces once; a restart on the kept store does not; a lost store announces again; Off once no binding remains', { timeout: 120_000 }, async () => {
    const nas = 'dxgw-acct-on';
    const path = writeConfig(dir, {
      site: 'acct-on',
      redis: { url: redisServer.url },
      api: { listen: `127.0.0.1:${await freePort()}` },
      retry: { attempts: 5, backoffMs: 50, maxBackoffMs: 200 },
      sinks: [{ name: 'acct', type: 'radius', nasIdentifier: nas, nasIp: '192.0.2.254', timeoutMs: 1000, servers: [{ host: '127.0.0.1', port: fr.port, secret: SECRET }] }],
    });
    // Five subscribers that stay; the same five and three more; the five again, then released.
    const five = join(dir, 'five.pcap');
    const eight = join(dir, 'eight.pcap');
    const released = join(dir, 'released.pcap');
    writeFileSync(five, syntheticCapture({ clients: 5 }));
    writeFileSync(eight, syntheticCapture({ clients: 8 }));
    writeFileSync(released, syntheticCapture({ clients: 5, releaseEvery: 1 }));
    const run = async (capture: string): Promise<void> => {
      const daemon = startDaemon(['--config', path, '--replay', capture, '--speed', 'max', '--exit-when-idle']);
      expect(await daemon.exited, daemon.log()).toBe(0);
    };

    // A new site: one Accounting-On, before the first Start; bindings remain, so no Off.
    await run(five);
    expect(statuses(nas)).toEqual(['Accounting-On', 'Start', 'Start', 'Start', 'Start', 'Start']);
    expect(await redis.hexists(announcementsKey('acct-on'), announcementField({ name: 'acct', nasIdentifier: nas, nasIp: '192.0.2.254' }))).toBe(1);

    // Restart on the kept store: the three new subscribers' Starts, and no Accounting-On.
    await run(eight);
    expect(count(nas, 'Start')).toBe(8);
    expect(count(nas, 'Accounting-On')).toBe(1);
    expect(count(nas, 'Accounting-Off')).toBe(0);

    // The store is lost: its sessions are unknown now, so the NAS announces itself again, first.
    await redis.flushall();
    const before = ofNas(nas).length;
    await run(five);
    expect(statuses(nas).slice(before)).toEqual(['Accounting-On', 'Start', 'Start', 'Start', 'Start', 'Start']);

    // Every subscriber released: the store holds no binding, so the stop says Accounting-Off, last.
    await run(released);
    expect(count(nas, 'Stop')).toBe(5);
    expect(count(nas, 'Accounting-On')).toBe(2);
    expect(statuses(nas).at(-1)).toBe('Accounting-Off');
    expect(count(nas, 'Accounting-Off')).toBe(1);
    expect(await new RedisLeaseStore(redis, 'acct-on').count()).toBe(0);
  });

  it('the marker is written only once a server acknowledged the Accounting-On, which stays owed until then', { timeout: 30_000 }, async () => {
    const peer = await UdpPeer.start(SECRET); // silent at first
    const config: RadiusSinkConfig = {
      name: 'owed',
      type: 'radius',
      events: ['address-added', 'address-renewed', 'address-deleted'],
      servers: [{ host: '127.0.0.1', port: peer.port, secret: SECRET }],
      nasIdentifier: 'dxgw-owed',
      nasIp: '192.0.2.253',
      interim: true,
      timeoutMs: 200,
      retries: 0,
      accountingOnOff: true,
      nasPortType: 'Ethernet',
    };
    const store = new RedisLeaseStore(redis, 'owed');
    const announcements = redisAnnouncements(redis, 'owed', config, store);
    const sink = new RadiusSink(config, { timeoutMs: 200, retries: 0, bindAddress: '127.0.0.1', announcements });
    try {
      await expect(sink.start()).rejects.toMatchObject({ code: 'DXGW_RADIUS_TIMEOUT' });
      expect(await announcements.announced()).toBe(false);
      peer.policy = (req, _i, self) => self.answer(req);
      await sink.deliver(added(binding({ sessionId: 'owed-1' })), { attempt: 2, maxAttempts: 5, signal: new AbortController().signal });
      expect(peer.received.map((r) => r.decoded.attributes['Acct-Status-Type'])).toEqual(['Accounting-On', 'Accounting-On', 'Start']);
      expect(await announcements.announced()).toBe(true);
      // Another NAS identity on the same store has not announced itself.
      expect(await redisAnnouncements(redis, 'owed', { ...config, nasIp: '192.0.2.250' }, store).announced()).toBe(false);
      expect(await redisAnnouncements(redis, 'owed', { ...config, name: 'renamed' }, store).announced()).toBe(false);
      await sink.stop();
      // The next start finds the marker: no Accounting-On. Site 'owed' holds no binding, so the stop says Accounting-Off.
      const again = new RadiusSink(config, { timeoutMs: 200, retries: 0, bindAddress: '127.0.0.1', announcements });
      await again.start();
      await again.stop();
      expect(peer.received.map((r) => r.decoded.attributes['Acct-Status-Type'])).toEqual(['Accounting-On', 'Accounting-On', 'Start', 'Accounting-Off', 'Accounting-Off']);
    } finally {
      await sink.stop();
      await peer.close();
    }
  });

  it('accountingOnOff: false never announces, whatever the store', async () => {
    const sink = new RadiusSink(
      { name: 'quiet', type: 'radius', events: ['address-added'], servers: [{ host: '127.0.0.1', port: fr.port, secret: SECRET }], nasIdentifier: 'dxgw-quiet', nasIp: '192.0.2.252', interim: true, timeoutMs: 500, retries: 0, accountingOnOff: false, nasPortType: 'Ethernet' },
      { accountingOnOff: false, announcements: redisAnnouncements(redis, 'quiet', { name: 'quiet', nasIdentifier: 'dxgw-quiet', nasIp: '192.0.2.252' }, new RedisLeaseStore(redis, 'quiet')) },
    );
    await sink.start();
    const before = fr.records().length;
    await sink.deliver(added(binding({ sessionId: 'quiet-1' })), { attempt: 1, maxAttempts: 5, signal: new AbortController().signal });
    await sink.stop();
    await fr.waitForRecords(before + 1);
    expect(statuses('dxgw-quiet')).toEqual(['Start']);
    expect(await redis.exists(announcementsKey('quiet'))).toBe(0);
  });
});
