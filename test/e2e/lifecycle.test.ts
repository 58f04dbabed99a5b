/**
 * End to end, live (issue 6): dnsmasq as the external DHCP server, ISC dhcrelay adding option
 * 82 (circuit-id "relay0"), busybox udhcpc and ISC dhclient clients in their own network
 * namespaces, and `dxgw run` capturing live on the relay's server-side port up0 — with
 * Redis, FreeRADIUS, the SAE stand-in and snmptrapd beside it in the relay namespace
 * (test/e2e/lab.ts explains why). One subscriber goes DORA → first data packet → unicast
 * renewal → RELEASE; Debian's snmpwalk reads the binding table meanwhile.
 */
import type { FreeRadius } from '../helpers/freeradius.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFile, type Daemon, e2eCanRun, Lab, macHex, PORTS, type Receiver, type Trapd, waitUntil, type SaeRecord } from './lab.js';

const SECRET = 'sae-e2e-secret';
const RADIUS_SECRET = 'radius-e2e-secret';
const MAC = '02:00:00:00:e1:01';
const DHCLIENT_MAC = '02:00:00:00:e1:02';
const RELAY0 = macHex('relay0'); // 72:65:6c:61:79:30

const canRun = e2eCanRun(['dnsmasq', 'dhclient', 'snmpwalk', 'snmptrapd']);

