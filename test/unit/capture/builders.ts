/** In-memory writers for pcap and pcapng test files, in either byte order. */
import type { CapturedFrame } from '../../../src/capture/frame.js';
import { parseCaptureBuffer } from '../../../src/capture/capture-file.js';
import { AutoDetectParser } from '../../../src/capture/detect.js';

function u16(le: boolean, v: number): Buffer {
  const b = Buffer.alloc(2);
  if (le) b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
}

function u32(le: boolean, v: number): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}

function u64(le: boolean, v: bigint): Buffer {
  const b = Buffer.alloc(8);
  if (le) b.writeBigUInt64LE(BigInt.asUintN(64, v));
  else b.writeBigUInt64BE(BigInt.asUintN(64, v));
  return b;
}

function pad4(b: Buffer): Buffer {
  const rest = (4 - (b.length % 4)) % 4;
  return rest === 0 ? b : Buffer.concat([b, Buffer.alloc(rest)]);
}

// ---------------------------------------------------------------- pcap

export interface PcapRecord {
  seconds: number;
  /** Microseconds or nanoseconds, as the file's magic says. */
  frac: number;
  data: Buffer;
  originalLength?: number;
  /** Overrides the captured-length field (to build corrupt files). */
  inclLength?: number;
}

export interface PcapOptions {
  littleEndian?: boolean;
  nanosecond?: boolean;
  linkType?: number;
  /** Upper 16 bits of the LinkType field (FCS information). */
  linkTypeHigh?: number;
  snaplen?: number;
  records: PcapRecord[];
}

export function pcapHeader(opts: Omit<PcapOptions, 'records'> = {}): Buffer {
  const le = opts.littleEndian ?? true;
  return Buffer.concat([
    u32(le, opts.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4),
    u16(le, 2),
    u16(le, 4),
    u32(le, 0),
    u32(le, 0),
    u32(le, opts.snaplen ?? 65535),
    u32(le, (((opts.linkTypeHigh ?? 0) << 16) | (opts.linkType ?? 1)) >>> 0),
  ]);
}

export function pcapRecord(le: boolean, r: PcapRecord): Buffer {
  return Buffer.concat([
    u32(le, r.seconds),
    u32(le, r.frac),
    u32(le, r.inclLength ?? r.data.length),
    u32(le, r.originalLength ?? r.data.length),
    r.data,
  ]);
}

export function buildPcap(opts: PcapOptions): Buffer {
  const le = opts.littleEndian ?? true;
  return Buffer.concat([pcapHeader(opts), ...opts.records.map((r) => pcapRecord(le, r))]);
}

// ---------------------------------------------------------------- pcapng

export interface Option {
  code: number;
  value: Buffer;
}

function options(le: boolean, opts: Option[]): Buffer {
  if (opts.length === 0) return Buffer.alloc(0);
  const parts = opts.map((o) => Buffer.concat([u16(le, o.code), u16(le, o.value.length), pad4(o.value)]));
  return Buffer.concat([...parts, u32(le, 0)]);
}

/** Any block: type, length, body padded to 32 bits, length again. */
export function block(le: boolean, type: number, body: Buffer): Buffer {
  const padded = pad4(body);
  const total = padded.length + 12;
  return Buffer.concat([u32(le, type), u32(le, total), padded, u32(le, total)]);
}

export function shb(le: boolean, opts: { major?: number; options?: Option[] } = {}): Buffer {
  const body = Buffer.concat([
    u32(le, 0x1a2b3c4d),
    u16(le, opts.major ?? 1),
    u16(le, 0),
    u64(le, -1n),
    options(le, opts.options ?? [{ code: 4, value: Buffer.from('dxgw test writer') }]),
  ]);
  return block(le, 0x0a0d0d0a, body);
}

export interface IdbOptions {
  linkType?: number;
  snaplen?: number;
  /** Raw if_tsresol byte. */
  tsresol?: number;
  tsoffset?: bigint;
  extra?: Option[];
}

