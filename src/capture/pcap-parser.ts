/**
 * Push parser for classic pcap files (draft-ietf-opsawg-pcap).
 *   §4 File Header: 24 bytes; magic 0xA1B2C3D4 (µs) / 0xA1B23C4D (ns) in the writer's byte
 *      order; SnapLen at 16; LinkType at 20 (low 16 bits; the upper bits carry FCS info).
 *   §5 Packet Record: 16-byte header (ts seconds, ts µs/ns, captured length, original
 *      length) followed by the captured bytes, unpadded.
 */
import type { CapturedFrame } from './frame.js';
import { ChunkedParser, corrupt, unknownFormat, type CaptureFileSummary, type FrameCallback } from './parser.js';

const FILE_HEADER = 24;
const RECORD_HEADER = 16;
const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;
/** libpcap's largest per-DLT snaplen; a bigger captured length is accepted only up to the file's snaplen. */
const DEFAULT_MAX_RECORD = 256 * 1024;
const HARD_MAX_RECORD = 16 * 1024 * 1024;

/** Reads the magic (either byte order); null if it is not a pcap magic. */
export function pcapMagic(buf: Buffer, at: number): { littleEndian: boolean; nanosecond: boolean } | null {
  const le = buf.readUInt32LE(at);
  if (le === MAGIC_MICRO || le === MAGIC_NANO) return { littleEndian: true, nanosecond: le === MAGIC_NANO };
  const be = buf.readUInt32BE(at);
  if (be === MAGIC_MICRO || be === MAGIC_NANO) return { littleEndian: false, nanosecond: be === MAGIC_NANO };
  return null;
}

export class PcapParser extends ChunkedParser {
  readonly format = 'pcap' as const;
  private headerDone = false;
  private le = true;
  private nano = false;
  private linkType = 0;
  private snaplen = 0;
  private maxRecord = DEFAULT_MAX_RECORD;
  private versionMajor = 0;
  private versionMinor = 0;

  constructor(onFrame: FrameCallback) {
    super(onFrame);
  }

  /** Header fields, once the file header has been parsed. */
  get header(): { littleEndian: boolean; nanosecond: boolean; versionMajor: number; versionMinor: number; snaplen: number; linkType: number } | null {
    if (!this.headerDone) return null;
    const { le, nano, versionMajor, versionMinor, snaplen, linkType } = this;
    return { littleEndian: le, nanosecond: nano, versionMajor, versionMinor, snaplen, linkType };
  }

  summary(): CaptureFileSummary {
    return {
      format: 'pcap',
      frames: this.frames,
      bytes: this.offset,
      linkTypes: this.headerDone ? [this.linkType] : [],
      nanosecond: this.nano,
      sections: this.headerDone ? 1 : 0,
      interfaces: this.headerDone ? 1 : 0,
    };
  }

  protected started(): boolean {
    return this.headerDone;
  }

  protected need(buf: Buffer, start: number, available: number): number {
    if (!this.headerDone) {
      // Reject a wrong magic as soon as it is visible, not only once 24 bytes arrived.
      if (available >= 4 && pcapMagic(buf, start) === null) throw unknownFormat('not a pcap file (unknown magic number)');
      return FILE_HEADER;
    }
    if (available < RECORD_HEADER) return RECORD_HEADER;
    return RECORD_HEADER + this.capturedLength(buf, start, this.offset);
  }

  private capturedLength(buf: Buffer, at: number, offset: number): number {
    const incl = this.le ? buf.readUInt32LE(at + 8) : buf.readUInt32BE(at + 8);
    if (incl > this.maxRecord) {
      throw corrupt(`pcap record captured length ${incl} exceeds the limit ${this.maxRecord} (snaplen ${this.snaplen})`, offset);
    }
    return incl;
  }

  private readHeader(buf: Buffer, at: number): void {
    const magic = pcapMagic(buf, at);
    if (magic === null) throw unknownFormat('not a pcap file (unknown magic number)');
    const le = magic.littleEndian;
    this.le = le;
    this.nano = magic.nanosecond;
    this.versionMajor = le ? buf.readUInt16LE(at + 4) : buf.readUInt16BE(at + 4);
    this.versionMinor = le ? buf.readUInt16LE(at + 6) : buf.readUInt16BE(at + 6);
    this.snaplen = le ? buf.readUInt32LE(at + 16) : buf.readUInt32BE(at + 16);
    this.linkType = (le ? buf.readUInt32LE(at + 20) : buf.readUInt32BE(at + 20)) & 0xffff;
    this.maxRecord = Math.max(DEFAULT_MAX_RECORD, Math.min(this.snaplen, HARD_MAX_RECORD));
    this.headerDone = true;
  }

  protected parse(buf: Buffer, start: number, end: number): number {
    let p = start;
    if (!this.headerDone) {
      if (end - p < FILE_HEADER) return p;
      this.readHeader(buf, p);
      p += FILE_HEADER;
      this.offset += FILE_HEADER;
    }
    const le = this.le;
    const nano = this.nano;
    const linkType = this.linkType;
    const onFrame = this.onFrame;
    let offset = this.offset;
    try {
      while (end - p >= RECORD_HEADER) {
        const incl = this.capturedLength(buf, p, offset);
        const next = p + RECORD_HEADER + incl;
        if (next > end) break;
        let seconds = le ? buf.readUInt32LE(p) : buf.readUInt32BE(p);
        const frac = le ? buf.readUInt32LE(p + 4) : buf.readUInt32BE(p + 4);
        let nanos = nano ? frac : frac * 1000;
        if (nanos >= 1e9) {
          // Some writers overflow the fraction; carry it rather than break the 0..1e9 invariant.
          const extra = Math.floor(nanos / 1e9);
          seconds += extra;
          nanos -= extra * 1e9;
        }
        const frame: CapturedFrame = {
          seconds,
          nanos,
          linkType,
          data: buf.subarray(p + RECORD_HEADER, next),
          originalLength: le ? buf.readUInt32LE(p + 12) : buf.readUInt32BE(p + 12),
          interfaceId: 0,
        };
        const at = offset;
        offset += next - p;
        p = next;
        this.frames++;
        onFrame(frame, at);
      }
    } finally {
      this.offset = offset;
    }
    return p;
  }
}
