/**
 * A sink outage through the whole daemon: `dxgw run` delivers to an HTTP receiver that is
 * down, and an SNMP sink sends to a real snmptrapd. N events (written to the store as the
 * engine writes them, so N is known) fail and are given up on; the NMS gets exactly one dxgwDeliveryFailed, and once an operator
 * retries them and they are delivered, exactly one dxgwDeliveryRecovered with the totals.
 * Meanwhile dxgwSinkFailingSince (snmpget, snmptable) and dxgw_sink_failing_since_seconds
 * (/metrics) say since when the sink is failing, and go back to empty / 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { activationEvents } from '../../src/events/drafts.js';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { makeActiveBinding, put } from '../conformance/lease-store.js';
import { startDaemon, waitFor, writeConfig, type Daemon } from '../helpers/daemon.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { freePort, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { freeUdpPort, MIB_ARGS, runTool, startTrapd, v2c, type Trapd } from '../helpers/snmp-tools.js';
import { requireTool } from '../helpers/tools.js';

const SECRET = 'health-secret';
const ATTEMPTS = 2;
const SUBSCRIBERS = 15;
const N = SUBSCRIBERS * 2; // interface-created and address-added each

describe.runIf(requireTool('redis-server') && requireTool('snmptrapd') && requireTool('snmptable'))('a sink outage: one trap when it starts failing, one when it recovers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-sink-health-'));
  let redis: RedisServer;
  let receiver: HttpReceiver;
  let trapd: Trapd;
  let daemon: Daemon;
  let config: string;
  let agent: string;
  let api: string;
  const started = Date.now();

  // Through the REST API, not the CLI: a spawnSync would stall the receiver in this process.
  type Failed = { count: number; notifications: Array<{ eventIds: string[] }> };
  const failed = async (): Promise<Failed> => (await (await fetch(`${api}/api/v1/notifications?state=failed&sink=sae`)).json()) as Failed;
  /** Events in failed notifications (a notification is a job of up to 32 events). */
  const failedEvents = async (): Promise<number> => (await failed()).notifications.reduce((n, j) => n + j.eventIds.length, 0);
  let jobs = 0;
  const traps = (name: string) => trapd.lines.filter((l) => l.includes(`DXGW-MIB::${name}`) && l.includes('dxgwNotifySinkName.0 = STRING: sae'));
  const gaugeValue = async (): Promise<number | undefined> => {
    const text = await (await fetch(`${api}/metrics`)).text();
    const m = /^dxgw_sink_failing_since_seconds\{sink="sae"\} (\S+)$/m.exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const failingSinceCell = async (): Promise<string> => {
    const r = await runTool('snmpget', [...v2c('public'), ...MIB_ARGS, '-Oqv', agent, 'DXGW-MIB::dxgwSinkFailingSince."sae"']);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.trim();
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    receiver = await startHttpReceiver(SECRET, () => ({ status: 503 })); // the SAE is down
    trapd = await startTrapd({ communities: ['traps'] });
    agent = `127.0.0.1:${await freeUdpPort()}`;
    const apiPort = await freePort();
    api = `http://127.0.0.1:${apiPort}`;
    config = writeConfig(dir, {
      site: 'health',
      redis: { url: redis.url },
      api: { listen: `127.0.0.1:${apiPort}` },
      retry: { attempts: ATTEMPTS, backoffMs: 20, maxBackoffMs: 40, failingAfterMs: 300 },
      snmp: { enabled: true, listen: agent, communities: ['public'] },
      sinks: [
        { name: 'sae', type: 'http', url: receiver.url, secret: SECRET, timeoutMs: 10_000 },
        // Only health traps interest this test: no binding notifications.
        { name: 'nms', type: 'snmp', events: ['address-deleted'], targets: [{ host: '127.0.0.1', port: trapd.port, community: 'traps' }] },
      ],
    });
    daemon = startDaemon(['--config', config]);
    await waitFor('the daemon up', async () => (await fetch(`${api}/healthz`).catch(() => undefined))?.ok === true, 30_000);
    // N events of SUBSCRIBERS activations, committed as the lease engine commits them.
    const client = new Redis(redis.url);
    const store = new RedisLeaseStore(client, 'health');
    const now = Date.now();
    for (let i = 1; i <= SUBSCRIBERS; i++) {
      const b = makeActiveBinding({ ip: `192.0.2.${i}`, mac: `02:00:00:00:0a:${i.toString(16).padStart(2, '0')}`, interfaceName: `ip192-0-2-${i}`, leaseStart: now, expiresAt: now + 3_600_000, rev: 1 });
      await store.commit([put(b, 0, activationEvents(b, now))], []);
    }
    client.disconnect();
  }, 60_000);
  afterAll(async () => {
    await daemon?.stop();
    await trapd?.stop();
    await receiver?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('N events given up on: one dxgwDeliveryFailed; failing since in the MIB and /metrics', { timeout: 120_000 }, async () => {
    await waitFor('the failing trap', () => traps('dxgwDeliveryFailed').length > 0, 60_000);
    // The whole outage: every event tried ATTEMPTS times and given up on.
    await waitFor('every event given up on', async () => (await failedEvents()) === N, 60_000);
    jobs = (await failed()).count;
    expect(jobs).toBeGreaterThanOrEqual(1);
    // Each subscriber's first event tried ATTEMPTS times; its second waits behind it, in order.
    expect(receiver.requests).toHaveLength(SUBSCRIBERS * ATTEMPTS);
    expect(receiver.requests.every((r) => r.status === 503)).toBe(true);
    expect(new Set(receiver.requests.map((r) => r.event.id)).size).toBe(SUBSCRIBERS);

    const failing = traps('dxgwDeliveryFailed');
    expect(failing, trapd.output()).toHaveLength(1);
    const failures = Number(/dxgwNotifyFailures\.0 = Gauge32: (\d+)/.exec(failing[0]!)?.[1]);
    expect(failures).toBeGreaterThanOrEqual(1);
    expect(failures).toBeLessThanOrEqual(N * ATTEMPTS);
    expect(failing[0]).toMatch(/dxgwNotifyError\.0 = STRING: DXGW_HTTP_503: HTTP 503/);
    expect(failing[0]).toMatch(/dxgwSinkFailingSince\."sae" = STRING: \d{4}-\d+-\d+,\d+:\d+:\d+\.\d,\+0:0/);

    // The agent refreshes the sink table every second; /metrics is read at scrape time.
    let cell = '';
    await waitFor('dxgwSinkFailingSince set', async () => {
      cell = await failingSinceCell();
      return !['', '""'].includes(cell);
    }, 10_000);
    expect(cell).toMatch(/^\d{4}-\d+-\d+,\d+:\d+:\d+\.\d,\+0:0$/);
    const since = (await gaugeValue())!;
    expect(since * 1000).toBeGreaterThanOrEqual(started - 1000);
    expect(since * 1000).toBeLessThanOrEqual(Date.now());
    expect(await gaugeValue()).toBe(since); // stays put while the sink keeps failing
    const nms = /dxgw_sink_failing_since_seconds\{sink="nms"\} (\S+)/.exec(await (await fetch(`${api}/metrics`)).text());
    expect(nms?.[1]).toBe('0');
    const table = await runTool('snmptable', [...v2c('public'), ...MIB_ARGS, '-Ci', '-Cf', '|', agent, 'DXGW-MIB::dxgwSinkTable']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/dxgwSinkFailingSince/);
    expect(table.stdout).toMatch(/"?sae"?\|.*\|\d{4}-\d+-\d+,[\d:.]+,\+0:0$/m);
    expect(table.stdout).toMatch(/"?nms"?\|.*\|$/m);
  });

  it('the operator retries once the SAE is back: one dxgwDeliveryRecovered with the totals, failing since cleared', { timeout: 120_000 }, async () => {
    receiver.behave(() => ({ status: 200 }));
    const retried = await fetch(`${api}/api/v1/notifications/retry?sink=sae`, { method: 'POST' });
    expect(await retried.json()).toEqual({ retried: jobs });
    await waitFor('every event delivered', () => receiver.delivered().length === N, 60_000);
    await waitFor('the recovered trap', () => traps('dxgwDeliveryRecovered').length > 0, 10_000);

    const recovered = traps('dxgwDeliveryRecovered');
    expect(recovered, trapd.output()).toHaveLength(1);
    // Failed attempts and give-ups count notifications (jobs), each attempt of each job once.
    expect(recovered[0]).toMatch(new RegExp(`dxgwNotifyFailures\\.0 = Gauge32: ${jobs * ATTEMPTS}\\b`));
    expect(recovered[0]).toMatch(new RegExp(`dxgwNotifyGaveUp\\.0 = Gauge32: ${jobs}\\b`));
    expect(recovered[0]).toMatch(/dxgwNotifyFailingSeconds\.0 = Gauge32: \d+ seconds/);
    expect(traps('dxgwDeliveryFailed')).toHaveLength(1);

    await waitFor('dxgwSinkFailingSince empty', async () => ['', '""'].includes(await failingSinceCell()), 10_000);
    expect(await gaugeValue()).toBe(0);
  });
});
