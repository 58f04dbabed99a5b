import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitTimestamp, timestampScale } from '../../../src/capture/pcapng-timestamp.js';

/** Reference: plain BigInt arithmetic, truncating to whole nanoseconds. */
function reference(tsresol: number, offset: number, ticks: bigint): [number, number] {
  const perSecond = (tsresol & 0x80) !== 0 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
  return [Number(ticks / perSecond) + offset, Number(((ticks % perSecond) * 1_000_000_000n) / perSecond)];
}

describe('splitTimestamp', () => {
  const tsresols = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 70 }).map((n) => 0x80 | n));
  // Bias the high word towards the 2^21 boundary where the Number fast path hands over.
  const highs = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0x1ffff0, max: 0x200010 }), fc.constantFrom(0, 0xffffffff));

  it('matches BigInt arithmetic for every resolution and 64-bit tick count', () => {
    fc.assert(
      fc.property(tsresols, highs, fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: -1e6, max: 1e6 }), (tsresol, high, low, offset) => {
        const out = { seconds: -1, nanos: -1 };
        splitTimestamp(timestampScale(tsresol, offset), high, low, out);
        const [seconds, nanos] = reference(tsresol, offset, (BigInt(high) << 32n) | BigInt(low));
        expect(out).toEqual({ seconds, nanos });
      }),
      { numRuns: 20_000 },
    );
  });

  it('uses the Number path for 10^-0..10^-9 and BigInt otherwise', () => {
    expect(timestampScale().units).toBe(1e6);
    expect(timestampScale(9).units).toBe(1e9);
    expect(timestampScale(10).units).toBe(0);
    expect(timestampScale(0x80 | 10).units).toBe(0);
  });
});
