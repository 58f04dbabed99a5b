/**
 * The sorted index behind fast walks: row keys order like SNMP OIDs, search keys built from
 * arbitrary request OIDs land where compareOids says, and SortedRows stays sorted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexKey, rowIndex, searchKey, type BindingRow } from '../../src/snmp/binding-row.js';
import { compareOids, parseOid, readIpIndex, readStringIndex, stringIndex } from '../../src/snmp/oid.js';
import { SortedRows } from '../../src/snmp/sorted-rows.js';
import { counter64Bytes, dateAndTime } from '../../src/snmp/values.js';

const row = (vr: string, ip: string): BindingRow => {
  const index = rowIndex(vr, ip)!;
  return { key: indexKey(index), vr, ip } as BindingRow;
};
const vrArb = fc.constantFrom('default', 'vr-b', 'isp1', 'a', 'zz');
const ipArb = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));

describe('DXGW-MIB index encoding', () => {
  it('encodes (vr, ip) as length-prefixed name then four octets', () => {
    expect(rowIndex('default', '192.0.2.32')).toEqual([7, 100, 101, 102, 97, 117, 108, 116, 192, 0, 2, 32]);
    expect(rowIndex('x'.repeat(65), '192.0.2.1')).toBeUndefined();
    expect(rowIndex('', '192.0.2.1')).toBeUndefined();
    const oid = [9, ...stringIndex('vr-b'), 10, 0, 0, 1];
    const vr = readStringIndex(oid, 1)!;
    expect(vr.text).toBe('vr-b');
    expect(readIpIndex(oid, vr.end)).toEqual({ ip: '10.0.0.1', end: oid.length });
  });

  it('row keys compare exactly like the OIDs they stand for', () => {
    fc.assert(
      fc.property(vrArb, ipArb, vrArb, ipArb, (v1, i1, v2, i2) => {
        const a = rowIndex(v1, i1)!;
        const b = rowIndex(v2, i2)!;
        expect(Math.sign(indexKey(a) < indexKey(b) ? -1 : indexKey(a) > indexKey(b) ? 1 : 0)).toBe(Math.sign(compareOids(a, b)));
      }),
    );
  });

  it('a search key from any request OID splits the rows where compareOids does', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(vrArb, ipArb), { maxLength: 40 }), fc.array(fc.nat(70_000), { maxLength: 14 }), (pairs, query) => {
        const rows = new SortedRows();
        for (const [vr, ip] of pairs) rows.upsert(row(vr, ip));
        const at = rows.upperBound(searchKey(query));
        const expected = rows.values().filter((r) => compareOids(rowIndex(r.vr, r.ip)!, query) <= 0).length;
        expect(at).toBe(expected);
      }),
    );
  });
});

describe('SortedRows', () => {
  it('stays sorted and consistent through upserts, deletes and rebuilds', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), vrArb, ipArb), { maxLength: 200 }), (ops) => {
        const rows = new SortedRows();
        const model = new Map<string, BindingRow>();
        for (const [del, vr, ip] of ops) {
          const r = row(vr, ip);
          if (del) {
            rows.delete(r.key);
            model.delete(r.key);
          } else {
            rows.upsert(r);
            model.set(r.key, r);
          }
        }
        const keys = rows.values().map((r) => r.key);
        expect(keys).toEqual([...model.keys()].sort());
        rows.replaceAll([...model.values()].reverse());
        expect(rows.values().map((r) => r.key)).toEqual(keys);
      }),
    );
  });
});

describe('SNMP values', () => {
  it('encodes Counter64 as minimal unsigned BER content octets', () => {
    expect(counter64Bytes(0).toString('hex')).toBe('00');
    expect(counter64Bytes(127).toString('hex')).toBe('7f');
    expect(counter64Bytes(128).toString('hex')).toBe('0080');
    expect(counter64Bytes(2 ** 40).toString('hex')).toBe('010000000000');
    expect(counter64Bytes(2n ** 64n - 1n).toString('hex')).toBe('00ffffffffffffffff');
    expect(counter64Bytes(-5).toString('hex')).toBe('00');
  });

  it('encodes DateAndTime in UTC with the zone', () => {
    expect(dateAndTime(Date.UTC(2026, 10, 28, 9, 30, 5, 700)).toString('hex')).toBe('07ea0b1c091e05072b0000');
  });

  it('parses OIDs strictly', () => {
    expect(parseOid('.1.3.6.1')).toEqual([1, 3, 6, 1]);
    expect(() => parseOid('1.3.x')).toThrow();
    expect(() => parseOid('1.4294967296')).toThrow();
  });
});


describe('hexBytes', () => {
  it('reads colon hex and plain hex, and refuses anything else', async () => {
    const { hexBytes } = await import('../../src/snmp/values.js');
    expect(hexBytes('02:00:00:00:0b:01').toString('hex')).toBe('020000000b01');
    expect(hexBytes('0a').toString('hex')).toBe('0a');
    expect(hexBytes('72656c617930').toString()).toBe('relay0');
    expect(hexBytes('FF:ee').toString('hex')).toBe('ffee');
    for (const bad of ['0', '0g', '02:0', '02-00', '02:00:', 'zz:zz', null, '']) expect(hexBytes(bad).length).toBe(0);
  });
});
