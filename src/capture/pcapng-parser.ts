/**
 * Push parser for pcapng files (draft-ietf-opsawg-pcapng).
 *   §3.1 General block structure: type, total length, body padded to 32 bits, length again.
 *   §4.1 Section Header Block: byte-order magic 0x1A2B3C4D fixes the section's byte order;
 *        each SHB starts a new section with its own interface list.
 *   §4.2 Interface Description Block: link type, snaplen, if_tsresol (9), if_tsoffset (14).
 *   §4.3 Enhanced Packet Block, §4.4 Simple Packet Block (interface 0, no timestamp: the last
 *        one seen is reused), Appendix A obsolete Packet Block (type 2).
 *   Every other block type is skipped by its length.
 */
import type { CapturedFrame } from './frame.js';
import { ChunkedParser, MAX_BLOCK_BYTES, corrupt, unknownFormat, type CaptureFileSummary, type FrameCallback } from './parser.js';
import { splitTimestamp, timestampScale, type TimestampScale } from './pcapng-timestamp.js';

export const BlockType = {
  SHB: 0x0a0d0d0a,
  IDB: 0x00000001,
  PB: 0x00000002,
  SPB: 0x00000003,
  EPB: 0x00000006,
} as const;

const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BLOCK_HEADER = 12; // type + length + (SHB) byte-order magic: enough to know any block's length
const OPT_TSRESOL = 9;
const OPT_TSOFFSET = 14;

interface Interface {
  linkType: number;
  snaplen: number;
  scale: TimestampScale;
}

export class PcapngParser extends ChunkedParser {
  readonly format = 'pcapng' as const;
  private le = true;
  private sections = 0;
  private interfaces: Interface[] = [];
  private interfaceCount = 0;
  private readonly linkTypes = new Set<number>();
  private nanosecond = false;
  /** Last timestamp seen (for Simple Packet Blocks); also scratch space for splitTimestamp. */
  private readonly ts = { seconds: 0, nanos: 0 };

  constructor(onFrame: FrameCallback) {
    super(onFrame);
  }

  summary(): CaptureFileSummary {
    return {
      format: 'pcapng',
      frames: this.frames,
      bytes: this.offset,
      linkTypes: [...this.linkTypes].sort((a, b) => a - b),
      nanosecond: this.nanosecond,
      sections: this.sections,
      interfaces: this.interfaceCount,
    };
  }

  protected started(): boolean {
    return this.sections > 0;
  }

  protected need(buf: Buffer, start: number, available: number): number {
    if (this.sections === 0 && available >= 4 && buf.readUInt32LE(start) !== BlockType.SHB) {
      throw unknownFormat('not a pcapng file (does not start with a Section Header Block)');
    }
    if (available < BLOCK_HEADER) return BLOCK_HEADER;
    return this.blockLength(buf, start, this.offset);
  }

  /** Validated total length of the block at `at`; an SHB's byte order comes from its own magic. */
  private blockLength(buf: Buffer, at: number, offset: number): number {
    let le = this.le;
    const typeLE = buf.readUInt32LE(at);
    if (typeLE === BlockType.SHB) {
      const bom = buf.readUInt32LE(at + 8);
      if (bom === BYTE_ORDER_MAGIC) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else if (offset === 0) throw unknownFormat('pcapng Section Header Block has no valid byte-order magic');
      else throw corrupt(`pcapng Section Header Block has a bad byte-order magic 0x${bom.toString(16)}`, offset);
    } else if (this.sections === 0) {
      throw unknownFormat('not a pcapng file (does not start with a Section Header Block)');
    }
    const total = le ? buf.readUInt32LE(at + 4) : buf.readUInt32BE(at + 4);
    if (total < 12 || total % 4 !== 0 || total > MAX_BLOCK_BYTES) {
      throw corrupt(`pcapng block total length ${total} is invalid (must be a multiple of 4 in 12..${MAX_BLOCK_BYTES})`, offset);
    }
    return total;
  }

  protected parse(buf: Buffer, start: number, end: number): number {
    let p = start;
    while (end - p >= BLOCK_HEADER) {
      // `this.offset` stays at the block start until the block is done, so a throw leaves
      // summary().bytes counting only whole, good blocks.
      const offset = this.offset;
      const total = this.blockLength(buf, p, offset);
      if (end - p < total) break;
      const type = buf.readUInt32LE(p) === BlockType.SHB ? BlockType.SHB : this.u32(buf, p);
      if (type === BlockType.SHB) this.sectionHeader(buf, p, total, offset);
      const trailer = this.u32(buf, p + total - 4);
      if (trailer !== total) {
        throw corrupt(`pcapng block trailing length ${trailer} differs from its leading length ${total}`, offset);
      }
      switch (type) {
        case BlockType.EPB:
          this.enhancedPacket(buf, p, total, offset);
          break;
        case BlockType.SPB:
          this.simplePacket(buf, p, total, offset);
          break;
        case BlockType.PB:
          this.obsoletePacket(buf, p, total, offset);
          break;
        case BlockType.IDB:
          this.interfaceDescription(buf, p, total, offset);
          break;
        default:
          break; // SHB (handled above) and every block we do not use
      }
      p += total;
      this.offset = offset + total;
    }
    return p;
  }

