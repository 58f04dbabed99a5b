/**
 * The SNMP role inside `dxgw run`: after the daemon replays a real capture into Redis,
 * Debian's snmptable shows the bindings `dxgw bindings` shows, and snmpset destroy clears one
 * through the engine (deletion events, delivered to the HTTP sink).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dxgw } from '../helpers/cli.js';
import { startDaemon, waitFor, writeConfig, type Daemon } from '../helpers/daemon.js';
import { FIXTURE_DIR } from '../helpers/fixtures.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { freePort, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { freeUdpPort, MIB_ARGS, runTool, v2c, v3 } from '../helpers/snmp-tools.js';
import { requireTool } from '../helpers/tools.js';

describe.runIf(requireTool('redis-server') && requireTool('snmptable'))('dxgw run with the snmp role', () => {
  let redis: RedisServer;
  let receiver: HttpReceiver;
  let daemon: Daemon;
  let config: string;
  let target: string;
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-snmp-run-'));

  beforeAll(async () => {
    redis = await startRedisServer();
    receiver = await startHttpReceiver('s');
    const port = await freeUdpPort();
    target = `127.0.0.1:${port}`;
    config = writeConfig(dir, {
      site: 'snmprun',
      redis: { url: redis.url },
      api: { listen: `127.0.0.1:${await freePort()}` },
      snmp: { enabled: true, listen: target, communities: ['public'], users: [{ name: 'ops', authProtocol: 'sha256', authKey: 'ops-auth-key', privProtocol: 'aes', privKey: 'ops-priv-key' }] },
      sinks: [{ name: 'sae', type: 'http', url: receiver.url, secret: 's' }],
    });
    daemon = startDaemon(['--config', config, '--replay', join(FIXTURE_DIR, 'many-clients.pcap'), '--speed', 'max']);
    await waitFor('replay in Redis', () => dxgw(['bindings', '--json', '--config', config]).stdout.trim().split('\n').filter(Boolean).length >= 20, 60_000);
  }, 90_000);
  afterAll(async () => {
    await daemon?.stop();
    await receiver?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('snmptable shows the bindings dxgw bindings shows, and destroy clears one', { timeout: 90_000 }, async () => {
    const listed = dxgw(['bindings', '--json', '--config', config]).stdout.trim().split('\n').map((l) => JSON.parse(l));
    let table = '';
    await waitFor('agent mirror caught up', async () => {
      const r = await runTool('snmptable', [...v2c('public'), ...MIB_ARGS, '-Ci', '-Cf', '|', '-Cb', target, 'DXGW-MIB::dxgwBindingTable']);
      table = r.stdout;
      return listed.every((b) => table.includes(`${b.ip}|`) || table.includes(`.${b.ip}|`));
    }, 30_000);
    for (const b of listed) expect(table).toContain(b.ip);
    const victim = listed.find((b) => b.state === 'active') ?? listed[0];
    const vrIndex = [victim.vr.length, ...Buffer.from(victim.vr)].join('.');
    const oid = `DXGW-MIB::dxgwBindingRowStatus.${vrIndex}.${victim.ip}`;
    const set = await runTool('snmpset', [...v3({ user: 'ops', auth: 'SHA-256', authKey: 'ops-auth-key', priv: 'AES', privKey: 'ops-priv-key' }), ...MIB_ARGS, target, oid, 'i', '6']);
    expect(set.code, set.stderr).toBe(0);
    await waitFor('binding gone', () => !dxgw(['bindings', '--json', '--config', config]).stdout.includes(`"ip":"${victim.ip}"`), 10_000);
    if (victim.state === 'active') {
      await waitFor('deletion delivered', () => receiver.delivered().some((r) => r.event.subscriber.ip === victim.ip && r.event.reason === 'cleared'), 30_000);
    }
  });
});
