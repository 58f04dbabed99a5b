/**
 * The two capture handles live (docs/adr/0006), on a veth whose far end sits in a network
 * namespace of this run: tcpreplay sends relay-style ACKs and data frames from there, dxgw
 * captures the near end. Shows that
 * (a) in ack mode there is no data handle and the DHCP handle reads DHCP only,
 * (b) in first-packet mode a flood from addresses outside the pending set never reaches the
 *     data handle, while a pending subscriber's packet still activates it,
 * (c) frames and drops per handle in /metrics, and a drop episode of the data handle as one
 *     dxgwCaptureDropping and one dxgwCaptureDropsCleared trap, plus a log warning.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pcapHeader, pcapRecord } from '../../src/capture/pcap-writer.js';
import { buildEthernet, buildIpv4, dhcpFrame, ip, u32 } from '../../src/testing/frames.js';
import { DXGW } from '../helpers/cli.js';
import { startDaemon, waitFor, writeConfig, type Daemon } from '../helpers/daemon.js';
import { freePort, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { startTrapd, type Trapd } from '../helpers/snmp-tools.js';
import { requireTool } from '../helpers/tools.js';

const run = promisify(execFile);
const canRun = ['ip', 'tcpreplay', 'redis-server', 'snmptrapd'].every(requireTool) && process.getuid?.() === 0;
if (process.env.CI && !canRun) throw new Error('the capture-handle tests need root, ip and tcpreplay in CI');

const mac = (i: number) => `02:0a:00:00:00:${i.toString(16).padStart(2, '0')}`;
const ack = (i: number, addr: string) =>
  dhcpFrame(
    { op: 2, xid: 0x5000 + i, yiaddr: addr, giaddr: '192.0.2.1', chaddr: mac(i), options: [[53, [5]], [54, ip('198.51.100.1')], [51, u32(3600)], [1, ip('255.0.0.0')]] },
    { src: '198.51.100.1', dst: '192.0.2.1', srcPort: 67, dstPort: 67, srcMac: '02:64:00:00:00:01', dstMac: '02:64:00:00:00:02' },
  );
const data = (src: string, srcMac: string) => buildEthernet(buildIpv4(Buffer.alloc(64), { protocol: 17, src, dst: '198.51.100.9', srcPort: 40000, dstPort: 9 }), { srcMac, dstMac: '02:64:00:00:00:02' });

describe.runIf(canRun)('capture handles (live, network namespace)', () => {
  const id = `${process.pid % 1000}${Math.floor(Math.random() * 1000)}`;
  const ns = `dxa${id}`;
  const near = `dxa${id}c`;
  const far = `dxa${id}s`;
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-handles-'));
  let redis: RedisServer;
  let trapd: Trapd;
  let n = 0;

  /** Sends `frames` from the far end (tcpreplay, as fast as it can). */
  async function send(frames: Buffer[], loops = 1): Promise<void> {
    const file = join(dir, `send-${++n}.pcap`);
    writeFileSync(file, Buffer.concat([pcapHeader(1), ...frames.map((f, i) => pcapRecord({ seconds: 1_800_000_000, nanos: i * 1000, data: f }))]));
    await run('ip', ['netns', 'exec', ns, 'tcpreplay', '-q', '--topspeed', `--loop=${loops}`, '-i', far, file]);
  }

  async function metric(api: string, name: string, handle: string): Promise<number | undefined> {
    const text = await (await fetch(`${api}/metrics`)).text();
    const m = new RegExp(`^${name}\\{handle="${handle}"\\} (\\S+)$`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  }

  async function bindings(config: string): Promise<Array<{ ip: string; state: string }>> {
    const r = await run(process.execPath, [DXGW, 'bindings', 'list', '--json', '--config', config]);
    return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }

  async function daemon(site: string, extra: { activation: object; capture?: object; sinks?: object[] }): Promise<{ d: Daemon; api: string; config: string }> {
    const port = await freePort();
    const config = writeConfig(
      dir,
      {
        site,
        redis: { url: redis.url },
        api: { listen: `127.0.0.1:${port}` },
        capture: { interface: near, subscriberPrefixes: ['10.0.0.0/8'], ...extra.capture },
        activation: extra.activation,
        ...(extra.sinks ? { sinks: extra.sinks } : {}),
      },
      `${site}.yaml`,
    );
    const d = startDaemon(['--config', config]);
    const api = `http://127.0.0.1:${port}`;
    await waitFor('the daemon up', async () => (await fetch(`${api}/healthz`).catch(() => undefined))?.ok === true, 30_000);
    return { d, api, config };
  }

  beforeAll(async () => {
    execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', ['link', 'add', near, 'type', 'veth', 'peer', 'name', far]);
    execFileSync('ip', ['link', 'set', far, 'netns', ns]);
    // No IPv6 on the near end: nothing but what the test sends crosses the link.
    execFileSync('sysctl', ['-qw', `net.ipv6.conf.${near}.disable_ipv6=1`]);
    execFileSync('ip', ['link', 'set', near, 'up']);
    execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', far, 'up']);
    redis = await startRedisServer();
    trapd = await startTrapd({ communities: ['traps'] });
  }, 60_000);
  afterAll(async () => {
    await trapd?.stop();
    await redis?.stop();
    execFileSync('ip', ['link', 'del', near], { stdio: 'ignore' });
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('(a) ack mode: no data handle; the DHCP handle reads only DHCP', { timeout: 120_000 }, async () => {
    const { d, api, config } = await daemon('acks', { activation: { mode: 'ack' } });
    try {
      // Data first, from the very subscribers and from elsewhere; the ACKs after them on the same wire.
      await send([...Array.from({ length: 500 }, (_, i) => data(`10.0.1.${(i % 3) + 1}`, mac((i % 3) + 1))), ...Array.from({ length: 500 }, (_, i) => data(`10.9.0.${(i % 200) + 1}`, mac(99)))]);
      await send([1, 2, 3].map((i) => ack(i, `10.0.1.${i}`)));
      await waitFor('3 active bindings', async () => (await bindings(config)).filter((b) => b.state === 'active').length === 3, 30_000);
      await waitFor('the DHCP handle counted', async () => (await metric(api, 'dxgw_capture_frames', 'dhcp')) === 3, 10_000);
      expect(await metric(api, 'dxgw_capture_frames', 'data')).toBeUndefined();
      expect(await metric(api, 'dxgw_capture_drops', 'dhcp')).toBe(0);
      // Only the capture worker: no data-handle process exists.
      expect(descendants(d.child.pid!).filter((p) => p.includes('data-capture-worker'))).toEqual([]);
    } finally {
      await d.stop();
    }
  });

  it('(b, c) first-packet: a flood from outside the pending set never reaches the data handle; a pending subscriber still activates; drops per handle become traps', { timeout: 180_000 }, async () => {
    const sinks = [{ name: 'nms', type: 'snmp', events: ['address-deleted'], targets: [{ host: '127.0.0.1', port: trapd.port, community: 'traps' }] }];
    const { d, api, config } = await daemon('first', { activation: { mode: 'first-packet' }, capture: { dataBufferSize: 1024 * 1024, dropsClearedAfterMs: 1000 }, sinks });
    try {
      await send([1, 2, 3].map((i) => ack(i, `10.0.2.${i}`)));
      await waitFor('3 bound bindings', async () => (await bindings(config)).filter((b) => b.state === 'bound').length === 3, 30_000);
      // 100,000 frames from subscriber prefixes, none of them pending (one filter for both would take them all).
      await send(Array.from({ length: 1000 }, (_, i) => data(`10.7.${i >> 8}.${i & 255}`, mac(77))), 100);
      // The pending subscriber's packet: resent until it has activated (the filter follows the set within ~100 ms).
      await waitFor('10.0.2.1 active', async () => {
        await send([data('10.0.2.1', mac(1))]);
        return (await bindings(config)).some((b) => b.ip === '10.0.2.1' && b.state === 'active');
      }, 30_000);
      await waitFor('data handle stats', async () => (await metric(api, 'dxgw_capture_frames', 'data')) !== undefined && (await metric(api, 'dxgw_capture_frames', 'data'))! >= 1, 10_000);
      const dataFrames = (await metric(api, 'dxgw_capture_frames', 'data'))!;
      expect(dataFrames).toBeLessThan(50);
      expect(await metric(api, 'dxgw_capture_frames', 'dhcp')).toBe(3);
      expect((await bindings(config)).filter((b) => b.state === 'bound').map((b) => b.ip).sort()).toEqual(['10.0.2.2', '10.0.2.3']);

      // (c) Drops: stop the data-handle process, flood from a pending subscriber into its 1 MiB buffer, let it go on.
      const worker = descendants(d.child.pid!).find((p) => p.includes('data-capture-worker'));
      expect(worker).toBeDefined();
      const pid = Number(worker!.trim().split(/\s+/)[0]);
      process.kill(pid, 'SIGSTOP');
      try {
        await send(Array.from({ length: 1000 }, () => data('10.0.2.2', mac(2))), 50);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      await waitFor('data drops in /metrics', async () => ((await metric(api, 'dxgw_capture_drops', 'data')) ?? 0) > 0, 30_000);
      expect(await metric(api, 'dxgw_capture_drops', 'dhcp')).toBe(0);
      const dropping = await trapd.waitFor((l) => l.includes('DXGW-MIB::dxgwCaptureDropping'), 30_000);
      expect(dropping).toContain('dxgwNotifyCaptureHandle.0 = INTEGER: data(2)');
      const cleared = await trapd.waitFor((l) => l.includes('DXGW-MIB::dxgwCaptureDropsCleared'), 30_000);
      expect(cleared).toContain('dxgwNotifyCaptureHandle.0 = INTEGER: data(2)');
      const drops = Number(/dxgwNotifyCaptureDrops\.0 = Gauge32: (\d+)/.exec(cleared)?.[1]);
      expect(drops).toBeGreaterThan(0);
      expect(trapd.lines.filter((l) => l.includes('dxgwCaptureDropping'))).toHaveLength(1);
      expect(d.log()).toMatch(/dropped frames on the data handle/);
      // The flooding subscriber got activated all the same.
      await waitFor('10.0.2.2 active', async () => (await bindings(config)).some((b) => b.ip === '10.0.2.2' && b.state === 'active'), 30_000);
    } finally {
      await d.stop();
    }
  });
});

/** `pid args` lines of every descendant of `pid`. */
function descendants(pid: number): string[] {
  const out: string[] = [];
  const children = (p: number) => {
    let list = '';
    try {
      list = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8');
    } catch {
      return;
    }
    for (const c of list.trim().split(/\s+/).filter(Boolean).map(Number)) {
      const args = readFileSync(`/proc/${c}/cmdline`, 'utf8').split('\0').join(' ');
      out.push(`${c} ${args}`);
      children(c);
    }
  };
  children(pid);
  return out;
}
