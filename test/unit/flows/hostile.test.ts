/**
 * Hostile flow exports: every malformed datagram, set, template and record is counted under a
 * stable reason and never throws; structures that could make a parser spin (zero-length sets,
 * templates whose records are 0 bytes) end. Real softflowd datagrams cut and mutated, and
 * hand-built messages for what no exporter sends on purpose.
 */
import { describe, expect, it } from 'vitest';
import { FlowDecoder } from '../../../src/flows/decoder.js';
import { FLOW_ERROR_REASONS, type FlowErrorReason } from '../../../src/flows/reasons.js';
import { IE } from '../../../src/flows/spec.js';
import { ipToString } from '../../../src/packet/addresses.js';
import { EXPORT_SECS, ip, ipfix, ipfixOptionsTemplate, ipfixTemplate, mac, set, u16, u32, u64, v9, v9Template, varlen, withdrawal, type FieldSpec } from './build.js';
import { datagrams, FIXTURES } from './fixtures.js';

const NOW = EXPORT_SECS * 1000;
const decoder = (templateTimeoutMs = 60_000, templateLimit = 64) => new FlowDecoder({ templateTimeoutMs, templateLimit });
const errorsOf = (d: FlowDecoder) => Object.fromEntries(Object.entries(d.stats().errors).filter(([, n]) => n > 0));
const run = (d: FlowDecoder, ...messages: Buffer[]) => messages.flatMap((m) => d.decode(m, '192.0.2.250', 4739, NOW));

const SIMPLE: FieldSpec[] = [
  [IE.sourceIPv4Address, 4],
  [IE.protocolIdentifier, 1],
];
const simpleRecord = (addr: string, protocol = 6) => Buffer.concat([ip(addr), Buffer.from([protocol])]);

/** Deterministic PRNG (mulberry32): the same mutations every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('flow decoder: cut and mutated real exports', () => {
  /** Where the sets of a message end: a v9 message (no length field) cut there is a shorter valid message. */
  function setEnds(payload: Buffer): Set<number> {
    const ends = new Set<number>();
    for (let at = payload.readUInt16BE(0) === 9 ? 20 : 16; at + 4 <= payload.length; at += payload.readUInt16BE(at + 2)) ends.add(at);
    return ends;
  }

  it.each(FIXTURES)('%s: every truncation is counted (IPFIX: by its length field; v9: unless cut between sets), never thrown', (name) => {
    const grams = datagrams(name);
    for (const g of grams) {
      const ends = name.includes('v9') ? setEnds(g.payload) : new Set<number>();
      const whole = decoder();
      const all = whole.decode(g.payload, g.address, g.port, g.time).length;
      for (let n = 0; n < g.payload.length; n++) {
        const d = decoder();
        // Templates first from the whole datagram, so the cut one has data sets to misread.
        for (const h of grams) if (h !== g) d.decode(h.payload, h.address, h.port, h.time);
        const before = d.stats().records;
        const records = d.decode(g.payload.subarray(0, n), g.address, g.port, g.time);
        expect(records.length).toBeLessThanOrEqual(all);
        expect(d.stats().records - before).toBe(records.length);
        const errors = Object.values(d.stats().errors).reduce((a, b) => a + b, 0);
        if (!ends.has(n)) expect(errors, `${name} cut at ${n}`).toBeGreaterThan(0);
      }
    }
  });

  it.each(FIXTURES)('%s: 3000 random byte mutations never throw and leave only readable records', (name) => {
    const grams = datagrams(name);
    const random = prng(7);
    const d = decoder();
    for (let i = 0; i < 3000; i++) {
      const g = grams[i % grams.length]!;
      const bytes = Buffer.from(g.payload);
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      for (const r of d.decode(bytes, g.address, g.port, g.time)) {
        if (r.srcIp !== undefined) expect(ipToString(r.srcIp)).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        expect(r.srcMac === null || /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(r.srcMac)).toBe(true);
      }
    }
    expect(d.stats().datagrams).toBe(3000);
    expect(d.stats().templates).toBeLessThanOrEqual(64);
  });
});

