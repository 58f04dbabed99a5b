/** Every split of every sample file must give exactly what the whole-buffer parse gives. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { block, bytes, epb, every, idb, parseChunks, parseWhole, shb } from './builders.js';
import { pcapngSample, pcapSample } from './samples.js';

const samples: Array<[string, Buffer]> = [
  ['pcap LE µs', pcapSample(true, false)],
  ['pcap BE ns', pcapSample(false, true)],
  ['pcap LE ns', pcapSample(true, true)],
  ['pcap BE µs', pcapSample(false, false)],
  ['pcapng', pcapngSample()],
];

// Corrupt and truncated variants: chunking must not change the error or the frames before it.
const pcapng = pcapngSample();
const badTrailer = Buffer.from(pcapng);
const shbLength = badTrailer.readUInt32LE(4);
badTrailer.writeUInt32LE(shbLength + 4, shbLength - 4); // the first SHB's trailing length copy
const faulty: Array<[string, Buffer]> = [
  ['pcap truncated mid-record', pcapSample(true, false).subarray(0, 130)],
  ['pcap truncated mid-header', pcapSample(false, true).subarray(0, 11)],
  ['pcapng truncated', pcapng.subarray(0, pcapng.length - 30)],
  ['pcapng bad SHB trailer', badTrailer],
  ['pcapng unknown interface', Buffer.concat([shb(true), idb(true), epb(true, { interfaceId: 0, ticks: 1n, data: bytes(3) }), epb(true, { interfaceId: 7, ticks: 2n, data: bytes(3) })])],
  ['pcapng short block', Buffer.concat([shb(false), idb(false), block(false, 5, Buffer.alloc(0)).subarray(0, 4), Buffer.from([0, 0, 0, 8, 0, 0, 0, 8])])],
];

describe('chunk boundaries', () => {
  for (const [name, file] of [...samples, ...faulty]) {
    it(`${name}: every chunk size from 1 to ${file.length} bytes`, () => {
      const whole = parseWhole(file);
      for (let size = 1; size <= file.length; size++) {
        expect(parseChunks(file, every(size, file.length)), `chunk size ${size}`).toEqual(whole);
      }
    });

    it(`${name}: every single split point`, () => {
      const whole = parseWhole(file);
      for (let cut = 0; cut <= file.length; cut++) {
        expect(parseChunks(file, [cut]), `split at ${cut}`).toEqual(whole);
      }
    });
  }

  it('valid samples parse without error', () => {
    for (const [, file] of samples) expect(parseWhole(file).error).toBeNull();
    for (const [, file] of faulty) expect(parseWhole(file).error).not.toBeNull();
  });

  it('random chunkings (including empty chunks) agree with the whole-buffer parse', () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples, ...faulty), fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 60 }), ([, file], cuts) => {
        expect(parseChunks(file, cuts)).toEqual(parseWhole(file));
      }),
      { numRuns: 2000 },
    );
  });
});