  private u32(buf: Buffer, at: number): number {
    return this.le ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
  }

  private u16(buf: Buffer, at: number): number {
    return this.le ? buf.readUInt16LE(at) : buf.readUInt16BE(at);
  }

  private sectionHeader(buf: Buffer, p: number, total: number, offset: number): void {
    // Byte order must be switched before the trailer is read in the new order.
    this.le = buf.readUInt32LE(p + 8) === BYTE_ORDER_MAGIC;
    if (total < 28) throw corrupt(`pcapng Section Header Block is ${total} bytes, less than the minimum 28`, offset);
    const major = this.u16(buf, p + 12);
    if (major !== 1) {
      const message = `pcapng major version ${major} is not supported`;
      if (offset === 0) throw unknownFormat(message);
      throw corrupt(message, offset);
    }
    this.sections++;
    this.interfaces = [];
  }

  private interfaceDescription(buf: Buffer, p: number, total: number, offset: number): void {
    if (total < 20) throw corrupt(`pcapng Interface Description Block is ${total} bytes, less than the minimum 20`, offset);
    const linkType = this.u16(buf, p + 8);
    const snaplen = this.u32(buf, p + 12);
    let tsresol = 6;
    let tsoffset = 0;
    const optEnd = p + total - 4;
    let q = p + 16;
    while (optEnd - q >= 4) {
      const code = this.u16(buf, q);
      const length = this.u16(buf, q + 2);
      if (code === 0) break; // opt_endofopt
      const value = q + 4;
      if (value + length > optEnd) throw corrupt(`pcapng IDB option ${code} overruns its block`, offset);
      if (code === OPT_TSRESOL && length >= 1) tsresol = buf[value] as number;
      else if (code === OPT_TSOFFSET && length >= 8) {
        const hi = this.u32(buf, value + (this.le ? 4 : 0));
        const lo = this.u32(buf, value + (this.le ? 0 : 4));
        tsoffset = (hi | 0) * 4294967296 + lo; // signed 64-bit seconds
      }
      q = value + ((length + 3) & ~3);
    }
    const scale = timestampScale(tsresol, tsoffset);
    this.interfaces.push({ linkType, snaplen, scale });
    this.interfaceCount++;
    this.linkTypes.add(linkType);
    if (scale.subMicro) this.nanosecond = true;
  }

  private iface(id: number, offset: number): Interface {
    const iface = this.interfaces[id];
    if (iface === undefined) {
      throw corrupt(`pcapng packet refers to interface ${id}, but the section declares ${this.interfaces.length}`, offset);
    }
    return iface;
  }

  private enhancedPacket(buf: Buffer, p: number, total: number, offset: number): void {
    if (total < 32) throw corrupt(`pcapng Enhanced Packet Block is ${total} bytes, less than the minimum 32`, offset);
    const id = this.u32(buf, p + 8);
    this.timedPacket(buf, p + 12, total, offset, id);
  }

  private obsoletePacket(buf: Buffer, p: number, total: number, offset: number): void {
    if (total < 32) throw corrupt(`pcapng Packet Block is ${total} bytes, less than the minimum 32`, offset);
    const id = this.u16(buf, p + 8); // followed by a 16-bit drops count
    this.timedPacket(buf, p + 12, total, offset, id);
  }

  /** EPB and PB share the layout from the timestamp on: ts high, ts low, captured, original, data. */
  private timedPacket(buf: Buffer, at: number, total: number, offset: number, id: number): void {
    const iface = this.iface(id, offset);
    const captured = this.u32(buf, at + 8);
    if (captured > total - 32) {
      throw corrupt(`pcapng packet captured length ${captured} does not fit in its ${total}-byte block`, offset);
    }
    const ts = this.ts;
    splitTimestamp(iface.scale, this.u32(buf, at), this.u32(buf, at + 4), ts);
    const data = at + 16;
    const frame: CapturedFrame = {
      seconds: ts.seconds,
      nanos: ts.nanos,
      linkType: iface.linkType,
      data: buf.subarray(data, data + captured),
      originalLength: this.u32(buf, at + 12),
      interfaceId: id,
    };
    this.deliver(frame, offset, total);
  }

  private simplePacket(buf: Buffer, p: number, total: number, offset: number): void {
    if (total < 16) throw corrupt(`pcapng Simple Packet Block is ${total} bytes, less than the minimum 16`, offset);
    const iface = this.iface(0, offset);
    const originalLength = this.u32(buf, p + 8);
    // §4.4: captured length is the original length cut to the snaplen (and to the block).
    let captured = Math.min(originalLength, total - 16);
    if (iface.snaplen !== 0 && iface.snaplen < captured) captured = iface.snaplen;
    const frame: CapturedFrame = {
      seconds: this.ts.seconds,
      nanos: this.ts.nanos,
      linkType: iface.linkType,
      data: buf.subarray(p + 12, p + 12 + captured),
      originalLength,
      interfaceId: 0,
    };
    this.deliver(frame, offset, total);
  }

  /** Advances past the block before calling out, so a throwing callback leaves a consistent count. */
  private deliver(frame: CapturedFrame, offset: number, total: number): void {
    this.frames++;
    this.offset = offset + total;
    this.onFrame(frame, offset);
  }
}