export function idb(le: boolean, opts: IdbOptions = {}): Buffer {
  const opt: Option[] = [{ code: 2, value: Buffer.from('eth0') }];
  if (opts.tsresol !== undefined) opt.push({ code: 9, value: Buffer.from([opts.tsresol]) });
  if (opts.tsoffset !== undefined) opt.push({ code: 14, value: u64(le, opts.tsoffset) });
  opt.push(...(opts.extra ?? []));
  return block(le, 1, Buffer.concat([u16(le, opts.linkType ?? 1), u16(le, 0), u32(le, opts.snaplen ?? 0), options(le, opt)]));
}

export interface PacketOptions {
  interfaceId: number;
  ticks: bigint;
  data: Buffer;
  originalLength?: number;
  options?: Option[];
}

export function epb(le: boolean, p: PacketOptions): Buffer {
  return block(
    le,
    6,
    Buffer.concat([
      u32(le, p.interfaceId),
      u32(le, Number(p.ticks >> 32n)),
      u32(le, Number(p.ticks & 0xffffffffn)),
      u32(le, p.data.length),
      u32(le, p.originalLength ?? p.data.length),
      pad4(p.data),
      options(le, p.options ?? []),
    ]),
  );
}

/** Obsolete Packet Block (type 2): 16-bit interface id and drops count. */
export function pb(le: boolean, p: PacketOptions & { drops?: number }): Buffer {
  return block(
    le,
    2,
    Buffer.concat([
      u16(le, p.interfaceId),
      u16(le, p.drops ?? 0),
      u32(le, Number(p.ticks >> 32n)),
      u32(le, Number(p.ticks & 0xffffffffn)),
      u32(le, p.data.length),
      u32(le, p.originalLength ?? p.data.length),
      pad4(p.data),
      options(le, p.options ?? []),
    ]),
  );
}

export function spb(le: boolean, data: Buffer, originalLength = data.length): Buffer {
  return block(le, 3, Buffer.concat([u32(le, originalLength), pad4(data)]));
}

// ---------------------------------------------------------------- results

export interface FrameRecord {
  seconds: number;
  nanos: number;
  linkType: number;
  interfaceId: number;
  originalLength: number;
  data: string;
  offset: number;
}

export function record(frame: CapturedFrame, offset: number): FrameRecord {
  const { seconds, nanos, linkType, interfaceId, originalLength } = frame;
  return { seconds, nanos, linkType, interfaceId, originalLength, data: frame.data.toString('hex'), offset };
}

export interface Outcome {
  frames: FrameRecord[];
  error: { code: string; offset: number | undefined } | null;
}

/** Parses `buf` split into the given chunk lengths (the rest goes in one last chunk). */
export function parseChunks(buf: Buffer, cuts: Iterable<number>): Outcome {
  const frames: FrameRecord[] = [];
  const parser = new AutoDetectParser((f, o) => frames.push(record(f, o)));
  try {
    let at = 0;
    for (const cut of cuts) {
      const next = Math.min(buf.length, at + cut);
      // Copy each chunk so frames cannot accidentally rely on the original buffer.
      parser.push(Buffer.from(buf.subarray(at, next)));
      at = next;
    }
    if (at < buf.length) parser.push(Buffer.from(buf.subarray(at)));
    parser.end();
    return { frames, error: null };
  } catch (err) {
    const e = err as { code?: string; offset?: number };
    if (typeof e.code !== 'string') throw err;
    return { frames, error: { code: e.code, offset: e.offset } };
  }
}

export function parseWhole(buf: Buffer): Outcome {
  const frames: FrameRecord[] = [];
  try {
    parseCaptureBuffer(buf, (f, o) => frames.push(record(f, o)));
    return { frames, error: null };
  } catch (err) {
    const e = err as { code?: string; offset?: number };
    if (typeof e.code !== 'string') throw err;
    return { frames, error: { code: e.code, offset: e.offset } };
  }
}

/** Chunk lengths of `size` repeated over `total` bytes. */
export function* every(size: number, total: number): Generator<number> {
  for (let at = 0; at < total; at += size) yield size;
}

export function bytes(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 17) & 0xff;
  return b;
}
