/**
 * End to end, live (issue 6): Kea with a 20 s lease (renew-timer 5 s) behind ISC dhcrelay,
 * `dxgw run` capturing on the relay's up0. Subscribers that vanish (kill -9, namespace
 * gone) expire on the shadow lease's timer; dxgw is restarted mid-way and must keep the
 * bindings and their timers; Redis is killed and restarted from its AOF and the daemon must
 * reconnect and deliver what happened meanwhile. Nothing is lost or repeated: per address,
 * the delivered seq runs 1, 2, 3 … without a gap.
 */
import type { FreeRadius } from '../helpers/freeradius.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFile, type Daemon, e2eCanRun, Lab, macHex, PORTS, type Receiver, sleep, waitUntil, type SaeRecord } from './lab.js';

const SECRET = 'sae-e2e-secret';
const RADIUS_SECRET = 'radius-e2e-secret';
const LEASE = 20;

const canRun = e2eCanRun(['kea-dhcp4', 'dhclient']);

describe.runIf(canRun)('e2e: Kea, vanishing clients, restarts of dxgw and of Redis', () => {
  const lab = new Lab('dxe2');
  let radius: FreeRadius;
  let receiver: Receiver;
  let daemon: Daemon;
  let config: string;
  /** The dhclient subscriber that keeps renewing through every restart. */
  let dIp = '';
  let dSession = '';

  beforeAll(async () => {
    await lab.script(`lab_up; lab_start_server kea lease=${LEASE} renew=5; lab_start_relay`);
    await lab.startRedis(PORTS.redis);
    receiver = await lab.startReceiver(PORTS.http, SECRET);
    radius = await lab.startFreeRadius(RADIUS_SECRET);
    config = configFile(lab, {
      site: 'e2e2',
      redis: { url: `redis://127.0.0.1:${PORTS.redis}` },
      capture: { interface: 'up0', subscriberPrefixes: ['192.0.2.0/24'] },
      api: { listen: `127.0.0.1:${PORTS.api}` },
      retry: { attempts: 50, backoffMs: 100, maxBackoffMs: 1000 },
      sinks: [
        { name: 'sae', type: 'http', url: receiver.url, secret: SECRET, timeoutMs: 2000 },
        { name: 'acct', type: 'radius', nasIdentifier: 'dxgw-e2e2', nasIp: '192.0.2.1', servers: [{ host: '127.0.0.1', port: radius.port, secret: RADIUS_SECRET }] },
      ],
    });
    daemon = await lab.startDaemon(config);
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop();
    await radius?.stop();
    await lab.down();
  }, 90_000);

  const acct = (status: string, ip: string) => radius.records().filter((r) => r.get('Acct-Status-Type') === status && r.get('Framed-IP-Address') === ip);
  const kinds = (events: Array<SaeRecord['event']>) => events.map((e) => (e.reason ? `${e.type}:${e.reason}` : e.type));

  /** A udhcpc subscriber: lease, first ping, its activation delivered. */
  async function activeUdhcpc(name: string, mac: string): Promise<SaeRecord['event']> {
    await lab.call('lab_client_ns', name, '--mac', mac);
    await lab.call('lab_udhcpc', name);
    const ip = await lab.call('lab_wait_lease', name, '20');
    await lab.call('lab_ping', name);
    await receiver.waitFor(`${name} activated`, () => receiver.forIp(ip).some((e) => e.type === 'address-added'));
    return receiver.forIp(ip).find((e) => e.type === 'address-added')!;
  }

  async function expectExpiry(added: SaeRecord['event'], timeoutMs: number): Promise<void> {
    const ip = added.subscriber.ip;
    await receiver.waitFor(`${ip} expired`, () => receiver.forIp(ip).some((e) => e.type === 'address-deleted'), timeoutMs);
    const deletions = receiver.forIp(ip).filter((e) => e.type === 'interface-deleted' || e.type === 'address-deleted');
    expect(kinds(deletions)).toEqual(['interface-deleted:expired', 'address-deleted:expired']);
    for (const e of deletions) expect(e.sessionId).toBe(added.sessionId);
    // On the lease's timer: not before the shadow lease's end, and not long after it.
    const due = Date.parse(added.lease.expiresAt!);
    const at = Date.parse(deletions[1]!.time);
    expect(at).toBeGreaterThanOrEqual(due);
    expect(at - due).toBeLessThan(3000);
    const stop = await waitUntil(`Stop for ${ip}`, () => acct('Stop', ip)[0], { timeoutMs: 15_000 });
    expect(stop.get('Acct-Session-Id')).toBe(added.sessionId);
    expect(stop.get('Acct-Terminate-Cause')).toBe('Lost-Service');
    expect((await lab.bindings(config)).some((b) => b.ip === ip)).toBe(false);
  }

  it(`a client that vanishes (kill -9, no RELEASE) expires after the ${LEASE} s lease: deletions with reason expired and a Stop`, { timeout: 90_000 }, async () => {
    const added = await activeUdhcpc('v1', '02:00:00:00:e2:01');
    expect(added.lease.seconds).toBe(LEASE);
    expect(added.subscriber.circuitId).toBe(macHex('relay0'));
    await lab.call('lab_client_del', 'v1');
    expect((await lab.bindings(config)).find((b) => b.ip === added.subscriber.ip)?.state).toBe('active');
    await expectExpiry(added, (LEASE + 15) * 1000);
  });

  it('dxgw restarted mid-way (SIGTERM, same config) keeps bindings and timers: a renewal after the restart, an expiry on time', { timeout: 120_000 }, async () => {
    // d1: ISC dhclient, renews by itself every 5 s (unicast to Kea, giaddr 0).
    await lab.call('lab_client_ns', 'd1', '--mac', '02:00:00:00:e2:0d');
    await lab.call('lab_dhclient', 'd1');
    dIp = await lab.call('lab_wait_lease', 'd1', '20');
    await lab.call('lab_ping', 'd1');
    await receiver.waitFor('d1 activated', () => receiver.forIp(dIp).some((e) => e.type === 'address-added'));
    dSession = receiver.forIp(dIp).find((e) => e.type === 'address-added')!.sessionId;
    // v2: activated, then vanishes; its binding must expire although dxgw restarts meanwhile.
    const v2 = await activeUdhcpc('v2', '02:00:00:00:e2:02');
    await lab.call('lab_client_del', 'v2');

    const before = await lab.bindings(config);
    await daemon.stop('SIGTERM');
    const interimsBefore = acct('Interim-Update', dIp).length;
    // While it is down, the bindings are in Redis, as `dxgw bindings` shows.
    const whileDown = await lab.bindings(config);
    expect(whileDown.map((b) => b.ip).sort()).toEqual(before.map((b) => b.ip).sort());
    await sleep(1500);
    const restartedAt = Date.now();
    daemon = await lab.startDaemon(config);

    const after = await lab.bindings(config);
    for (const ip of [dIp, v2.subscriber.ip]) {
      const b = after.find((x) => x.ip === ip);
      expect(b, `${ip} after the restart`).toMatchObject({ state: 'active', interface: { name: `ip${ip.replaceAll('.', '-')}` } });
    }

    // The renewing subscriber: the restarted capture sees its next renewal, same session.
    await receiver.waitFor('d1 renewed after the restart', () => receiver.forIp(dIp).some((e) => e.type === 'address-renewed' && Date.parse(e.time) > restartedAt), 20_000);
    const renewed = receiver.forIp(dIp).filter((e) => e.type === 'address-renewed' && Date.parse(e.time) > restartedAt)[0]!;
    expect(renewed.sessionId).toBe(dSession);
    await waitUntil('Interim-Update for d1 after the restart', () => acct('Interim-Update', dIp).filter((r) => r.get('Acct-Session-Id') === dSession).length > interimsBefore, { timeoutMs: 15_000 });

    // The vanished one: its timer survived the restart.
    await expectExpiry(v2, (LEASE + 15) * 1000);
    // The restart replayed nothing: one activation per subscriber.
    expect(receiver.forIp(dIp).filter((e) => e.type === 'address-added')).toHaveLength(1);
    expect(receiver.forIp(v2.subscriber.ip).filter((e) => e.type === 'address-added')).toHaveLength(1);
  });

  it('Redis killed (-9) and restarted from its AOF: the daemon reconnects and delivers what happened meanwhile', { timeout: 120_000 }, async () => {
    expect(dIp).not.toBe('');
    await lab.killRedis();
    const downAt = Date.now();
    // During the outage: a new subscriber comes (DORA + first packet), d1 keeps renewing.
    await lab.call('lab_client_ns', 'r1', '--mac', '02:00:00:00:e2:11');
    await lab.call('lab_udhcpc', 'r1');
    const rIp = await lab.call('lab_wait_lease', 'r1', '20');
    await lab.call('lab_ping', 'r1');
    await lab.call('lab_wait_event', 'd1', '^renew ', '10', String(lab.clientEvents('d1').filter((l) => l.startsWith('renew ')).length + 1));
    await sleep(Math.max(0, 3000 - (Date.now() - downAt)));
    expect(receiver.forIp(rIp)).toEqual([]);
    await lab.startRedis(PORTS.redis);
    const upAt = Date.now();

    await receiver.waitFor('r1 activation after Redis is back', () => receiver.forIp(rIp).some((e) => e.type === 'address-added'), 30_000);
    expect(kinds(receiver.forIp(rIp))).toEqual(['interface-created', 'address-added']);
    await receiver.waitFor('d1 renewal delivered after Redis is back', () => receiver.forIp(dIp).some((e) => e.type === 'address-renewed' && Date.parse(e.time) > upAt), 20_000);
    const list = await lab.bindings(config);
    expect(list.find((b) => b.ip === dIp)?.state).toBe('active');
    expect(list.find((b) => b.ip === rIp)?.state).toBe('active');

    // And the daemon keeps working normally: a RELEASE now is delivered at once.
    await lab.call('lab_udhcpc_release', 'r1');
    await receiver.waitFor('r1 released', () => receiver.forIp(rIp).some((e) => e.type === 'address-deleted'), 20_000);
    expect(kinds(receiver.forIp(rIp))).toEqual(['interface-created', 'address-added', 'interface-deleted:released', 'address-deleted:released']);
    await waitUntil('Start and Stop for r1', () => acct('Start', rIp).length === 1 && acct('Stop', rIp).length === 1, { timeoutMs: 15_000 });
    expect(daemon.exitCode(), daemon.log()).toBeUndefined();
  });

  it('over all of it, every address got seq 1, 2, 3 … delivered once each, signatures valid', () => {
    const byIp = new Map<string, number[]>();
    for (const e of receiver.events()) byIp.set(e.subscriber.ip, [...(byIp.get(e.subscriber.ip) ?? []), e.seq]);
    expect(byIp.size).toBeGreaterThanOrEqual(4);
    for (const [ip, seqs] of byIp) expect(seqs, ip).toEqual(seqs.map((_, i) => i + 1));
    expect(receiver.all().every((r) => r.signatureOk)).toBe(true);
  });
});
