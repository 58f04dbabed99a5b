/**
 * Flow records as activation data, through the real lease pipeline and engine: the records of
 * the softflowd recordings activate the client that sent them, and nothing else does — DHCP
 * flows, the ICMP error the client's stack sent, other hosts' flows, a previous holder's
 * flows, a different MAC (activation.matchMac).
 */
import { describe, expect, it } from 'vitest';
import type { SubscriberEvent } from '../../../src/events/event.js';
import { FlowDecoder } from '../../../src/flows/decoder.js';
import { FLOW_CLOCK_TOLERANCE_MS, FlowActivation } from '../../../src/flows/flow-activation.js';
import type { FlowRecord } from '../../../src/flows/flow-record.js';
import type { EngineConfig } from '../../../src/leases/engine.js';
import type { AckObservation } from '../../../src/leases/observation.js';
import { Observer } from '../../../src/leases/observer.js';
import { parseIp } from '../../../src/packet/addresses.js';
import { LeasePipeline } from '../../../src/subscribers/lease-pipeline.js';
import { testEngineConfig } from '../../helpers/engine-config.js';
import { datagrams, FIXTURES, LAB } from './fixtures.js';

function recordsOf(name: (typeof FIXTURES)[number]): FlowRecord[] {
  const d = new FlowDecoder({ templateTimeoutMs: 1_800_000, templateLimit: 64 });
  return datagrams(name).flatMap((g) => d.decode(g.payload, g.address, g.port, g.time));
}

const CLIENT = parseIp(LAB.client.ip)!;
const echoOf = (records: FlowRecord[]) => records.find((r) => r.srcIp === CLIENT && r.protocol === 1 && r.icmpType === 8)!;

function ack(ip: string, mac: string, time: number): AckObservation {
  return { kind: 'ack', time, vr: 'default', ip, xid: 7, renewal: false, mac, clientId: null, giaddr: LAB.relay, serverId: LAB.server, circuitId: null, remoteId: null, vlans: [], leaseSeconds: 120, clientOptions: {}, serverOptions: {} };
}

/** A pipeline (memory view) with one bound subscriber, and flow activation feeding it. */
function setup(options: { boundAt: number; ip?: string; mac?: string; engine?: Partial<EngineConfig>; now?: number }) {
  const events: SubscriberEvent[] = [];
  const observer = new Observer({ vr: 'default', trustedGiaddrs: new Set(), trustedServers: new Set() });
  const pipeline = new LeasePipeline({ engine: testEngineConfig(options.engine), observer, onEvent: (e) => events.push(e) });
  pipeline.apply(ack(options.ip ?? LAB.client.ip, options.mac ?? LAB.client.mac, options.boundAt));
  const activation = new FlowActivation(pipeline, () => options.now ?? Number.MAX_SAFE_INTEGER);
  const binding = () => pipeline.view.getSync('default', options.ip ?? LAB.client.ip)!;
  const counted = () => Object.fromEntries(Object.entries(activation.results).filter(([, n]) => n > 0));
  return { events, activation, binding, counted };
}

