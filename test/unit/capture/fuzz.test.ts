/**
 * Hostile input: the parsers must return or throw a DxgwError, never anything else, never
 * hang (vitest's timeout catches a loop), and never depend on how the input was chunked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCaptureBuffer } from '../../../src/capture/capture-file.js';
import { DxgwError } from '../../../src/errors/codes.js';
import { bytes, epb, idb, parseChunks, parseWhole, pb, shb, spb } from './builders.js';
import { pcapngSample, pcapSample } from './samples.js';

function onlyDxgwErrors(input: Buffer): void {
  try {
    parseCaptureBuffer(input, (frame) => {
      // Touch every frame so out-of-range views would show up.
      if (frame.data.length > 0) void frame.data[frame.data.length - 1];
      if (!(frame.nanos >= 0 && frame.nanos < 1e9)) throw new Error(`nanos out of range: ${frame.nanos}`);
    });
  } catch (err) {
    if (!(err instanceof DxgwError)) throw err;
  }
}

const valid = [pcapSample(true, false), pcapSample(false, true), pcapngSample()];
const magics = [valid[0]!.subarray(0, 24), valid[1]!.subarray(0, 24), shb(true), shb(false), Buffer.concat([shb(true), idb(true, { tsresol: 9 })])];

/** A valid file with random bytes overwritten, then possibly cut. */
const mutated = fc
  .record({
    base: fc.constantFrom(...valid),
    edits: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ base, edits, cut }) => {
    const buf = Buffer.from(base);
    for (const { at, value } of edits) buf[at % buf.length] = value;
    return cut === undefined ? buf : buf.subarray(0, cut % (buf.length + 1));
  });

/** A known header followed by random bytes. */
const headed = fc.tuple(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 400 })).map(([h, tail]) => Buffer.concat([h, tail]));

/** Random but well-formed-ish pcapng blocks, so fuzzing reaches the per-block code. */
const blocks = fc.array(
  fc.oneof(
    fc.record({ le: fc.boolean() }).map(({ le }) => shb(le)),
    fc.record({ tsresol: fc.integer({ min: 0, max: 255 }), snaplen: fc.nat(100) }).map((o) => idb(true, o)),
    fc.record({ interfaceId: fc.nat(3), ticks: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), n: fc.nat(40) }).map((o) => epb(true, { ...o, data: bytes(o.n) })),
    fc.record({ interfaceId: fc.nat(3), ticks: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) }).map((o) => pb(true, { ...o, data: bytes(3) })),
    fc.nat(40).map((n) => spb(true, bytes(n), n + 7)),
  ),
  { maxLength: 12 },
);

describe('fuzz', () => {
  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => onlyDxgwErrors(Buffer.from(b))), { numRuns: 5000 });
  });

  it('valid headers followed by random bytes', () => {
    fc.assert(fc.property(headed, onlyDxgwErrors), { numRuns: 5000 });
  });

  it('mutated and truncated valid files', () => {
    fc.assert(fc.property(mutated, onlyDxgwErrors), { numRuns: 10000 });
  });

  it('random block sequences', () => {
    fc.assert(fc.property(blocks, (list) => onlyDxgwErrors(Buffer.concat([shb(true), ...list]))), { numRuns: 5000 });
  });

  it('chunking never changes the outcome of a damaged file', () => {
    const input = fc.oneof(mutated, headed, blocks.map((list) => Buffer.concat([shb(true), ...list])));
    fc.assert(
      fc.property(input, fc.array(fc.integer({ min: 0, max: 64 }), { maxLength: 40 }), (file, cuts) => {
        expect(parseChunks(file, cuts)).toEqual(parseWhole(file));
      }),
      { numRuns: 5000 },
    );
  });
});
