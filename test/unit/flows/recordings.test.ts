/**
 * The codec against real exports: Debian's softflowd, NetFlow v9 and IPFIX, recorded in the
 * namespace lab while a DHCP client got a lease, pinged, answered a probe with ICMP Port
 * Unreachable and renewed (test/lab/make-flow-fixtures.sh). Every variant must yield the same
 * flows; the "ether" ones with the source MACs.
 */
import { describe, expect, it } from 'vitest';
import { FlowDecoder } from '../../../src/flows/decoder.js';
import type { FlowRecord } from '../../../src/flows/flow-record.js';
import { ipToString, parseIp } from '../../../src/packet/addresses.js';
import { datagrams, FIXTURES, LAB } from './fixtures.js';

const decoder = () => new FlowDecoder({ templateTimeoutMs: 1_800_000, templateLimit: 64 });

function decodeAll(name: (typeof FIXTURES)[number]) {
  const d = decoder();
  const grams = datagrams(name);
  const records = grams.flatMap((g) => d.decode(g.payload, g.address, g.port, g.time));
  return { d, grams, records };
}

/** A flow as tshark would list it, times left out. */
const flow = (r: FlowRecord) => `${ipToString(r.srcIp!)} p${r.protocol} ${r.srcPort}>${r.dstPort} icmp${r.icmpType} n${r.packets}`;

describe.each(FIXTURES)('softflowd recording %s', (name) => {
  const { d, grams, records } = decodeAll(name);
  const first = grams[0]!.time;
  const last = grams.at(-1)!.time;

  it('decodes without a single error, templates and options records included', () => {
    expect(grams.length).toBeGreaterThanOrEqual(2);
    const stats = d.stats();
    expect(Object.values(stats.errors).every((n) => n === 0), JSON.stringify(stats.errors)).toBe(true);
    expect(stats.templates).toBeGreaterThanOrEqual(2);
    expect(stats.optionsRecords).toBeGreaterThanOrEqual(1);
    expect(stats.records).toBe(records.length);
  });

  it("holds the client's own flows: its pings, the ICMP error it sent, its DHCP renewal", () => {
    const client = records.filter((r) => r.srcIp === parseIp(LAB.client.ip));
    const echo = client.find((r) => r.protocol === 1 && r.icmpType === 8);
    expect(echo?.packets).toBeGreaterThanOrEqual(3);
    // The probe to a closed port drew Destination Unreachable (3) / Port Unreachable (3).
    expect(client.find((r) => r.protocol === 1 && r.icmpType === 3)?.packets).toBe(1);
    expect(client.find((r) => r.protocol === 17 && r.srcPort === 68 && r.dstPort === 67)).toBeDefined();
    expect(records.find((r) => r.srcIp === parseIp(LAB.static.ip) && r.icmpType === 8)?.packets).toBeGreaterThanOrEqual(3);
  });

  it('dates every flow within the recording (v9: header sysUptime; IPFIX: system init time or absolute times)', () => {
    for (const r of records) {
      expect(r.start, flow(r)).toBeDefined();
      // v9 headers carry whole seconds: its times may be up to 1 s early.
      expect(r.start!).toBeGreaterThan(first - 15_000);
      expect(r.end!).toBeGreaterThanOrEqual(r.start!);
      expect(r.end!).toBeLessThanOrEqual(last);
      expect(r.exportTime).toBeLessThanOrEqual(last);
    }
  });

  it(name.endsWith('ether') ? 'carries the source MAC of each flow' : 'carries no MAC (softflowd without -T ether)', () => {
    const echo = records.find((r) => r.srcIp === parseIp(LAB.client.ip) && r.icmpType === 8)!;
    if (name.endsWith('ether')) {
      expect(echo.srcMac).toBe(LAB.client.mac);
      expect(records.find((r) => r.srcIp === parseIp(LAB.static.ip))!.srcMac).toBe(LAB.static.mac);
    } else expect(records.every((r) => r.srcMac === null)).toBe(true);
  });
});

describe('softflowd recordings', () => {
  it('v9 and IPFIX, with and without MACs, describe the same flows', () => {
    const lists = FIXTURES.map((name) => decodeAll(name).records.map(flow).sort());
    for (const list of lists.slice(1)) expect(list).toEqual(lists[0]);
  });

  it('v9 and IPFIX date the same flow alike (v9 up to 1 s early: whole-second header)', () => {
    const start = (name: (typeof FIXTURES)[number]) => decodeAll(name).records.find((r) => r.srcIp === parseIp(LAB.client.ip) && r.icmpType === 8)!.start!;
    const ipfix = start('softflowd-ipfix-ether');
    expect(Math.abs(start('softflowd-ipfix') - ipfix)).toBeLessThan(5);
    // The recordings ran side by side: the v9 exporter saw the same packets (± capture jitter).
    expect(start('softflowd-v9')).toBeLessThanOrEqual(ipfix + 50);
    expect(start('softflowd-v9')).toBeGreaterThan(ipfix - 1050);
  });

  it('an exporter that restarts its templates from the top is decoded again (templates refresh)', () => {
    const d = decoder();
    const grams = datagrams('softflowd-ipfix');
    for (const g of [...grams, ...grams]) d.decode(g.payload, g.address, g.port, g.time);
    expect(d.stats().records).toBe(2 * decodeAll('softflowd-ipfix').records.length);
    expect(d.stats().templates).toBe(decodeAll('softflowd-ipfix').d.stats().templates);
  });
});
