/** The hand-rolled address helpers against the obvious string implementations they replaced. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../../src/events/stamp.js';
import { bytesToHex, bytesToPlainHex, ipToString, parseIp } from '../../../src/packet/addresses.js';

function referenceParseIp(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let ip = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    ip = ip * 256 + n;
  }
  return ip;
}

describe('address helpers', () => {
  it('parseIp accepts exactly what the strict split/regex parser accepts', () => {
    const fixed = ['1.2.3.4', '255.255.255.255', '256.1.1.1', '01.002.3.4', '1.2.3', '1.2.3.4.', '.1.2.3', '1..2.3', '1.2.3.4 ', '1.2.3.1000', '١.2.3.4', '', '0.0.0.0'];
    for (const text of fixed) expect(parseIp(text)).toBe(referenceParseIp(text));
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9.a ]{0,17}$/), (text) => {
        expect(parseIp(text)).toBe(referenceParseIp(text));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (ip) => {
        expect(parseIp(ipToString(ip))).toBe(ip);
      }),
    );
  });

  it('ipToString and the hex forms match their string-concatenating definitions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (ip) => {
        expect(ipToString(ip)).toBe(`${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0'));
        expect(bytesToHex(bytes)).toBe(hex.join(':'));
        expect(bytesToHex(Buffer.from(bytes))).toBe(hex.join(':'));
        expect(bytesToPlainHex(bytes)).toBe(hex.join(''));
        expect(bytesToPlainHex(Buffer.from(bytes), 1)).toBe(hex.slice(1).join(''));
      }),
    );
  });

  it('isoTime formats like Date#toISOString, fractional milliseconds and interleaved seconds included', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 4_102_444_800_000, noNaN: true }), { minLength: 1, maxLength: 200 }), (times) => {
        for (const ms of times) expect(isoTime(ms)).toBe(new Date(Math.floor(ms)).toISOString());
      }),
    );
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });
});
