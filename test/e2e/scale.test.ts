/**
 * End to end, live (issue 6): 50 clients (40 busybox udhcpc, 10 ISC dhclient) start DHCP at
 * the same moment against ISC dhcpd behind ISC dhcrelay, then all ping at once. dxgw
 * captures live on the relay namespace's client-side bridge br0 (the other capture point:
 * client-side DHCP, relay → client OFFER/ACK with giaddr, and the subscribers' frames).
 * Every subscriber must become a binding, active, with its address-added delivered and a
 * RADIUS Start; the SNMP agent counts them.
 */
import type { FreeRadius } from '../helpers/freeradius.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFile, type Daemon, e2eCanRun, Lab, PORTS, type Receiver, waitUntil } from './lab.js';

const SECRET = 'sae-e2e-secret';
const RADIUS_SECRET = 'radius-e2e-secret';
const CLIENTS = 50;
const DHCLIENTS = 10; // m41 … m50
const MAC_PREFIX = '02:00:00:00:e3';

const canRun = e2eCanRun(['dhcpd', 'dhclient', 'snmpget']);

describe.runIf(canRun)(`e2e: ${CLIENTS} concurrent clients, ISC dhcpd, capture on br0`, () => {
  const lab = new Lab('dxe3');
  let radius: FreeRadius;
  let receiver: Receiver;
  let daemon: Daemon;
  let config: string;

  beforeAll(async () => {
    await lab.script('lab_up; lab_start_server dhcpd lease=300; lab_start_relay');
    await lab.startRedis(PORTS.redis);
    receiver = await lab.startReceiver(PORTS.http, SECRET);
    radius = await lab.startFreeRadius(RADIUS_SECRET);
    config = configFile(lab, {
      site: 'e2e3',
      redis: { url: `redis://127.0.0.1:${PORTS.redis}` },
      capture: { interface: 'br0', subscriberPrefixes: ['192.0.2.0/24'] },
      activation: { matchMac: true }, // on the client side, the data frames carry the client's MAC
      api: { listen: `127.0.0.1:${PORTS.api}` },
      snmp: { enabled: true, listen: `127.0.0.1:${PORTS.snmp}`, communities: ['public'] },
      retry: { attempts: 20, backoffMs: 100, maxBackoffMs: 2000 },
      sinks: [
        { name: 'sae', type: 'http', url: receiver.url, secret: SECRET, timeoutMs: 5000 },
        { name: 'acct', type: 'radius', nasIdentifier: 'dxgw-e2e3', nasIp: '192.0.2.1', servers: [{ host: '127.0.0.1', port: radius.port, secret: RADIUS_SECRET }] },
      ],
    });
    daemon = await lab.startDaemon(config);
    await lab.call('lab_clients', 'm', String(CLIENTS), MAC_PREFIX);
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop();
    await radius?.stop();
    await lab.down();
  }, 90_000);

  it(`${CLIENTS} clients at once: ${CLIENTS} bindings listed, ${CLIENTS} address-added delivered, ${CLIENTS} Starts`, { timeout: 150_000 }, async () => {
    // All DHCP clients start together (each lab_udhcpc / lab_dhclient returns at once).
    await lab.script(
      `for ((i = 1; i <= $1; i++)); do
         if ((i > $1 - $2)); then lab_dhclient "m$i"; else lab_udhcpc "m$i"; fi
       done`,
      [String(CLIENTS), String(DHCLIENTS)],
    );
    const leases = await lab.script(`for ((i = 1; i <= $1; i++)); do echo "m$i $(lab_wait_lease "m$i" 60)"; done`, [String(CLIENTS)], 120_000);
    const ipOf = new Map(leases.split('\n').map((l) => l.split(' ') as [string, string]));
    const ips = [...ipOf.values()];
    expect(new Set(ips).size).toBe(CLIENTS);

    // Every lease is a binding before anyone sent data.
    await waitUntil(`${CLIENTS} bindings`, async () => (await lab.bindings(config)).length === CLIENTS, { timeoutMs: 30_000, detail: () => daemon.log().slice(-3000) });
    // All ping at the same moment.
    await lab.script(`pids=(); for ((i = 1; i <= $1; i++)); do lab_ping "m$i" & pids+=($!); done; for p in "\${pids[@]}"; do wait "$p"; done`, [String(CLIENTS)]);

    await receiver.waitFor(`${CLIENTS} address-added`, (events) => events.filter((e) => e.type === 'address-added').length >= CLIENTS, 60_000);
    const added = receiver.events((e) => e.type === 'address-added');
    expect(added).toHaveLength(CLIENTS);
    expect(added.map((e) => e.subscriber.ip).sort()).toEqual([...ips].sort());
    for (const e of added) {
      const name = [...ipOf].find(([, ip]) => ip === e.subscriber.ip)![0];
      const i = Number(name.slice(1));
      expect(e.subscriber.mac, name).toBe(`${MAC_PREFIX}:${i.toString(16).padStart(2, '0')}`);
      expect(e.subscriber.giaddr, name).toBe('192.0.2.1');
      // udhcpc sends option 61 = 01+MAC, dhclient none.
      expect(e.subscriber.clientId, name).toBe(i > CLIENTS - DHCLIENTS ? null : `01:${e.subscriber.mac}`);
    }
    // interface-created precedes address-added for each one.
    for (const ip of ips) expect(receiver.forIp(ip).map((e) => e.type).slice(0, 2), ip).toEqual(['interface-created', 'address-added']);

    const list = await lab.bindings(config);
    expect(list).toHaveLength(CLIENTS);
    expect(list.every((b) => b.state === 'active')).toBe(true);
    const starts = await waitUntil(`${CLIENTS} Starts`, () => {
      const s = radius.records().filter((r) => r.get('Acct-Status-Type') === 'Start');
      return s.length >= CLIENTS ? s : undefined;
    }, { timeoutMs: 30_000 });
    expect(new Set(starts.map((r) => r.get('Framed-IP-Address'))).size).toBe(CLIENTS);

    // The agent's mirror follows the outbox: give it a moment to count the last activations.
    let lastAnswer = '';
    await waitUntil(`SNMP to count ${CLIENTS} active bindings`, async () => {
      const active = await lab.snmp('snmpget', ['-v2c', '-c', 'public', '-Oqv', `127.0.0.1:${PORTS.snmp}`, 'DXGW-MIB::dxgwStatsBindingsActive.0']);
      lastAnswer = active.stdout.trim();
      return lastAnswer === String(CLIENTS) ? true : undefined;
    }, { timeoutMs: 20_000, detail: () => `last answer: ${lastAnswer}` });
    expect(daemon.exitCode()).toBeUndefined();
  });

  it(`all ${CLIENTS} release at once: ${CLIENTS} address-deleted (released), ${CLIENTS} Stops, no binding left`, { timeout: 120_000 }, async () => {
    expect(receiver.events((e) => e.type === 'address-added')).toHaveLength(CLIENTS);
    await lab.script(
      `pids=()
       for ((i = 1; i <= $1; i++)); do
         if ((i > $1 - $2)); then lab_dhclient_release "m$i" & else lab_udhcpc_release "m$i" 10 & fi
         pids+=($!)
       done
       for p in "\${pids[@]}"; do wait "$p"; done`,
      [String(CLIENTS), String(DHCLIENTS)],
    );
    await receiver.waitFor(`${CLIENTS} address-deleted`, (events) => events.filter((e) => e.type === 'address-deleted').length >= CLIENTS, 60_000);
    const deleted = receiver.events((e) => e.type === 'address-deleted');
    expect(deleted).toHaveLength(CLIENTS);
    expect(deleted.every((e) => e.reason === 'released')).toBe(true);
    await waitUntil(`${CLIENTS} Stops`, () => radius.records().filter((r) => r.get('Acct-Status-Type') === 'Stop' && r.get('Acct-Terminate-Cause') === 'User-Request').length >= CLIENTS, { timeoutMs: 30_000 });
    expect(await lab.bindings(config)).toEqual([]);
    // Per address: created, added, deleted, deleted — nothing twice.
    for (const e of deleted) expect(receiver.forIp(e.subscriber.ip).map((x) => x.seq)).toEqual([1, 2, 3, 4]);
  });
});
