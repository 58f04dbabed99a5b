import { describe, expect, it } from 'vitest';
import { parseCaptureBuffer } from '../../../src/capture/capture-file.js';
import type { CapturedFrame } from '../../../src/capture/frame.js';
import { LinkType } from '../../../src/capture/link-types.js';
import { PcapParser } from '../../../src/capture/pcap-parser.js';
import { buildPcap, bytes, parseWhole } from './builders.js';
import { pcapSample } from './samples.js';

describe('PcapParser', () => {
  for (const littleEndian of [true, false]) {
    for (const nanosecond of [false, true]) {
      it(`reads a ${littleEndian ? 'LE' : 'BE'} ${nanosecond ? 'ns' : 'µs'} file`, () => {
        const file = pcapSample(littleEndian, nanosecond);
        const out = parseWhole(file);
        expect(out.error).toBeNull();
        expect(out.frames).toEqual([
          { seconds: 1_700_000_000, nanos: 999_999_999 - (nanosecond ? 0 : 999), linkType: 1, interfaceId: 0, originalLength: 60, data: bytes(60, 1).toString('hex'), offset: 24 },
          { seconds: 1_700_000_001, nanos: 0, linkType: 1, interfaceId: 0, originalLength: 1514, data: bytes(1, 2).toString('hex'), offset: 24 + 76 },
          { seconds: 0xffffffff, nanos: nanosecond ? 1 : 1000, linkType: 1, interfaceId: 0, originalLength: 0, data: '', offset: 24 + 76 + 17 },
          { seconds: 1_700_000_002, nanos: nanosecond ? 123_456 : 123_456_000, linkType: 1, interfaceId: 0, originalLength: 13, data: bytes(13, 3).toString('hex'), offset: 24 + 76 + 17 + 16 },
        ]);
        const summary = parseCaptureBuffer(file, () => {});
        expect(summary).toEqual({ format: 'pcap', frames: 4, bytes: file.length, linkTypes: [1], nanosecond, sections: 1, interfaces: 1 });
      });
    }
  }

  it('exposes the file header', () => {
    const parser = new PcapParser(() => {});
    expect(parser.header).toBeNull();
    parser.push(buildPcap({ littleEndian: false, nanosecond: true, linkType: 113, snaplen: 1234, records: [] }));
    parser.end();
    expect(parser.header).toEqual({ littleEndian: false, nanosecond: true, versionMajor: 2, versionMinor: 4, snaplen: 1234, linkType: 113 });
  });

  it('masks the FCS bits above the 16-bit link type', () => {
    const file = buildPcap({ linkType: LinkType.EN10MB, linkTypeHigh: 0x1400, records: [{ seconds: 1, frac: 2, data: bytes(4) }] });
    const out = parseWhole(file);
    expect(out.frames[0]?.linkType).toBe(LinkType.EN10MB);
  });

  it('carries an overflowing fraction into the seconds', () => {
    const file = buildPcap({ records: [{ seconds: 10, frac: 2_500_000, data: bytes(1) }] });
    expect(parseWhole(file).frames[0]).toMatchObject({ seconds: 12, nanos: 500_000_000 });
  });

  it('hands out views into the pushed buffer, not copies', () => {
    const file = pcapSample(true, false);
    const frames: CapturedFrame[] = [];
    parseCaptureBuffer(file, (f) => frames.push(f));
    expect(frames.length).toBe(4);
    for (const f of frames) expect(f.data.buffer).toBe(file.buffer);
  });

  it('accepts a header-only file', () => {
    expect(parseWhole(buildPcap({ records: [] }))).toEqual({ frames: [], error: null });
  });

  it('accepts records beyond the snaplen up to 256 KiB, and larger ones if the snaplen says so', () => {
    const big = bytes(200_000);
    expect(parseWhole(buildPcap({ snaplen: 65535, records: [{ seconds: 1, frac: 0, data: big }] })).frames).toHaveLength(1);
    const huge = bytes(300_000);
    expect(parseWhole(buildPcap({ snaplen: 65535, records: [{ seconds: 1, frac: 0, data: huge }] })).error).toEqual({ code: 'DXGW_CAPTURE_FILE_CORRUPT', offset: 24 });
    expect(parseWhole(buildPcap({ snaplen: 400_000, records: [{ seconds: 1, frac: 0, data: huge }] })).frames).toHaveLength(1);
  });
});
