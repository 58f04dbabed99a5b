/**
 * Capture format detection from the first four bytes (the magic numbers of
 * draft-ietf-opsawg-pcap §4 and draft-ietf-opsawg-pcapng §4.1), and a parser that picks the
 * right push parser once those bytes have arrived.
 */
import { PcapParser, pcapMagic } from './pcap-parser.js';
import { BlockType, PcapngParser } from './pcapng-parser.js';
import { truncated, unknownFormat, type CaptureFileSummary, type CaptureFormat, type CaptureParser, type FrameCallback } from './parser.js';

const MAGIC_BYTES = 4;

/** 'pcap', 'pcapng', or null (unknown magic, or fewer than 4 bytes). */
export function detectFormat(firstBytes: Uint8Array): CaptureFormat | null {
  if (firstBytes.length < MAGIC_BYTES) return null;
  const buf = Buffer.from(firstBytes.buffer, firstBytes.byteOffset, MAGIC_BYTES);
  if (buf.readUInt32LE(0) === BlockType.SHB) return 'pcapng';
  if (pcapMagic(buf, 0) !== null) return 'pcap';
  return null;
}

/** Known magics as they appear on disk, to tell a too-short file from a foreign one. */
const MAGICS_ON_DISK = [
  [0x0a, 0x0d, 0x0d, 0x0a],
  [0xd4, 0xc3, 0xb2, 0xa1],
  [0xa1, 0xb2, 0xc3, 0xd4],
  [0x4d, 0x3c, 0xb2, 0xa1],
  [0xa1, 0xb2, 0x3c, 0x4d],
];

function isMagicPrefix(bytes: Buffer): boolean {
  return MAGICS_ON_DISK.some((magic) => bytes.every((b, i) => magic[i] === b));
}

export function createParser(format: CaptureFormat, onFrame: FrameCallback): CaptureParser {
  return format === 'pcap' ? new PcapParser(onFrame) : new PcapngParser(onFrame);
}

/** Buffers at most 4 bytes until the magic is known, then hands everything to the real parser. */
export class AutoDetectParser implements CaptureParser {
  private inner: CaptureParser | null = null;
  private head: Buffer = Buffer.alloc(0);
  private readonly onFrame: FrameCallback;

  constructor(onFrame: FrameCallback) {
    this.onFrame = onFrame;
  }

  get format(): CaptureFormat {
    if (this.inner === null) throw new Error('capture format not known yet');
    return this.inner.format;
  }

  /** The format, or null before the first 4 bytes have been pushed. */
  get detected(): CaptureFormat | null {
    return this.inner?.format ?? null;
  }

  push(chunk: Buffer): void {
    if (this.inner !== null) {
      this.inner.push(chunk);
      return;
    }
    const head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
    if (head.length < MAGIC_BYTES) {
      if (!isMagicPrefix(head)) throw unknownFormat('not a pcap or pcapng file (unknown magic number)');
      this.head = Buffer.from(head);
      return;
    }
    const format = detectFormat(head);
    if (format === null) throw unknownFormat('not a pcap or pcapng file (unknown magic number)');
    this.inner = createParser(format, this.onFrame);
    this.head = Buffer.alloc(0);
    this.inner.push(head);
  }

  end(): void {
    if (this.inner === null) throw truncated(`file ends after ${this.head.length} bytes, before its magic number`, 0);
    this.inner.end();
  }

  summary(): CaptureFileSummary {
    if (this.inner !== null) return this.inner.summary();
    return { format: 'pcap', frames: 0, bytes: 0, linkTypes: [], nanosecond: false, sections: 0, interfaces: 0 };
  }
}
