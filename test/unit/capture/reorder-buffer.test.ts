import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CapturedFrame } from '../../../src/capture/frame.js';
import { ReorderBuffer } from '../../../src/capture/reorder-buffer.js';

const frame = (ms: number, id: number): CapturedFrame => ({
  seconds: Math.floor(ms / 1000),
  nanos: (ms % 1000) * 1e6,
  linkType: 1,
  data: Buffer.from([id & 255, id >> 8]),
  originalLength: 2,
  interfaceId: 0,
});
const idOf = (f: CapturedFrame) => f.data[0]! | (f.data[1]! << 8);

describe('ReorderBuffer', () => {
  it('restores time order within the window, stable for equal times', () => {
    const out: number[] = [];
    const buffer = new ReorderBuffer(1000, (f) => out.push(idOf(f)));
    [[100, 1], [300, 2], [200, 3], [300, 4], [150, 5], [5000, 6]].forEach(([t, id]) => {
      buffer.push(frame(t!, id!));
    });
    expect(out).toEqual([1, 5, 3, 2, 4]);
    buffer.drain();
    expect(out).toEqual([1, 5, 3, 2, 4, 6]);
    expect(buffer.late).toBe(0);
  });

  it('emits frames later than the window at once and counts them', () => {
    const out: number[] = [];
    const buffer = new ReorderBuffer(100, (f) => out.push(idOf(f)));
    buffer.push(frame(1000, 1));
    buffer.push(frame(2000, 2));
    buffer.push(frame(500, 3));
    buffer.drain();
    expect(out).toEqual([1, 3, 2]);
    expect(buffer.late).toBe(1);
  });

  it('never loses or duplicates a frame, and emits in order when the disorder fits the window', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 3000 }), (jitters) => {
        const out: CapturedFrame[] = [];
        const buffer = new ReorderBuffer(500, (f) => out.push(f));
        jitters.forEach((j, i) => {
          buffer.push(frame(i * 10 + j, i));
        });
        buffer.drain();
        expect(out.map(idOf).sort((a, b) => a - b)).toEqual(jitters.map((_, i) => i));
        const times = out.map((f) => f.seconds * 1000 + f.nanos / 1e6);
        expect(times).toEqual([...times].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });
});