describe('flow decoder: messages and sets', () => {
  it('counts a datagram too short for any header, a short header, and unknown versions', () => {
    const d = decoder();
    run(d, Buffer.from([0]), Buffer.concat([u16(10), u16(12)]), v9([]).subarray(0, 19), Buffer.concat([u16(5), Buffer.alloc(40)]));
    expect(errorsOf(d)).toEqual({ 'datagram-too-short': 3, 'unsupported-version': 1 });
  });

  it('refuses an IPFIX message whose length field is not the datagram length', () => {
    const d = decoder();
    const good = ipfix([set(2, ipfixTemplate(256, SIMPLE)), set(256, simpleRecord('192.0.2.10'))]);
    expect(run(d, ipfix([set(2, ipfixTemplate(256, SIMPLE)), set(256, simpleRecord('192.0.2.10'))], { length: good.length + 1 }))).toEqual([]);
    expect(run(d, Buffer.concat([good, Buffer.alloc(3)]))).toEqual([]);
    expect(errorsOf(d)).toEqual({ 'bad-message-length': 2 });
    expect(run(d, good)).toHaveLength(1);
  });

  it.each([
    ['a zero-length set', u16(0)],
    ['a set shorter than its header', u16(2)],
  ])('stops at %s (no loop) and keeps what came before', (_, length) => {
    const d = decoder();
    const records = run(d, ipfix([set(2, ipfixTemplate(256, SIMPLE)), set(256, simpleRecord('192.0.2.10')), Buffer.concat([u16(256), length]), set(256, simpleRecord('192.0.2.11'))]));
    expect(records.map((r) => ipToString(r.srcIp!))).toEqual(['192.0.2.10']);
    expect(errorsOf(d)).toEqual({ 'set-too-short': 1 });
  });

  it('stops at a set longer than the message, and at trailing bytes shorter than a set header', () => {
    const d = decoder();
    const over = Buffer.concat([u16(256), u16(200), simpleRecord('192.0.2.12')]);
    expect(run(d, ipfix([set(2, ipfixTemplate(256, SIMPLE)), set(256, simpleRecord('192.0.2.10')), over]))).toHaveLength(1);
    expect(run(d, v9([set(0, v9Template(300, SIMPLE)), set(300, simpleRecord('192.0.2.10')), Buffer.from([1, 44])]))).toHaveLength(1);
    expect(errorsOf(d)).toEqual({ 'set-overrun': 1, 'set-too-short': 1 });
  });

  it('skips reserved set ids and goes on with the next set', () => {
    const d = decoder();
    expect(run(d, ipfix([set(4, Buffer.alloc(8)), set(2, ipfixTemplate(256, SIMPLE)), set(1, Buffer.alloc(4)), set(256, simpleRecord('192.0.2.10'))]))).toHaveLength(1);
    expect(run(d, v9([set(7, Buffer.alloc(4)), set(0, v9Template(300, SIMPLE)), set(300, simpleRecord('192.0.2.10'))]))).toHaveLength(1);
    expect(errorsOf(d)).toEqual({ 'reserved-set-id': 3 });
  });

  it('counts data sets of unknown templates (not held): once the template arrives, records decode', () => {
    const d = decoder();
    expect(run(d, ipfix([set(256, simpleRecord('192.0.2.10'))]))).toEqual([]);
    expect(run(d, ipfix([set(2, ipfixTemplate(256, SIMPLE))]), ipfix([set(256, simpleRecord('192.0.2.10'))]))).toHaveLength(1);
    expect(errorsOf(d)).toEqual({ 'unknown-template': 1 });
  });

  it('treats what is left of a data set that is shorter than a record as padding', () => {
    const d = decoder();
    const records = run(d, ipfix([set(2, ipfixTemplate(256, SIMPLE)), set(256, simpleRecord('192.0.2.10'), simpleRecord('192.0.2.11'), Buffer.alloc(3))]));
    expect(records).toHaveLength(2);
    expect(errorsOf(d)).toEqual({});
  });
});