describe.runIf(canRun)('e2e: dnsmasq, dhcrelay, udhcpc/dhclient → dxgw live → SAE, FreeRADIUS, SNMP', () => {
  const lab = new Lab('dxe1');
  let radius: FreeRadius;
  let receiver: Receiver;
  let trapd: Trapd;
  let daemon: Daemon;
  let config: string;
  let ip = '';
  let sessionId = '';

  beforeAll(async () => {
    await lab.script('lab_up; lab_start_server dnsmasq; lab_start_relay');
    await lab.startRedis(PORTS.redis);
    receiver = await lab.startReceiver(PORTS.http, SECRET);
    radius = await lab.startFreeRadius(RADIUS_SECRET);
    trapd = await lab.startTrapd(PORTS.trap, 'traps');
    config = configFile(lab, settings('up0'));
    daemon = await lab.startDaemon(config);
  }, 120_000);

  function settings(captureInterface: string): object {
    return {
      site: 'e2e1',
      redis: { url: `redis://127.0.0.1:${PORTS.redis}` },
      // up0 carries the relayed DHCP (with option 82), the unicast renewals and the
      // subscribers' routed traffic: the "port between relays and the server".
      capture: { interface: captureInterface, subscriberPrefixes: ['192.0.2.0/24'] },
      trust: { giaddrs: ['192.0.2.1'], servers: ['198.51.100.1'] },
      api: { listen: `127.0.0.1:${PORTS.api}` },
      snmp: { enabled: true, listen: `127.0.0.1:${PORTS.snmp}`, communities: ['public'] },
      retry: { attempts: 20, backoffMs: 100, maxBackoffMs: 2000 },
      sinks: [
        { name: 'sae', type: 'http', url: receiver.url, secret: SECRET, timeoutMs: 2000 },
        { name: 'acct', type: 'radius', nasIdentifier: 'dxgw-e2e1', nasIp: '192.0.2.1', servers: [{ host: '127.0.0.1', port: radius.port, secret: RADIUS_SECRET }] },
        { name: 'nms', type: 'snmp', events: ['address-added', 'address-deleted'], targets: [{ host: '127.0.0.1', port: PORTS.trap, version: '2c', community: 'traps' }] },
      ],
    };
  }

  afterAll(async () => {
    await daemon?.stop();
    await radius?.stop();
    await lab.down();
  }, 90_000);

  const acct = (status: string, framedIp: string) => radius.records().filter((r) => r.get('Acct-Status-Type') === status && r.get('Framed-IP-Address') === framedIp);
  const kinds = (events: Array<SaeRecord['event']>) => events.map((e) => (e.reason ? `${e.type}:${e.reason}` : e.type));

  it('DORA through the relay makes a bound binding; the first ping activates it: interface-created, address-added, Start', { timeout: 60_000 }, async () => {
    await lab.call('lab_client_ns', 'c1', '--mac', MAC);
    await lab.call('lab_udhcpc', 'c1');
    ip = await lab.call('lab_wait_lease', 'c1');
    expect(ip).toMatch(/^192\.0\.2\.\d+$/);

    const bound = await waitUntil('binding listed', async () => (await lab.bindings(config)).find((b) => b.ip === ip), { timeoutMs: 10_000, detail: () => daemon.log() });
    expect(bound).toMatchObject({ state: 'bound', mac: MAC, giaddr: '192.0.2.1' });
    // Not a subscriber yet: no data packet from it, so nothing northbound.
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.forIp(ip)).toEqual([]);
    expect(acct('Start', ip)).toEqual([]);

    await lab.call('lab_ping', 'c1');
    await receiver.waitFor('interface-created and address-added', () => receiver.forIp(ip).length >= 2);
    const events = receiver.forIp(ip);
    expect(kinds(events)).toEqual(['interface-created', 'address-added']);
    const [created, added] = events as [SaeRecord['event'], SaeRecord['event']];
    sessionId = added.sessionId;
    expect(created.sessionId).toBe(sessionId);
    expect([created.seq, added.seq]).toEqual([1, 2]);
    expect(added.subscriber).toMatchObject({ ip, mac: MAC, clientId: `01:${MAC}`, giaddr: '192.0.2.1', serverId: '198.51.100.1', circuitId: RELAY0, remoteId: null });
    expect(added.interface?.name).toBe(`ip${ip.replaceAll('.', '-')}`);
    expect(added.lease.seconds).toBe(120); // dnsmasq's minimum
    expect(added.dhcpOptions).toBeTruthy();
    expect(receiver.all().every((r) => r.signatureOk)).toBe(true);

    const [start] = await waitUntil('RADIUS Start', () => (acct('Start', ip).length ? acct('Start', ip) : undefined), { timeoutMs: 15_000, detail: () => radius.output().slice(-2000) });
    expect(start!.get('Acct-Session-Id')).toBe(sessionId);
    expect(start!.get('Calling-Station-Id')?.toLowerCase()).toBe(MAC);
    expect(start!.get('ERX-Dhcp-Gi-Address')).toBe('192.0.2.1');
    expect(start!.get('NAS-Identifier')).toBe('dxgw-e2e1');
    expect(start!.get('ERX-Dhcp-Option-82')).toBeDefined();

    const active = (await lab.bindings(config)).find((b) => b.ip === ip);
    expect(active).toMatchObject({ state: 'active', interface: { name: `ip${ip.replaceAll('.', '-')}` } });
  });

  it("Debian's snmpwalk shows the active binding, and snmptrapd got dxgwBindingCreated", { timeout: 60_000 }, async () => {
    expect(ip).not.toBe('');
    let walk = '';
    await waitUntil('binding in the SNMP table', async () => {
      const r = await lab.snmp('snmpwalk', ['-v2c', '-c', 'public', '-On', '-Oq', '-Ox', `127.0.0.1:${PORTS.snmp}`, 'DXGW-MIB::dxgwBindingTable']);
      walk = r.stdout;
      return r.code === 0 && walk.includes(`.${ip} `);
    }, { timeoutMs: 20_000, detail: () => walk });
    const text = (await lab.snmp('snmpwalk', ['-v2c', '-c', 'public', `127.0.0.1:${PORTS.snmp}`, 'DXGW-MIB::dxgwBindingTable'])).stdout;
    const row = text.split('\n').filter((l) => l.includes(`.${ip} =`));
    const value = (column: string) => row.find((l) => l.includes(`::${column}.`))?.replace(/^.*? = /, '');
    expect(value('dxgwBindingState')).toMatch(/active\(2\)/);
    // MacAddress's DISPLAY-HINT "1x:" prints octets without leading zeros: 2:0:0:0:e1:1.
    expect(value('dxgwBindingMacAddress')).toBe(`STRING: ${MAC.split(':').map((o) => parseInt(o, 16).toString(16)).join(':')}`);
    expect(value('dxgwBindingCircuitId')).toBe('STRING: "relay0"');
    expect(value('dxgwBindingGiaddr')).toMatch(/192\.0\.2\.1/);
    expect(value('dxgwBindingInterfaceName')).toContain(`ip${ip.replaceAll('.', '-')}`);

    const trap = await waitUntil('dxgwBindingCreated notification', () => trapd.lines().find((l) => l.includes('dxgwBindingCreated')), { timeoutMs: 15_000, detail: () => trapd.lines().join('\n') });
    expect(trap).toContain(ip);
  });

  it('a unicast renewal (udhcpc SIGUSR1) gives address-renewed and an Interim-Update', { timeout: 60_000 }, async () => {
    expect(sessionId).not.toBe('');
    const addedAt = receiver.forIp(ip).find((e) => e.type === 'address-added')!.lease.startedAt;
    await lab.call('lab_signal', 'c1.dhcp', 'USR1');
    await lab.call('lab_wait_event', 'c1', '^renew ', '10');
    await receiver.waitFor('address-renewed', () => receiver.forIp(ip).some((e) => e.type === 'address-renewed'));
    const renewed = receiver.forIp(ip).find((e) => e.type === 'address-renewed')!;
    expect(renewed).toMatchObject({ sessionId, seq: 3 });
    expect(Date.parse(renewed.lease.startedAt)).toBeGreaterThan(Date.parse(addedAt));
    const [interim] = await waitUntil('Interim-Update', () => (acct('Interim-Update', ip).length ? acct('Interim-Update', ip) : undefined), { timeoutMs: 15_000 });
    expect(interim!.get('Acct-Session-Id')).toBe(sessionId);
    expect((await lab.bindings(config)).find((b) => b.ip === ip)?.state).toBe('active');
  });

  it('RELEASE gives interface-deleted and address-deleted (released) and a Stop with User-Request', { timeout: 60_000 }, async () => {
    expect(sessionId).not.toBe('');
    await lab.call('lab_udhcpc_release', 'c1');
    await receiver.waitFor('deletions', () => receiver.forIp(ip).filter((e) => e.reason === 'released').length >= 2);
    expect(kinds(receiver.forIp(ip))).toEqual(['interface-created', 'address-added', 'address-renewed', 'interface-deleted:released', 'address-deleted:released']);
    expect(receiver.forIp(ip).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    const [stop] = await waitUntil('RADIUS Stop', () => (acct('Stop', ip).length ? acct('Stop', ip) : undefined), { timeoutMs: 15_000 });
    expect(stop!.get('Acct-Session-Id')).toBe(sessionId);
    expect(stop!.get('Acct-Terminate-Cause')).toBe('User-Request');
    expect(stop!.get('Acct-Session-Time')).toBeDefined();
    expect((await lab.bindings(config)).some((b) => b.ip === ip)).toBe(false);
    await waitUntil('dxgwBindingDeleted notification', () => trapd.lines().some((l) => l.includes('dxgwBindingDeleted') && l.includes(ip)), { timeoutMs: 15_000, detail: () => trapd.lines().join('\n') });
  });

  it('an ISC dhclient subscriber (no option 61) goes the same way, released with dhclient -r', { timeout: 60_000 }, async () => {
    await lab.call('lab_client_ns', 'c2', '--mac', DHCLIENT_MAC);
    await lab.call('lab_dhclient', 'c2');
    const ip2 = await lab.call('lab_wait_lease', 'c2', '20');
    await lab.call('lab_ping', 'c2');
    await receiver.waitFor('dhclient activation', () => receiver.forIp(ip2).length >= 2);
    const added = receiver.forIp(ip2).find((e) => e.type === 'address-added')!;
    expect(added.subscriber).toMatchObject({ mac: DHCLIENT_MAC, clientId: null, circuitId: RELAY0 });
    await lab.call('lab_dhclient_release', 'c2');
    await receiver.waitFor('dhclient release', () => receiver.forIp(ip2).some((e) => e.type === 'address-deleted'));
    expect(kinds(receiver.forIp(ip2))).toEqual(['interface-created', 'address-added', 'interface-deleted:released', 'address-deleted:released']);
    await waitUntil('RADIUS Stop for dhclient', () => acct('Stop', ip2).some((r) => r.get('Acct-Terminate-Cause') === 'User-Request'), { timeoutMs: 15_000 });
  });

  it('stops cleanly on SIGTERM: Accounting-Off, then exit 0 (docs/operations.md "Stopping")', { timeout: 60_000 }, async () => {
    const t0 = Date.now();
    const code = await daemon.stop('SIGTERM');
    expect(Date.now() - t0).toBeLessThan(15_000);
    await waitUntil('Accounting-Off', () => radius.records().some((r) => r.get('Acct-Status-Type') === 'Accounting-Off'), { timeoutMs: 5000 });
    // A live capture must not turn a graceful stop into a crash (SIGABRT: 134, SIGSEGV: 139).
    expect(code, daemon.log()).toBe(0);
  });

  it('capture.interface "any" (every interface of the relay namespace) works too, each event once although each frame is seen on several interfaces', { timeout: 60_000 }, async () => {
    const anyConfig = configFile(lab, settings('any'), 'dxgw-any.yaml');
    const d = await lab.startDaemon(anyConfig);
    try {
      await lab.call('lab_client_ns', 'c3', '--mac', '02:00:00:00:e1:03');
      await lab.call('lab_udhcpc', 'c3');
      const ip3 = await lab.call('lab_wait_lease', 'c3');
      await lab.call('lab_ping', 'c3');
      await receiver.waitFor('activation seen on "any"', () => receiver.forIp(ip3).length >= 2);
      await lab.call('lab_udhcpc_release', 'c3');
      await receiver.waitFor('release seen on "any"', () => receiver.forIp(ip3).length >= 4);
      await new Promise((r) => setTimeout(r, 1000));
      expect(kinds(receiver.forIp(ip3))).toEqual(['interface-created', 'address-added', 'interface-deleted:released', 'address-deleted:released']);
      expect(receiver.forIp(ip3)[1]!.subscriber.circuitId).toBe(RELAY0);
    } finally {
      await d.stop('SIGKILL');
    }
  });
});
