/**
 * `dxgw run` delivering to a real FreeRADIUS and an HTTP receiver: the fixtures replayed
 * through the whole daemon, SIGKILL mid-delivery, and the bad-input cases of issue 4.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { syntheticCapture } from '../../src/testing/synthetic-capture.js';
import { dxgw } from '../helpers/cli.js';
import { startDaemon, waitFor, writeConfig } from '../helpers/daemon.js';
import { fixtureFiles } from '../helpers/fixtures.js';
import { startFreeRadius, type FreeRadius } from '../helpers/freeradius.js';
import { orderedPerLane, startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { freePort, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireTool } from '../helpers/tools.js';

const SECRET = 'sae-secret';
const RADIUS_SECRET = 'radius-secret-1';


describe.runIf(requireTool('redis-server') && requireTool('freeradius'))('dxgw run: delivery to FreeRADIUS and an HTTP receiver', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let radius: FreeRadius;
  let receiver: HttpReceiver;
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-daemon-'));

  beforeAll(async () => {
    redisServer = await startRedisServer();
    redis = new Redis(redisServer.url);
    radius = await startFreeRadius({ secret: RADIUS_SECRET });
  });
  afterAll(async () => {
    redis?.disconnect();
    await radius?.stop();
    await redisServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await receiver?.close();
    await redis.flushall();
  });

  async function config(overrides: { http?: object; radiusSecret?: string; retry?: object; radius?: object } = {}) {
    return writeConfig(dir, {
      site: 'e2e',
      redis: { url: redisServer.url },
      api: { listen: `127.0.0.1:${await freePort()}` },
      retry: { attempts: 5, backoffMs: 50, maxBackoffMs: 200, ...overrides.retry },
      sinks: [
        { name: 'sae', type: 'http', url: receiver.url, secret: SECRET, timeoutMs: 2000, ...overrides.http },
        { name: 'acct', type: 'radius', nasIdentifier: 'dxgw-e2e', nasIp: '127.0.0.1', servers: [{ host: '127.0.0.1', port: radius.port, secret: overrides.radiusSecret ?? RADIUS_SECRET }], ...overrides.radius },
      ],
    });
  }

  it('replaying the real-peer fixtures delivers every HTTP event once in order, and one Start and Stop per session', { timeout: 240_000 }, async () => {
    receiver = await startHttpReceiver(SECRET);
    const path = await config();
    const before = radius.records().length;
    // The dnsmasq capture's other formats are the same traffic (same session ids): once is enough.
    for (const fixture of fixtureFiles().filter((f) => !/dnsmasq-dora-ping-renew-release\.(nsec|be|raw)\.pcap$|dnsmasq-dora-ping-renew-release\.pcapng$/.test(f))) {
      const daemon = startDaemon(['--config', path, '--replay', fixture, '--speed', 'max', '--exit-when-idle']);
      expect(await daemon.exited, daemon.log()).toBe(0);
    }
    const store = new RedisLeaseStore(redis, 'e2e');
    const outbox = await store.readOutbox('0', 100_000);
    expect(outbox.length).toBeGreaterThan(50);
    const delivered = receiver.delivered();
    expect(delivered.map((r) => r.event.id).sort()).toEqual(outbox.map((e) => e.event.id).sort());
    expect(receiver.requests.length).toBe(delivered.length);
    expect(orderedPerLane(delivered)).toBe(true);

    const records = radius.records().slice(before);
    const byStatus = (status: string) => records.filter((r) => r.get('Acct-Status-Type') === status);
    expect(byStatus('Accounting-On').length).toBeGreaterThanOrEqual(1);
    const sessions = new Map<string, string[]>();
    for (const r of records) {
      const id = r.get('Acct-Session-Id');
      const status = r.get('Acct-Status-Type')!;
      // Accounting-On/Off carry a session id of their own (the NAS's), not a subscriber's.
      if (id && status !== 'Accounting-On' && status !== 'Accounting-Off') sessions.set(id, [...(sessions.get(id) ?? []), status]);
    }
    const activated = outbox.filter((e) => e.event.type === 'address-added');
    const ended = outbox.filter((e) => e.event.type === 'address-deleted');
    const renewed = outbox.filter((e) => e.event.type === 'address-renewed');
    // Per session: as many Starts as address-added events and Stops as address-deleted
    // (captures recorded twice at once, e.g. on two link types, carry the same sessions).
    const countOf = (list: typeof outbox, id: string) => list.filter((e) => e.event.sessionId === id).length;
    for (const e of activated) {
      const statuses = sessions.get(e.event.sessionId) ?? [];
      expect(statuses.filter((s) => s === 'Start'), e.event.subscriber.ip).toHaveLength(countOf(activated, e.event.sessionId));
      expect(statuses.filter((s) => s === 'Stop'), e.event.subscriber.ip).toHaveLength(countOf(ended, e.event.sessionId));
    }
    expect(sessions.size).toBe(new Set(activated.map((e) => e.event.sessionId)).size);
    expect(byStatus('Stop')).toHaveLength(ended.length);
    expect(byStatus('Interim-Update')).toHaveLength(renewed.length);
    // FreeRADIUS decoded every attribute by name, ERX vendor attributes included.
    const start = byStatus('Start').find((r) => r.get('ERX-Dhcp-Gi-Address') === '192.0.2.1')!;
    for (const name of ['User-Name', 'NAS-IP-Address', 'NAS-Identifier', 'NAS-Port-Id', 'Framed-IP-Address', 'Calling-Station-Id', 'Event-Timestamp', 'ERX-Virtual-Router-Name', 'ERX-Dhcp-Mac-Addr', 'ERX-Dhcp-Options', 'ERX-Dhcp-Option-82']) {
      expect(start.get(name), name).toBeDefined();
    }
    const stop = byStatus('Stop').find((r) => r.get('Acct-Terminate-Cause') === 'User-Request')!;
    expect(stop.get('Acct-Session-Time')).toBeDefined();
  });

  it('loses nothing when killed with SIGKILL mid-delivery and restarted', { timeout: 180_000 }, async () => {
    // A slow receiver keeps deliveries in flight when the kill comes.
    receiver = await startHttpReceiver(SECRET);
    const capture = join(dir, 'load.pcap');
    writeFileSync(capture, syntheticCapture({ clients: 300, releaseEvery: 2 }));
    const path = await config();
    let slow = true;
    receiver.behave(() => (slow ? 'hang' : { status: 200 }));
    const first = startDaemon(['--config', path, '--replay', capture, '--speed', 'max']);
    await waitFor('deliveries in flight', () => receiver.requests.length >= 5);
    slow = false;
    receiver.behave(() => ({ status: 200 }));
    await waitFor('some delivered', () => receiver.delivered().length >= 50);
    first.child.kill('SIGKILL');
    await first.exited;
    const total = Number(await redis.xlen('{dxgw:e2e}:outbox'));
    expect(receiver.delivered().length).toBeLessThan(total);
    const second = startDaemon(['--config', path, '--roles', 'delivery,api']);
    try {
      await waitFor('everything delivered after the restart', () => receiver.delivered().length >= total, 120_000);
    } finally {
      await second.stop();
    }
    const ids = receiver.delivered().map((r) => r.event.id);
    expect(new Set(ids).size).toBe(total);
    // Duplicates are only re-sends of an event whose answer the kill cut off: same id.
    expect(orderedPerLane(receiver.delivered())).toBe(true);
  });

  it('reports a hanging sink, an unreachable one and a wrong RADIUS secret in the job, never dropping', { timeout: 120_000 }, async () => {
    receiver = await startHttpReceiver(SECRET, () => 'hang');
    const path = await config({ http: { timeoutMs: 300 }, radiusSecret: 'wrong-secret', radius: { timeoutMs: 300, retries: 1 }, retry: { attempts: 2, backoffMs: 20, maxBackoffMs: 40 } });
    const fixture = fixtureFiles().find((f) => f.endsWith('dnsmasq-dora-ping-renew-release.pcap'))!;
    const daemon = startDaemon(['--config', path, '--replay', fixture, '--speed', 'max', '--exit-when-idle']);
    expect(await daemon.exited, daemon.log()).toBe(0);
    const failed = dxgw(['notifications', 'list', '--state', 'failed', '--json', '--config', path]);
    expect(failed.status, failed.stderr).toBe(0);
    const jobs = failed.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(jobs.some((j) => j.sink === 'sae' && /^DXGW_HTTP_TIMEOUT: .*no answer within 300 ms/.test(j.lastError))).toBe(true);
    expect(jobs.some((j) => j.sink === 'acct' && /^DXGW_RADIUS_TIMEOUT: .*no Accounting-Response/.test(j.lastError))).toBe(true);
    expect(daemon.log()).toMatch(/notification failed for good/);

    // Unreachable: nobody listens on the port.
    const closed = await freePort();
    const path2 = await config({ http: { url: `http://127.0.0.1:${closed}/x` }, retry: { attempts: 1, backoffMs: 20, maxBackoffMs: 40 } });
    await redis.flushall();
    const again = startDaemon(['--config', path2, '--replay', fixture, '--speed', 'max', '--exit-when-idle']);
    expect(await again.exited, again.log()).toBe(0);
    const list = dxgw(['notifications', 'list', '--state', 'failed', '--sink', 'sae', '--json', '--config', path2]);
    expect(list.stdout).toMatch(/DXGW_HTTP_UNREACHABLE: .*ECONNREFUSED/);
  });

  it('refuses a malformed sink URL at start, naming the key', () => {
    const bad = writeConfig(dir, { sinks: [{ name: 'sae', type: 'http', url: 'not a url', secret: 'x' }] }, 'bad.yaml');
    const result = dxgw(['run', '--config', bad]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/DXGW_CONFIG_INVALID: sinks\[0\]\.url/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('the CLI retries failed notifications after the sink is fixed', { timeout: 120_000 }, async () => {
    receiver = await startHttpReceiver(SECRET, () => ({ status: 400 }));
    const path = await config();
    const fixture = fixtureFiles().find((f) => f.endsWith('dhcpd-dora-ping-renew-release.pcap'))!;
    const daemon = startDaemon(['--config', path, '--replay', fixture, '--speed', 'max']);
    try {
      // Five events, in as many jobs as the bridge's rounds made (a job carries up to 32).
      const failedJobs = () => dxgw(['notifications', 'list', '--state', 'failed', '--sink', 'sae', '--json', '--config', path]).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { eventIds: string[] });
      await waitFor('failed notifications', () => failedJobs().reduce((n, j) => n + j.eventIds.length, 0) >= 5);
      const jobs = failedJobs().length;
      // The failures show in the metrics, by sink and stable code.
      const api = (parse(readFileSync(path, 'utf8')) as { api: { listen: string } }).api.listen;
      const metrics = await (await fetch(`http://${api}/metrics`)).text();
      expect(metrics).toMatch(/dxgw_notification_attempts_failed_total\{sink="sae",code="DXGW_HTTP_400"\} [1-9]/);
      expect(metrics).toMatch(/dxgw_notifications_failed_total\{sink="sae"\} [1-9]/);
      expect(metrics).toMatch(/dxgw_queue_jobs\{sink="sae",state="failed"\} [1-9]/);
      expect(metrics).toMatch(/dxgw_redis_up 1/);
      expect((await fetch(`http://${api}/readyz`)).status).toBe(200);
      receiver.behave(() => ({ status: 200 }));
      const retry = dxgw(['notifications', 'retry', '--all', '--sink', 'sae', '--config', path]);
      expect(retry.stdout).toContain(`retrying ${jobs} notification`);
      await waitFor('delivered after the retry', () => receiver.delivered().length >= 5);
      expect(orderedPerLane(receiver.delivered())).toBe(true);
      // Latency runs from when dxgw committed the event, not from the (old) capture's clock.
      const after = await (await fetch(`http://${api}/metrics`)).text();
      const count = Number(/dxgw_notification_latency_seconds_count\{sink="sae"\} (\d+)/.exec(after)?.[1]);
      expect(count).toBeGreaterThanOrEqual(5);
      expect(after).toContain(`dxgw_notification_latency_seconds_bucket{le="120",sink="sae"} ${count}`);
    } finally {
      await daemon.stop();
    }
  });
});