describe('flow decoder: templates', () => {
  it('a template whose records would be 0 bytes is refused: its data sets cannot spin the parser', () => {
    const d = decoder();
    const zero: FieldSpec[] = [
      [IE.sourceIPv4Address, 0],
      [IE.protocolIdentifier, 0],
    ];
    expect(run(d, ipfix([set(2, ipfixTemplate(256, zero)), set(256, Buffer.alloc(64))]), v9([set(0, v9Template(300, zero)), set(300, Buffer.alloc(64))]))).toEqual([]);
    expect(errorsOf(d)).toEqual({ 'template-zero-length': 2, 'unknown-template': 2 });
  });

  it('a template re-defined over and over in one message ends, and the last definition holds', () => {
    const d = decoder();
    const defs = Array.from({ length: 500 }, (_, i) => ipfixTemplate(256, i % 2 ? SIMPLE : [[IE.protocolIdentifier, 1], [IE.sourceIPv4Address, 4]]));
    const records = run(d, ipfix([set(2, ...defs), set(256, simpleRecord('192.0.2.10'))]));
    expect(records.map((r) => [ipToString(r.srcIp!), r.protocol])).toEqual([['192.0.2.10', 6]]);
    expect(d.stats().templates).toBe(1);
  });

  it('counts template ids below 256 and stops the set there', () => {
    const d = decoder();
    run(d, ipfix([set(2, ipfixTemplate(255, SIMPLE), ipfixTemplate(256, SIMPLE))]), v9([set(0, v9Template(17, SIMPLE))]));
    expect(errorsOf(d)).toEqual({ 'template-bad-id': 2 });
    expect(d.stats().templates).toBe(0);
  });

  it('counts templates cut short by the end of their set, field count or enterprise number', () => {
    const d = decoder();
    const t = ipfixTemplate(256, [...SIMPLE, [IE.sourceMacAddress, 6, 9]]);
    run(d, ipfix([set(2, t.subarray(0, t.length - 2))]), ipfix([set(2, Buffer.concat([u16(256), u16(40), Buffer.alloc(8)]))]), v9([set(0, Buffer.concat([u16(300), u16(3), u16(8), u16(4)]))]));
    expect(errorsOf(d)).toEqual({ 'template-truncated': 3 });
  });

  it('counts malformed templates: v9 with no fields, options without scope or with more scopes than fields, v9 option lengths not whole fields', () => {
    const d = decoder();
    run(
      d,
      v9([set(0, v9Template(300, []))]),
      ipfix([set(3, ipfixOptionsTemplate(257, 0, SIMPLE), ipfixOptionsTemplate(258, 3, SIMPLE))]),
      v9([set(1, Buffer.concat([u16(301), u16(3), u16(4), Buffer.alloc(8)]))]),
    );
    expect(errorsOf(d)).toEqual({ 'template-malformed': 4 });
    expect(d.stats().templates).toBe(0);
  });

  it('ignores (and counts) a field it reads when declared with an unreadable length', () => {
    const d = decoder();
    const records = run(d, ipfix([set(2, ipfixTemplate(256, [[IE.sourceIPv4Address, 2], [IE.protocolIdentifier, 1]])), set(256, Buffer.from([192, 0, 17]))]));
    expect(records).toHaveLength(1);
    expect(records[0]!.srcIp).toBeUndefined();
    expect(errorsOf(d)).toEqual({ 'bad-field-length': 1 });
  });

  it('withdraws one template, then all of them (RFC 7011 §8.1)', () => {
    const d = decoder();
    run(d, ipfix([set(2, ipfixTemplate(256, SIMPLE), ipfixTemplate(257, SIMPLE), ipfixTemplate(258, SIMPLE))]));
    expect(d.stats().templates).toBe(3);
    expect(run(d, ipfix([set(2, withdrawal(256)), set(256, simpleRecord('192.0.2.10')), set(257, simpleRecord('192.0.2.11'))]))).toHaveLength(1);
    expect(run(d, ipfix([set(2, withdrawal(2)), set(257, simpleRecord('192.0.2.11'))]))).toEqual([]);
    expect(d.stats()).toMatchObject({ templates: 0, templatesWithdrawn: 3 });
    expect(errorsOf(d)).toEqual({ 'unknown-template': 2 });
  });

  it('forgets a template not refreshed within the timeout; a refresh keeps it', () => {
    const d = decoder(60_000);
    const template = ipfix([set(2, ipfixTemplate(256, SIMPLE))]);
    const data = ipfix([set(256, simpleRecord('192.0.2.10'))]);
    d.decode(template, '192.0.2.250', 4739, NOW);
    d.decode(template, '192.0.2.250', 4739, NOW + 50_000);
    expect(d.decode(data, '192.0.2.250', 4739, NOW + 100_000)).toHaveLength(1);
    expect(d.decode(data, '192.0.2.250', 4739, NOW + 110_001)).toEqual([]);
    expect(d.stats()).toMatchObject({ templates: 0, templatesExpired: 1 });
    d.decode(template, '192.0.2.250', 4739, NOW);
    d.cache.sweep(NOW + 60_001);
    expect(d.stats()).toMatchObject({ templates: 0, templatesExpired: 2 });
  });

  it('holds at most the configured number of templates', () => {
    const d = decoder(60_000, 16);
    run(d, ipfix([set(2, ...Array.from({ length: 20 }, (_, i) => ipfixTemplate(256 + i, SIMPLE)))]));
    expect(d.stats().templates).toBe(16);
    expect(errorsOf(d)).toEqual({ 'template-limit': 4 });
  });

  it('keeps templates apart per exporter session: IPFIX by address, port and domain; v9 by address and source id', () => {
    const d = decoder();
    d.decode(ipfix([set(2, ipfixTemplate(256, SIMPLE))]), '192.0.2.250', 4739, NOW);
    const data = ipfix([set(256, simpleRecord('192.0.2.10'))]);
    expect(d.decode(data, '192.0.2.250', 4740, NOW)).toEqual([]);
    expect(d.decode(data, '192.0.2.251', 4739, NOW)).toEqual([]);
    expect(d.decode(ipfix([set(256, simpleRecord('192.0.2.10'))], { domain: 1 }), '192.0.2.250', 4739, NOW)).toEqual([]);
    expect(d.decode(data, '192.0.2.250', 4739, NOW)).toHaveLength(1);
    d.decode(v9([set(0, v9Template(300, SIMPLE))], { sourceId: 7 }), '192.0.2.250', 2055, NOW);
    expect(d.decode(v9([set(300, simpleRecord('192.0.2.10'))], { sourceId: 7 }), '192.0.2.250', 2056, NOW)).toHaveLength(1);
    expect(d.decode(v9([set(300, simpleRecord('192.0.2.10'))], { sourceId: 8 }), '192.0.2.250', 2055, NOW)).toEqual([]);
    expect(errorsOf(d)).toEqual({ 'unknown-template': 4 });
  });
});

