/** Damaged files: the right code, the offset of the bad unit, and every frame before it. */
import { describe, expect, it } from 'vitest';
import { parseCaptureBuffer } from '../../../src/capture/capture-file.js';
import { DxgwError } from '../../../src/errors/codes.js';
import { block, buildPcap, bytes, epb, idb, parseWhole, pb, pcapHeader, pcapRecord, shb, spb } from './builders.js';

const CORRUPT = 'DXGW_CAPTURE_FILE_CORRUPT';
const TRUNCATED = 'DXGW_CAPTURE_FILE_TRUNCATED';
const UNKNOWN = 'DXGW_CAPTURE_FILE_UNKNOWN_FORMAT';

const rec = (seconds: number, n: number) => ({ seconds, frac: 0, data: bytes(n, seconds) });

describe('pcap faults', () => {
  const good = [rec(1, 40), rec(2, 50)];
  const head = buildPcap({ records: good });

  it('names the record whose captured length is absurd', () => {
    const file = Buffer.concat([head, pcapRecord(true, { ...rec(3, 10), inclLength: 0x7fffffff })]);
    const out = parseWhole(file);
    expect(out.error).toEqual({ code: CORRUPT, offset: head.length });
    expect(out.frames.map((f) => f.seconds)).toEqual([1, 2]);
  });

  it('checks the length as soon as the record header is in, even if the file ends there', () => {
    const file = Buffer.concat([head, pcapRecord(false, { ...rec(3, 0), inclLength: 300_000 })]);
    const be = Buffer.concat([buildPcap({ littleEndian: false, records: good }), file.subarray(head.length)]);
    expect(parseWhole(be).error).toEqual({ code: CORRUPT, offset: head.length });
  });

  it('reports a record cut short at its start', () => {
    const file = Buffer.concat([head, pcapRecord(true, rec(3, 100)).subarray(0, 60)]);
    const out = parseWhole(file);
    expect(out.error).toEqual({ code: TRUNCATED, offset: head.length });
    expect(out.frames).toHaveLength(2);
    // ... and a partial record header too
    expect(parseWhole(Buffer.concat([head, Buffer.alloc(5)])).error).toEqual({ code: TRUNCATED, offset: head.length });
  });

  it('reports a short file header at offset 0', () => {
    expect(parseWhole(pcapHeader().subarray(0, 20)).error).toEqual({ code: TRUNCATED, offset: 0 });
    expect(parseWhole(pcapHeader().subarray(0, 2)).error).toEqual({ code: TRUNCATED, offset: 0 });
  });
});

