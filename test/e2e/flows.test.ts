/**
 * End to end, live (issue 10): activation from flow records. dnsmasq behind ISC dhcrelay leases
 * to a udhcpc client; `dxgw run` captures DHCP only on up0 (activation.source flows) and
 * collects IPFIX from Debian's softflowd, which watches br0 (the clients' side) in the relay
 * namespace. The client's DHCP renewal and the ICMP Port Unreachable its stack sends activate
 * nothing, nor do the flows of a host with a static address and no binding; the client's own
 * pings do: the binding becomes active and the SAE stand-in receives its events.
 *
 * softflowd sees packets only in full 256 KiB libpcap blocks (test/lab/flows.sh
 * lab_flow_push): a burst of pings follows the traffic of interest, then expire-all exports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { configFile, type Daemon, e2eCanRun, Lab, PORTS, type Receiver, REPO, waitUntil } from './lab.js';

const SECRET = 'sae-e2e-flows';
const MAC = '02:00:00:00:f1:01';
const STATIC_IP = '192.0.2.200';
const FLOW_PORT = 14739;

const canRun = e2eCanRun(['dnsmasq', 'softflowd', 'softflowctl']);

describe.runIf(canRun)('e2e: softflowd IPFIX → dxgw activation.source flows (DHCP-only capture)', () => {
  // Unique per run (lib.sh: at most 10 of [A-Za-z0-9_]).
  const lab = new Lab(`dxf${process.pid}`.slice(0, 10));
  let receiver: Receiver;
  let daemon: Daemon;
  let config: string;
  let ip = '';

  /** A lab script with test/lab/flows.sh sourced too. */
  const flows = (text: string) => `source ${JSON.stringify(join(REPO, 'test', 'lab', 'flows.sh'))}; ${text}`;

  /** /metrics of the daemon (it listens on the relay namespace's loopback). */
  async function metric(name: string, labels: string): Promise<number> {
    const r = await lab.exec('rly', [process.execPath, '-e', `fetch('http://127.0.0.1:${PORTS.api}/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))`]);
    const line = r.stdout.split('\n').find((l) => l.startsWith(`${name}{${labels}} `) || (labels === '' && l.startsWith(`${name} `)));
    return line ? Number(line.split(' ').at(-1)) : 0;
  }

  /** Pushes softflowd's packets through (burst from `pusher`), exports every flow, waits until dxgw has read every export datagram. */
  async function exportFlows(pusher: string): Promise<void> {
    await lab.script(flows('lab_flow_push "$1"; lab_softflowd_expire sf rly'), [pusher]);
    const sent = Number(/in (\d+) packets/.exec((await lab.exec('rly', ['softflowctl', '-c', `${lab.dir}/sf.ctl`, 'statistics'])).stdout)?.[1]);
    expect(sent).toBeGreaterThan(0);
    await waitUntil(`dxgw reads the ${sent} export datagrams`, async () => (await metric('dxgw_flow_datagrams_total', 'kind="received"')) === sent, { timeoutMs: 15_000, detail: () => daemon.log().slice(-2000) });
  }

  beforeAll(async () => {
    await lab.script('lab_up; lab_start_server dnsmasq; lab_start_relay');
    await lab.startRedis(PORTS.redis);
    receiver = await lab.startReceiver(PORTS.http, SECRET);
    config = configFile(lab, {
      site: 'e2eflows',
      redis: { url: `redis://127.0.0.1:${PORTS.redis}` },
      // up0 carries the relayed DHCP; with source flows the capture takes nothing else.
      capture: { interface: 'up0', subscriberPrefixes: ['192.0.2.0/24'] },
      activation: { source: 'flows', matchMac: true, flows: { listen: `127.0.0.1:${FLOW_PORT}`, exporters: ['127.0.0.1'] } },
      trust: { giaddrs: ['192.0.2.1'], servers: ['198.51.100.1'] },
      api: { listen: `127.0.0.1:${PORTS.api}` },
      retry: { attempts: 20, backoffMs: 100, maxBackoffMs: 2000 },
      sinks: [{ name: 'sae', type: 'http', url: receiver.url, secret: SECRET, timeoutMs: 2000 }],
    });
    daemon = await lab.startDaemon(config);
    await lab.call('lab_wait_listen', 'rly', 'udp', String(FLOW_PORT));
    await lab.call('lab_client_ns', 'c1', '--mac', MAC);
    await lab.call('lab_client_ns', 's1', '--mac', '02:00:00:00:f1:02', '--addr', `${STATIC_IP}/24`, '--gw', '192.0.2.1');
    // IPFIX with source MACs (-T ether) and absolute millisecond times, to dxgw's collector.
    await lab.script(flows(`lab_softflowd sf rly br0 127.0.0.1:${FLOW_PORT} -v 10 -T ether -A milli`));
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop();
    await lab.down();
  }, 90_000);

  it('a lease through the relay makes a bound binding; its DHCP renewal, its ICMP error and a host without a binding activate nothing', { timeout: 90_000 }, async () => {
    await lab.call('lab_udhcpc', 'c1');
    ip = await lab.call('lab_wait_lease', 'c1');
    await waitUntil('binding listed', async () => (await lab.bindings(config)).find((b) => b.ip === ip), { timeoutMs: 10_000, detail: () => daemon.log() });
    // From the client's address: a unicast DHCP renewal, and a Port Unreachable answering a probe.
    await lab.call('lab_signal', 'c1.dhcp', 'USR1');
    await lab.call('lab_wait_event', 'c1', '^renew ', '10');
    await lab.script(`lab_exec rly bash -c 'echo probe >"/dev/udp/$0/9"' "$1"`, [ip]);
    await lab.call('lab_ping', 's1');
    // The burst comes from the static host: no traffic of the client's own reaches softflowd.
    await exportFlows('s1');
    expect(await metric('dxgw_flow_records_total', 'result="icmp-error"')).toBeGreaterThanOrEqual(1);
    expect(await metric('dxgw_flow_records_total', 'result="dhcp"')).toBeGreaterThanOrEqual(1);
    expect(await metric('dxgw_flow_records_total', 'result="not-awaiting"')).toBeGreaterThanOrEqual(1);
    expect(await metric('dxgw_flow_records_total', 'result="observed"')).toBe(0);
    const bindings = await lab.bindings(config);
    expect(bindings.find((b) => b.ip === ip)?.state).toBe('bound');
    expect(bindings.find((b) => b.ip === STATIC_IP)).toBeUndefined();
    expect(receiver.events()).toEqual([]);
  });

  it("the client's own pings, exported by softflowd, activate it: interface-created, address-added delivered", { timeout: 90_000 }, async () => {
    expect(ip).not.toBe('');
    await lab.call('lab_ping', 'c1');
    await exportFlows('c1');
    await receiver.waitFor('interface-created and address-added', () => receiver.forIp(ip).length >= 2);
    expect(receiver.forIp(ip).map((e) => e.type)).toEqual(['interface-created', 'address-added']);
    expect(receiver.forIp(ip)[1]!.subscriber).toMatchObject({ ip, mac: MAC, giaddr: '192.0.2.1' });
    expect(await metric('dxgw_flow_records_total', 'result="observed"')).toBeGreaterThanOrEqual(1);
    const active = (await lab.bindings(config)).find((b) => b.ip === ip);
    expect(active).toMatchObject({ state: 'active', mac: MAC, interface: { name: `ip${ip.replaceAll('.', '-')}` } });
    // Nobody else got anything: the static host's flows never made a subscriber.
    expect(receiver.events().every((e) => e.subscriber.ip === ip)).toBe(true);
  });

  it('the capture read DHCP only: not one data frame', { timeout: 30_000 }, async () => {
    await waitUntil('capture counters flushed', async () => (await metric('dxgw_store_counter', 'name="frames-dhcp"')) > 0, { timeoutMs: 15_000 });
    expect(await metric('dxgw_store_counter', 'name="frames-data"')).toBe(0);
    expect(await metric('dxgw_flow_errors_total', 'reason="exporter-not-allowed"')).toBe(0);
  });
});