describe('flow decoder: records', () => {
  const RICH: FieldSpec[] = [
    [IE.sourceIPv4Address, 4, 29305], // an enterprise element with the same number: not the source address
    [82, 0xffff], // interfaceName, variable length
    [IE.sourceIPv4Address, 4],
    [IE.sourceMacAddress, 6],
    [IE.flowStartMilliseconds, 8],
    [IE.flowEndMilliseconds, 8],
    [IE.packetDeltaCount, 2],
    [IE.protocolIdentifier, 1],
    [IE.icmpTypeCodeIPv4, 2],
  ];
  const rich = (name: Buffer, src: string) =>
    Buffer.concat([ip('10.9.9.9'), varlen(name), ip(src), mac('02:00:00:00:0f:01'), u64(BigInt(NOW - 900)), u64(BigInt(NOW - 100)), u16(7), Buffer.from([1]), u16(0x0800)]);

  it('reads enterprise-bit and variable-length fields (1- and 3-byte lengths) to find its fields, and skips padding', () => {
    const d = decoder();
    const records = run(d, ipfix([set(2, ipfixTemplate(256, RICH)), set(256, rich(Buffer.from('br0'), '192.0.2.10'), rich(Buffer.alloc(300, 0x61), '192.0.2.11'), Buffer.alloc(2))]));
    expect(errorsOf(d)).toEqual({});
    expect(records).toEqual([
      { srcIp: 0xc000020a, srcMac: '02:00:00:00:0f:01', protocol: 1, srcPort: -1, dstPort: -1, icmpType: 8, packets: 7, start: NOW - 900, end: NOW - 100, exportTime: NOW },
      { srcIp: 0xc000020b, srcMac: '02:00:00:00:0f:01', protocol: 1, srcPort: -1, dstPort: -1, icmpType: 8, packets: 7, start: NOW - 900, end: NOW - 100, exportTime: NOW },
    ]);
  });

  it('stops at a variable-length field that runs past its set', () => {
    const d = decoder();
    const cut = rich(Buffer.alloc(300, 0x61), '192.0.2.11');
    const bad = Buffer.concat([cut.subarray(0, 4), Buffer.from([255, 0xff, 0xff]), cut.subarray(7 + 300)]);
    const records = run(d, ipfix([set(2, ipfixTemplate(256, RICH)), set(256, rich(Buffer.from('br0'), '192.0.2.10'), bad)]));
    expect(records).toHaveLength(1);
    expect(errorsOf(d)).toEqual({ 'record-truncated': 1 });
  });

  it('dates v9 records across a sysUptime wrap, and IPFIX sysUpTime records by the options record\'s system init time', () => {
    const d = decoder();
    const fields: FieldSpec[] = [[IE.sourceIPv4Address, 4], [IE.flowStartSysUpTime, 4], [IE.flowEndSysUpTime, 4]];
    const [wrapped] = run(d, v9([set(0, v9Template(300, fields)), set(300, ip('192.0.2.10'), u32(0xffffff00), u32(500))], { sysUptime: 1000 }));
    expect(wrapped).toMatchObject({ start: NOW - 1000 - 256, end: NOW - 500 });
    const opts = set(3, ipfixOptionsTemplate(400, 1, [[149, 4], [IE.systemInitTimeMilliseconds, 8]]));
    const [before] = run(d, ipfix([set(2, ipfixTemplate(256, fields)), set(256, ip('192.0.2.10'), u32(1000), u32(2000))]));
    expect(before).toMatchObject({ start: undefined, end: undefined, exportTime: NOW });
    const [after] = run(d, ipfix([opts, set(400, u32(1), u64(BigInt(NOW - 60_000)))]), ipfix([set(256, ip('192.0.2.10'), u32(1000), u32(2000))]));
    expect(after).toMatchObject({ start: NOW - 59_000, end: NOW - 58_000 });
    expect(d.stats().optionsRecords).toBe(1);
  });

  it('every reason has a name that can be a Prometheus label value', () => {
    for (const reason of FLOW_ERROR_REASONS satisfies readonly FlowErrorReason[]) expect(reason).toMatch(/^[a-z][a-z0-9-]+$/);
  });
});