describe('format detection faults', () => {
  it('empty input is truncated at 0', () => {
    expect(parseWhole(Buffer.alloc(0)).error).toEqual({ code: TRUNCATED, offset: 0 });
  });

  it('an unknown magic is reported at 0, however short the file', () => {
    expect(parseWhole(Buffer.from('GET / HTTP/1.1\r\n')).error).toEqual({ code: UNKNOWN, offset: 0 });
    expect(parseWhole(Buffer.from([0x12])).error).toEqual({ code: UNKNOWN, offset: 0 });
    // modified (Kuznetzov) pcap is not supported
    expect(parseWhole(Buffer.concat([Buffer.from([0x34, 0xcd, 0xb2, 0xa1]), Buffer.alloc(20)])).error).toEqual({ code: UNKNOWN, offset: 0 });
  });

  it('throws DxgwError instances with describe()', () => {
    try {
      parseCaptureBuffer(Buffer.from('nope'), () => {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DxgwError);
      expect((err as DxgwError).describe()).toMatch(/^DXGW_CAPTURE_FILE_UNKNOWN_FORMAT: .* \(at byte offset 0\)$/);
    }
  });
});

describe('pcapng faults', () => {
  const le = true;
  const head = Buffer.concat([shb(le), idb(le), epb(le, { interfaceId: 0, ticks: 1_000_000n, data: bytes(9) })]);
  const at = head.length;
  const withBlock = (b: Buffer) => Buffer.concat([head, b, epb(le, { interfaceId: 0, ticks: 9n, data: bytes(1) })]);
  const lengthOf = (value: number, type = 5) => {
    const b = block(le, type, Buffer.alloc(8));
    b.writeUInt32LE(value, 4);
    return b;
  };

  it.each([
    ['total length < 12', lengthOf(8)],
    ['total length not a multiple of 4', lengthOf(22)],
    ['total length > 16 MiB', lengthOf(16 * 1024 * 1024 + 4)],
    ['total length 0xffffffff', lengthOf(0xffffffff)],
    ['trailing length differs', (() => { const b = block(le, 5, Buffer.alloc(8)); b.writeUInt32LE(24, 16); return b; })()],
    ['EPB on an unknown interface', epb(le, { interfaceId: 1, ticks: 0n, data: bytes(1) })],
    ['PB on an unknown interface', pb(le, { interfaceId: 3, ticks: 0n, data: bytes(1) })],
    ['EPB captured length beyond its block', (() => { const b = epb(le, { interfaceId: 0, ticks: 0n, data: bytes(4) }); b.writeUInt32LE(5000, 20); return b; })()],
    ['EPB shorter than its fixed fields', block(le, 6, Buffer.alloc(8))],
    ['SPB shorter than its fixed fields', block(le, 3, Buffer.alloc(0))],
    ['IDB shorter than its fixed fields', block(le, 1, Buffer.alloc(4))],
    ['IDB option overrunning the block', (() => { const b = idb(le); b.writeUInt16LE(200, 18); return b; })()],
    ['SHB with a bad byte-order magic', (() => { const b = shb(le); b.writeUInt32LE(0x11223344, 8); return b; })()],
    ['SHB shorter than its fixed fields', block(le, 0x0a0d0d0a, Buffer.from([0x4d, 0x3c, 0x2b, 0x1a]))],
    ['SHB with major version 2', shb(le, { major: 2 })],
  ])('%s → CORRUPT at the block, earlier frames delivered', (_name, bad) => {
    const out = parseWhole(withBlock(bad));
    expect(out.error).toEqual({ code: CORRUPT, offset: at });
    expect(out.frames).toHaveLength(1);
  });

  it('an SPB needs interface 0 in its section', () => {
    const file = Buffer.concat([shb(le), spb(le, bytes(3))]);
    expect(parseWhole(file).error).toEqual({ code: CORRUPT, offset: shb(le).length });
  });

  it('a file cut inside a block is truncated at the block start', () => {
    const next = epb(le, { interfaceId: 0, ticks: 5n, data: bytes(100) });
    for (const keep of [1, 8, 11, 12, 40, next.length - 1]) {
      const out = parseWhole(Buffer.concat([head, next.subarray(0, keep)]));
      expect(out.error, `keeping ${keep} bytes`).toEqual({ code: TRUNCATED, offset: at });
      expect(out.frames).toHaveLength(1);
    }
  });

  it('a file that does not start with an SHB is not pcapng', () => {
    expect(parseWhole(Buffer.concat([shb(le).subarray(0, 4), Buffer.from([1, 2, 3, 4, 0x11, 0x22, 0x33, 0x44])])).error).toEqual({ code: UNKNOWN, offset: 0 });
    expect(parseWhole(shb(le, { major: 2 })).error).toEqual({ code: UNKNOWN, offset: 0 });
    expect(parseWhole(shb(le).subarray(0, 10)).error).toEqual({ code: TRUNCATED, offset: 0 });
  });

  it('an SHB alone is a valid, empty file', () => {
    expect(parseWhole(shb(false))).toEqual({ frames: [], error: null });
  });

  it('the parser refuses input after an error', async () => {
    const { PcapngParser } = await import('../../../src/capture/pcapng-parser.js');
    const parser = new PcapngParser(() => {});
    expect(() => parser.push(withBlock(lengthOf(8)))).toThrow(DxgwError);
    expect(() => parser.push(Buffer.alloc(4))).toThrow(/after an error/);
    expect(() => parser.end()).not.toThrow();
  });
});
