import { describe, expect, it } from 'vitest';
import { parseCaptureBuffer } from '../../../src/capture/capture-file.js';
import type { CapturedFrame } from '../../../src/capture/frame.js';
import { LinkType } from '../../../src/capture/link-types.js';
import { bytes, epb, idb, parseWhole, pb, shb, spb } from './builders.js';
import { NS_TICKS, pcapngSample } from './samples.js';

const hex = (n: number, seed: number) => bytes(n, seed).toString('hex');

describe('PcapngParser', () => {
  it('reads sections, interfaces, EPB/SPB/PB and skips other blocks', () => {
    const file = pcapngSample();
    const out = parseWhole(file);
    expect(out.error).toBeNull();
    const frames = out.frames.map(({ offset: _, ...f }) => f);
    expect(frames).toEqual([
      { seconds: 1_700_000_000, nanos: 1_000, linkType: LinkType.EN10MB, interfaceId: 0, originalLength: 60, data: hex(42, 4) },
      { seconds: 1_700_000_000, nanos: 123_456_789, linkType: LinkType.RAW, interfaceId: 1, originalLength: 5, data: hex(5, 5) },
      // SPB: interface 0, timestamp of the previous packet
      { seconds: 1_700_000_000, nanos: 123_456_789, linkType: LinkType.EN10MB, interfaceId: 0, originalLength: 10, data: hex(10, 6) },
      // obsolete PB, ns, all-ones 64-bit tick count
      { seconds: 18_446_744_073, nanos: 709_551_615, linkType: LinkType.RAW, interfaceId: 1, originalLength: 7, data: hex(7, 7) },
      // BE section: 2^-20 resolution plus if_tsoffset 1000 s
      { seconds: 1_700_001_000, nanos: 500_000_000, linkType: LinkType.LINUX_SLL, interfaceId: 0, originalLength: 8, data: hex(8, 9) },
      // SPB: captured length is the interface snaplen (8)
      { seconds: 1_700_001_000, nanos: 500_000_000, linkType: LinkType.LINUX_SLL, interfaceId: 0, originalLength: 300, data: hex(8, 10) },
      // ms resolution, negative if_tsoffset
      { seconds: 1_699_999_995, nanos: 999_000_000, linkType: LinkType.LINUX_SLL2, interfaceId: 1, originalLength: 3, data: hex(3, 11) },
    ]);
    // Offsets point at the block that carried each frame.
    const types = out.frames.map((f) => file.readUInt32LE(f.offset) === 6 || file.readUInt32BE(f.offset) === 6 ? 'EPB' : file.readUInt32LE(f.offset) === 3 || file.readUInt32BE(f.offset) === 3 ? 'SPB' : 'PB');
    expect(types).toEqual(['EPB', 'EPB', 'SPB', 'PB', 'EPB', 'SPB', 'EPB']);
    const summary = parseCaptureBuffer(file, () => {});
    expect(summary).toEqual({
      format: 'pcapng',
      frames: 7,
      bytes: file.length,
      linkTypes: [LinkType.EN10MB, LinkType.RAW, LinkType.LINUX_SLL, LinkType.LINUX_SLL2],
      nanosecond: true,
      sections: 3,
      interfaces: 4,
    });
  });

  it('keeps nanosecond timestamps exact beyond 2^53 ticks', () => {
    const ticks = [NS_TICKS, 0n, 1n, 999_999_999n, 1_000_000_000n, (1n << 53n) + 1n, 4_102_444_800_000_000_001n, (1n << 64n) - 1n];
    const file = Buffer.concat([shb(true), idb(true, { tsresol: 9 }), ...ticks.map((t) => epb(true, { interfaceId: 0, ticks: t, data: bytes(1) }))]);
    const got = parseWhole(file).frames.map((f) => BigInt(f.seconds) * 1_000_000_000n + BigInt(f.nanos));
    expect(got).toEqual(ticks);
  });

  it.each([
    ['10^-0', 0, 1n],
    ['10^-3', 3, 1000n],
    ['10^-6 (default)', undefined, 1_000_000n],
    ['10^-7', 7, 10_000_000n],
    ['10^-12', 12, 1_000_000_000_000n],
    ['2^-0', 0x80, 1n],
    ['2^-10', 0x80 | 10, 1024n],
    ['2^-32', 0x80 | 32, 1n << 32n],
    ['2^-63', 0x80 | 63, 1n << 63n],
  ])('converts if_tsresol %s', (_name, tsresol, perSecond) => {
    const ticks = [0n, 1n, perSecond - 1n, perSecond, 1_700_000_000n * perSecond + perSecond / 3n, (1n << 64n) - 1n].filter((t) => t < 1n << 64n);
    const file = Buffer.concat([shb(false), idb(false, tsresol === undefined ? {} : { tsresol }), ...ticks.map((t) => epb(false, { interfaceId: 0, ticks: t, data: bytes(2) }))]);
    const got = parseWhole(file).frames.map((f) => [f.seconds, f.nanos]);
    const want = ticks.map((t) => [Number(t / perSecond), Number(((t % perSecond) * 1_000_000_000n) / perSecond)]);
    expect(got).toEqual(want);
  });

  it('flags nanosecond only for sub-microsecond interfaces', () => {
    const micro = Buffer.concat([shb(true), idb(true, { tsresol: 6 }), idb(true, { tsresol: 0x80 | 19 })]);
    expect(parseCaptureBuffer(micro, () => {}).nanosecond).toBe(false);
    const nano = Buffer.concat([shb(true), idb(true, { tsresol: 0x80 | 20 })]);
    expect(parseCaptureBuffer(nano, () => {}).nanosecond).toBe(true);
  });

  it('starts a fresh interface list in each section', () => {
    const file = Buffer.concat([shb(true), idb(true), idb(true), shb(true), idb(true), epb(true, { interfaceId: 1, ticks: 0n, data: bytes(1) })]);
    const bad = file.length - epb(true, { interfaceId: 1, ticks: 0n, data: bytes(1) }).length;
    expect(parseWhole(file).error).toEqual({ code: 'DXGW_CAPTURE_FILE_CORRUPT', offset: bad });
  });

  it('ignores unknown IDB options and reads the ones after them', () => {
    const file = Buffer.concat([
      shb(true),
      idb(true, { extra: [{ code: 0x1234, value: bytes(5) }, { code: 9, value: Buffer.from([9]) }] }),
      epb(true, { interfaceId: 0, ticks: 1_500_000_000n, data: bytes(1) }),
    ]);
    expect(parseWhole(file).frames[0]).toMatchObject({ seconds: 1, nanos: 500_000_000 });
  });

  it('uses timestamp 0 for an SPB before any timestamped packet, and the PB interface id', () => {
    const file = Buffer.concat([shb(true), idb(true), idb(true, { linkType: 101 }), spb(true, bytes(3)), pb(true, { interfaceId: 1, ticks: 5n, data: bytes(1) })]);
    const frames = parseWhole(file).frames;
    expect(frames[0]).toMatchObject({ seconds: 0, nanos: 0, interfaceId: 0 });
    expect(frames[1]).toMatchObject({ seconds: 0, nanos: 5000, interfaceId: 1, linkType: 101 });
  });

  it('cuts SPB data to the snaplen even if the block holds more, and drops the padding', () => {
    const file = Buffer.concat([shb(true), idb(true, { snaplen: 4 }), spb(true, bytes(12), 100), spb(true, bytes(3), 3)]);
    expect(parseWhole(file).frames.map((f) => [f.data, f.originalLength])).toEqual([
      [bytes(4).toString('hex'), 100],
      [bytes(3).toString('hex'), 3], // padding is not data
    ]);
  });

  it('hands out views into the pushed buffer', () => {
    const file = pcapngSample();
    const frames: CapturedFrame[] = [];
    parseCaptureBuffer(file, (f) => frames.push(f));
    for (const f of frames) expect(f.data.buffer).toBe(file.buffer);
  });
});
