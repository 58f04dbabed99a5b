/**
 * RFC 5176 inside `dxgw run`: radclient's Disconnect-Request ends a subscriber with reason
 * `disconnected` (HTTP event, RADIUS Stop with Admin-Reset); a CoA-Request changes its profile
 * and the change goes northbound as interface-changed; a forged request changes nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dxgw } from '../helpers/cli.js';
import { startDaemon, waitFor, writeConfig, type Daemon } from '../helpers/daemon.js';
import { FIXTURE_DIR } from '../helpers/fixtures.js';
import { startFreeRadius, type FreeRadius } from '../helpers/freeradius.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { freePort, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { freeUdpPort } from '../helpers/snmp-tools.js';
import { requireTool } from '../helpers/tools.js';

const DAE_SECRET = 'dae-secret-1';

async function radclient(port: number, type: 'disconnect' | 'coa', secret: string, attributes: string): Promise<{ stdout: string; code: number }> {
  const child = execFile('radclient', ['-x', '-t', '2', '-r', '1', `127.0.0.1:${port}`, type, secret]);
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stdout += d));
  child.stdin!.end(`${attributes}\n`);
  const code = await new Promise<number>((r) => child.once('exit', (c) => r(c ?? 1)));
  return { stdout, code };
}

describe.runIf(requireTool('radclient') && requireTool('redis-server') && requireTool('freeradius'))('dxgw run with the dae role', () => {
  let redis: RedisServer;
  let radius: FreeRadius;
  let receiver: HttpReceiver;
  let daemon: Daemon;
  let config: string;
  let daePort: number;
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-dae-run-'));

  beforeAll(async () => {
    redis = await startRedisServer();
    radius = await startFreeRadius({ secret: 'acct-secret' });
    receiver = await startHttpReceiver('s');
    daePort = await freeUdpPort();
    config = writeConfig(dir, {
      site: 'daerun',
      redis: { url: redis.url },
      api: { listen: `127.0.0.1:${await freePort()}` },
      dae: { enabled: true, listen: `127.0.0.1:${daePort}`, clients: [{ address: '127.0.0.1', secret: DAE_SECRET }] },
      sinks: [
        { name: 'sae', type: 'http', url: receiver.url, secret: 's' },
        { name: 'acct', type: 'radius', nasIdentifier: 'dxgw-dae', nasIp: '127.0.0.1', servers: [{ host: '127.0.0.1', port: radius.port, secret: 'acct-secret' }] },
      ],
    });
    daemon = startDaemon(['--config', config, '--replay', join(FIXTURE_DIR, 'many-clients.pcap'), '--speed', 'max']);
    await waitFor('activated subscribers delivered', () => receiver.delivered().filter((r) => r.event.type === 'address-added').length >= 3, 60_000);
  }, 90_000);
  afterAll(async () => {
    await daemon?.stop();
    await receiver?.close();
    await radius?.stop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a forged Disconnect (wrong secret) is not answered and changes nothing', async () => {
    const victim = receiver.delivered().find((r) => r.event.type === 'address-added')!.event.subscriber.ip;
    const r = await radclient(daePort, 'disconnect', 'wrong-secret', `Framed-IP-Address = ${victim}`);
    expect(r.stdout).not.toMatch(/Disconnect-ACK/);
    expect(dxgw(['bindings', 'show', victim, '--config', config]).status).toBe(0);
    expect(daemon.log()).toMatch(/authenticator|secret/i);
  });

  it('CoA changes the profile; Disconnect ends the subscriber with Admin-Reset', { timeout: 60_000 }, async () => {
    const added = receiver.delivered().find((r) => r.event.type === 'address-added')!.event as unknown as { subscriber: { ip: string }; sessionId: string };
    const ip = added.subscriber.ip;
    const coa = await radclient(daePort, 'coa', DAE_SECRET, `Acct-Session-Id = "${added.sessionId}", ERX-Service-Bundle = "gold"`);
    expect(coa.stdout, coa.stdout).toMatch(/CoA-ACK/);
    await waitFor('interface-changed delivered', () => receiver.delivered().some((r) => r.event.type === 'interface-changed' && r.event.subscriber.ip === ip), 20_000);
    const changed = receiver.delivered().find((r) => r.event.type === 'interface-changed')!.event as unknown as { attributes: Record<string, string> };
    expect(changed.attributes['ERX-Service-Bundle']).toBe('gold');
    const disconnect = await radclient(daePort, 'disconnect', DAE_SECRET, `Framed-IP-Address = ${ip}`);
    expect(disconnect.stdout).toMatch(/Disconnect-ACK/);
    await waitFor('deletion delivered', () => receiver.delivered().some((r) => r.event.subscriber.ip === ip && r.event.reason === 'disconnected'), 20_000);
    await waitFor('RADIUS Stop', () => radius.records().some((r) => r.get('Acct-Status-Type') === 'Stop' && r.get('Framed-IP-Address') === ip && r.get('Acct-Terminate-Cause') === 'Admin-Reset'), 20_000);
    const gone = await radclient(daePort, 'disconnect', DAE_SECRET, `Framed-IP-Address = ${ip}`);
    expect(gone.stdout).toMatch(/Disconnect-NAK/);
    expect(gone.stdout).toMatch(/Session-Context-Not-Found/);
  });
});
