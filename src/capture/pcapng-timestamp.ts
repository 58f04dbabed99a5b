/**
 * pcapng timestamps (draft-ietf-opsawg-pcapng §4.2 if_tsresol / if_tsoffset, §4.3 EPB):
 * a 64-bit count of 10^-n or 2^-n second units since 1970, plus a whole-second offset.
 *
 * A 64-bit tick count exceeds 2^53, so plain float arithmetic would round it. For 10^-n with
 * n <= 9 (µs and ns, nearly every file) the split into seconds + nanoseconds is done exactly
 * on Numbers; every other resolution goes through BigInt.
 */

export interface TimestampScale {
  /** 10^n for n <= 9, else 0 (meaning: use the BigInt path). */
  units: number;
  /** 10^(9-n) when `units` is set: nanoseconds per tick. */
  nanosPerTick: number;
  /** Ticks per second for the BigInt path. */
  bigUnits: bigint;
  /** if_tsoffset, whole seconds added to every timestamp. */
  offsetSeconds: number;
  /** True if a tick is shorter than a microsecond. */
  subMicro: boolean;
}

/** Scale from an if_tsresol byte (MSB clear: 10^-n; MSB set: 2^-n; absent: 6). */
export function timestampScale(tsresol: number = 6, offsetSeconds = 0): TimestampScale {
  const n = tsresol & 0x7f;
  if ((tsresol & 0x80) !== 0) {
    const bigUnits = 1n << BigInt(n);
    return { units: 0, nanosPerTick: 0, bigUnits, offsetSeconds, subMicro: n >= 20 };
  }
  const bigUnits = 10n ** BigInt(n);
  if (n <= 9) return { units: 10 ** n, nanosPerTick: 10 ** (9 - n), bigUnits, offsetSeconds, subMicro: n > 6 };
  return { units: 0, nanosPerTick: 0, bigUnits, offsetSeconds, subMicro: true };
}

/** Writes seconds/nanos for ticks = high * 2^32 + low into `out` (no allocation on the Number path). */
export function splitTimestamp(scale: TimestampScale, high: number, low: number, out: { seconds: number; nanos: number }): void {
  const u = scale.units;
  if (u === 0) {
    const ticks = (BigInt(high) << 32n) | BigInt(low);
    const seconds = ticks / scale.bigUnits;
    const rest = ticks - seconds * scale.bigUnits;
    out.seconds = Number(seconds) + scale.offsetSeconds;
    out.nanos = Number((rest * 1_000_000_000n) / scale.bigUnits);
    return;
  }
  let seconds: number;
  let rest: number;
  if (high < 0x200000) {
    // ticks < 2^53: exact as a Number; the quotient may be off by one after rounding, so fix it.
    const ticks = high * 4294967296 + low;
    seconds = Math.floor(ticks / u);
    rest = ticks - seconds * u;
    if (rest < 0) {
      seconds -= 1;
      rest += u;
    } else if (rest >= u) {
      seconds += 1;
      rest -= u;
    }
  } else {
    // Long division in 32 + 16 + 16 bit digits: every partial value stays below 2^47.
    const q0 = Math.floor(high / u);
    let r = high - q0 * u;
    let part = r * 65536 + (low >>> 16);
    const q1 = Math.floor(part / u);
    r = part - q1 * u;
    part = r * 65536 + (low & 0xffff);
    const q2 = Math.floor(part / u);
    rest = part - q2 * u;
    seconds = q0 * 4294967296 + q1 * 65536 + q2;
  }
  out.seconds = seconds + scale.offsetSeconds;
  out.nanos = rest * scale.nanosPerTick;
}
