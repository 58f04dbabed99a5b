/** The Redis binding codec and key helpers, without Redis. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Binding } from '../../../src/leases/binding.js';
import { decodeBinding, encodeBinding, encodeOptions, LISTPACK_VALUE_MAX, splitUtf8 } from '../../../src/leases/redis/binding-codec.js';
import { laneOf, parseLane, parseLeaseKey, siteKeys } from '../../../src/leases/redis/keys.js';
import { findLuaDir, loadScript, SCRIPTS, type ScriptDef } from '../../../src/leases/redis/scripts.js';
import { makeActiveBinding, makeBinding } from '../../conformance/lease-store.js';

const NEVER_CHUNKED = new Set(['r', 'm', 'c', 'i']);

function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

const nullable = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { nil: null });
const text = fc.string({ unit: 'binary', maxLength: 150 });
const record = fc.dictionary(text, text, { maxKeys: 6 });
const options = fc.dictionary(fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), text), fc.oneof(fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b).toString('hex')), text), {
  maxKeys: 8,
});
const time = fc.oneof(fc.integer({ min: 0, max: 2 ** 45 }), fc.double({ min: 0, max: 2 ** 45, noNaN: true }));

const bindingArb: fc.Arbitrary<Binding> = fc.record({
  vr: fc.constant('default'),
  ip: fc.constant('192.0.2.1'),
  sessionId: fc.string({ minLength: 1, maxLength: 20 }),
  mac: fc.string({ maxLength: 60 }),
  clientId: nullable(fc.string({ maxLength: 120 })),
  giaddr: text,
  serverId: nullable(text),
  circuitId: nullable(text),
  remoteId: nullable(text),
  vlans: fc.array(fc.integer({ min: 0, max: 4095 }), { maxLength: 3 }),
  state: fc.constantFrom('bound' as const, 'active' as const, 'denied' as const),
  leaseSeconds: fc.integer({ min: 0, max: 0xffffffff }),
  leaseStart: time,
  expiresAt: nullable(time),
  boundAt: time,
  activatedAt: nullable(time),
  interfaceName: nullable(text),
  profile: nullable(text),
  interfaceVr: nullable(text),
  loginName: nullable(text),
  attributes: record,
  clientOptions: options,
  serverOptions: options,
  lastXid: fc.integer({ min: 0, max: 0xffffffff }),
  rev: fc.integer({ min: 1, max: 2 ** 40 }),
});

describe('binding codec', () => {
  it('round-trips any binding exactly', () => {
    fc.assert(
      fc.property(bindingArb, (b) => {
        const decoded = decodeBinding(b.vr, b.ip, pairs(encodeBinding(b)));
        expect(decoded).toEqual({ ok: true, binding: b });
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every value of a chunkable field within the listpack limit', () => {
    fc.assert(
      fc.property(bindingArb, (b) => {
        const flat = encodeBinding(b);
        for (let i = 0; i < flat.length; i += 2) {
          const field = flat[i]!;
          expect(Buffer.byteLength(field)).toBeLessThanOrEqual(LISTPACK_VALUE_MAX);
          if (!NEVER_CHUNKED.has(field)) expect(Buffer.byteLength(flat[i + 1]!)).toBeLessThanOrEqual(LISTPACK_VALUE_MAX);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('encodes a typical binding compactly', () => {
    const b = makeActiveBinding();
    const h = pairs(encodeBinding(b));
    expect(h.q).toBe('12=686f73742d61;53=03;55=0103060f1c2a;61=01020000000001');
    expect(h.t).toBe('a');
    expect(h.V).toBe('100,4094');
    expect(Object.keys(pairs(encodeBinding(makeBinding({ expiresAt: null }))))).not.toContain('e');
    expect(encodeOptions({ '1': 'zz' })).toBe('{"1":"zz"}');
  });

  it('splits UTF-8 at character boundaries', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 4, max: 70 }), (s, max) => {
        const pieces = splitUtf8(s, max);
        expect(pieces.join('')).toBe(s);
        for (const p of pieces) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(max);
      }),
    );
  });

  it('writes derivable times and the interface vr short, and reads the long form of older hashes', () => {
    const b = makeActiveBinding({ interfaceVr: 'default' });
    const h = pairs(encodeBinding(b));
    expect(h).toMatchObject({ e: '', b: String(b.leaseStart - b.boundAt), k: String(b.activatedAt! - b.leaseStart), w: '' });
    for (const long of ['B', 'A', 'v']) expect(h).not.toHaveProperty(long);
    // As the previous version wrote it: every time absolute, the interface vr spelled out.
    const old: Record<string, string> = { ...h, e: String(b.expiresAt), B: String(b.boundAt), A: String(b.activatedAt), v: b.interfaceVr! };
    for (const short of ['b', 'k', 'w']) delete old[short];
    expect(decodeBinding(b.vr, b.ip, old)).toEqual({ ok: true, binding: b });
    expect(decodeBinding(b.vr, b.ip, h)).toEqual({ ok: true, binding: b });
  });

  it('reports garbled hashes as corrupt and never throws', () => {
    const good = pairs(encodeBinding(makeActiveBinding()));
    for (const field of ['s', 'm', 'g', 't', 'L', 'T', 'b', 'x', 'r']) {
      const h = { ...good };
      delete h[field];
      if (field === 'b') delete h.B;
      expect(decodeBinding('default', '192.0.2.10', h)).toMatchObject({ ok: false });
    }
    const garbled: Array<Record<string, string>> = [
      { ...good, r: 'x' },
      { ...good, r: '1.5' },
      { ...good, t: 'q' },
      { ...good, T: '' },
      { ...good, e: 'soon' },
      { ...good, b: 'x' },
      { ...good, k: '' },
      { ...good, V: '1,,2' },
      { ...good, a: '{not json' },
      { ...good, a: '[1]' },
      { ...good, a: '{"k":1}' },
      { ...good, q: '12=zz' },
      { ...good, o: 'no-equals' },
    ];
    for (const h of garbled) expect(decodeBinding('default', '192.0.2.10', h)).toMatchObject({ ok: false });
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('r', 's', 'm', 'c', 'g', 't', 'L', 'T', 'e', 'B', 'b', 'k', 'w', 'v', 'x', 'V', 'a', 'a1', 'q', 'o'), text), (h) => {
        decodeBinding('default', '192.0.2.10', h);
      }),
    );
  });
});

describe('keys', () => {
  it('puts every key of a site under one hash tag', () => {
    const k = siteKeys('pop-1');
    for (const key of [k.lease('default', '192.0.2.1'), k.macIndex, k.clientIdIndex, k.interfaceIndex, k.expiry, k.seq, k.outbox, k.stats]) {
      expect(key.startsWith('{dxgw:pop-1}:')).toBe(true);
    }
    expect(k.lease('default', '192.0.2.1')).toBe('{dxgw:pop-1}:lease:default:192.0.2.1');
  });

  it('refuses site names that break the hash tag and vr names that break lanes', () => {
    expect(() => siteKeys('a}b')).toThrow(/site/);
    expect(() => siteKeys('')).toThrow(/site/);
    expect(() => siteKeys('a b')).toThrow(/site/);
  });

  it('parses lanes at the first bar and lease keys around vr names with colons', () => {
    expect(parseLane(laneOf('default', '192.0.2.1'))).toEqual({ vr: 'default', ip: '192.0.2.1' });
    expect(parseLane('nobar')).toBeUndefined();
    const k = siteKeys('s');
    expect(parseLeaseKey(k, k.lease('router:vrf', '192.0.2.1'))).toEqual({ vr: 'router:vrf', ip: '192.0.2.1' });
    expect(parseLeaseKey(k, k.lease('default', '2001:db8::1'))).toEqual({ vr: 'default', ip: '2001:db8::1' });
    expect(parseLeaseKey(k, '{dxgw:s}:lease:nocolon')).toBeUndefined();
    expect(parseLeaseKey(k, '{dxgw:t}:lease:a:1.2.3.4')).toBeUndefined();
    expect(siteKeys('a*b').leasePattern).toBe('{dxgw:a\\*b}:lease:*');
  });
});

describe('scripts', () => {
  it('load from src/leases/lua with includes expanded and a header naming KEYS, ARGV and returns', () => {
    expect(findLuaDir()).toMatch(/src\/leases\/lua\/$/);
    for (const def of Object.values(SCRIPTS) as ScriptDef[]) {
      const lua = loadScript(def.file);
      // <verb>-<numKeys>.lua; a script whose number of keys varies has no number.
      expect(def.file).toMatch(def.numberOfKeys === undefined ? /^[a-z-]+[a-z]\.lua$/ : new RegExp(`-${def.numberOfKeys}\\.lua$`));
      expect(lua.startsWith('#!lua\n')).toBe(true);
      expect(lua).not.toMatch(/@include/);
      expect(lua).toMatch(/KEYS\[1\]/);
      expect(lua).toMatch(/ARGV\[1\]/);
      expect(lua).toMatch(/Returns/);
    }
  });
});