describe.each(FIXTURES)('flow activation from %s', (name) => {
  const records = recordsOf(name);
  const echo = echoOf(records);

  it("the client's echo flow activates its binding; DHCP flows, its ICMP error and other hosts' flows do not", () => {
    const { events, activation, binding, counted } = setup({ boundAt: echo.start! - 500 });
    for (const r of records) activation.handle(r);
    expect(counted()).toEqual({ observed: 1, dhcp: 4, 'icmp-error': 1, 'not-awaiting': 4 });
    expect(binding()).toMatchObject({ state: 'active', activatedAt: echo.start, interfaceName: `ip${LAB.client.ip.replaceAll('.', '-')}` });
    expect(events.map((e) => e.type)).toEqual(['interface-created', 'address-added']);
  });

  it('the DHCP renewal flow and the ICMP Port Unreachable from the address never activate it', () => {
    const { events, activation, binding, counted } = setup({ boundAt: echo.start! - 500 });
    for (const r of records.filter((r) => r.srcIp === CLIENT && r !== echo)) activation.handle(r);
    expect(counted()).toEqual({ dhcp: 1, 'icmp-error': 1 });
    expect(binding().state).toBe('bound');
    expect(events).toEqual([]);
  });

  it('flows from an address without a binding activate nothing (the static host)', () => {
    const { events, activation, binding, counted } = setup({ boundAt: echo.start! - 500, ip: '192.0.2.99' });
    for (const r of records.filter((r) => r.srcIp === parseIp(LAB.static.ip))) activation.handle(r);
    expect(counted()).toEqual({ 'not-awaiting': 1 });
    expect(binding().state).toBe('bound');
    expect(events).toEqual([]);
  });

  it("a flow that ended before the binding's first ACK is a previous holder's traffic: it activates nothing", () => {
    const { events, activation, binding, counted } = setup({ boundAt: echo.end! + FLOW_CLOCK_TOLERANCE_MS + 1 });
    activation.handle(echo);
    expect(counted()).toEqual({ 'before-binding': 1 });
    expect(binding().state).toBe('bound');
    expect(events).toEqual([]);
  });

  it('the tolerance is the 2 s docs/config.md states', () => expect(FLOW_CLOCK_TOLERANCE_MS).toBe(2000));

  it('within the clock tolerance it does, dated at the ACK (never before the binding)', () => {
    const boundAt = echo.end! + FLOW_CLOCK_TOLERANCE_MS - 1;
    const { activation, binding } = setup({ boundAt });
    activation.handle(echo);
    expect(binding()).toMatchObject({ state: 'active', activatedAt: boundAt });
  });

  it('never dates an activation after now (an exporter clock running ahead)', () => {
    const now = echo.start! - 100;
    const { activation, binding } = setup({ boundAt: echo.start! - 500, now });
    activation.handle(echo);
    expect(binding()).toMatchObject({ state: 'active', activatedAt: now });
  });

  it(name.endsWith('ether') ? 'with activation.matchMac, a flow from another MAC does not activate; from the chaddr it does' : 'with activation.matchMac and no MAC in the records, the address alone activates', () => {
    const other = setup({ boundAt: echo.start! - 500, mac: '02:00:00:00:0f:99', engine: { activationMatchMac: true } });
    other.activation.handle(echo);
    expect(other.counted()).toEqual({ observed: 1 }); // handed to the engine, which compares the MACs
    expect(other.binding().state).toBe(name.endsWith('ether') ? 'bound' : 'active');
    const same = setup({ boundAt: echo.start! - 500, engine: { activationMatchMac: true } });
    same.activation.handle(echo);
    expect(same.binding().state).toBe('active');
  });
});

describe('flow activation rules', () => {
  const base: FlowRecord = { srcIp: CLIENT, srcMac: null, protocol: 1, srcPort: -1, dstPort: -1, icmpType: -1, packets: 1, start: 1_800_000_000_000, end: 1_800_000_000_500, exportTime: 1_800_000_001_000 };
  const result = (r: FlowRecord) => {
    const { activation, counted } = setup({ boundAt: base.start! - 1000 });
    activation.handle(r);
    return Object.keys(counted());
  };

  it.each([
    ['ICMP without any type field: it might be an error', {}, 'icmp-error'],
    ['ICMP with the type in the destination port (Cisco: type × 256 + code), an error', { dstPort: 0x0303 }, 'icmp-error'],
    ['ICMP echo in the destination port', { dstPort: 0x0800 }, 'observed'],
    ['ICMP echo reply (type 0)', { icmpType: 0 }, 'observed'],
    ['time exceeded (type 11)', { icmpType: 11 }, 'icmp-error'],
    ['UDP 68 → 67 (DHCP)', { protocol: 17, srcPort: 68, dstPort: 67 }, 'dhcp'],
    ['UDP 68 → 53 (not DHCP)', { protocol: 17, srcPort: 68, dstPort: 53 }, 'observed'],
    ['TCP from the address', { protocol: 6, srcPort: 40000, dstPort: 443 }, 'observed'],
    ['no source IPv4 address (an IPv6 template)', { srcIp: undefined }, 'no-ipv4-source'],
    ['no times at all: the export time stands for the end', { protocol: 6, start: undefined, end: undefined }, 'observed'],
  ] as Array<[string, Partial<FlowRecord>, string]>)('%s → %s', (_, change, expected) => {
    expect(result({ ...base, ...change })).toEqual([expected]);
  });
});
