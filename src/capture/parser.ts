/**
 * Shared shape of the streaming capture-file parsers (pcap: draft-ietf-opsawg-pcap,
 * pcapng: draft-ietf-opsawg-pcapng) and the chunk-joining logic they have in common.
 *
 * A file is a sequence of "units" (a header, a record, a block), each of which says its own
 * length within its first few bytes. A parser consumes whole units straight out of each
 * pushed chunk, so frames are views into the chunk. Only a unit that straddles two chunks is
 * copied, into a small carry buffer sized to that one unit.
 */
import { DxgwError } from '../errors/codes.js';
import type { CapturedFrame } from './frame.js';

export type CaptureFormat = 'pcap' | 'pcapng';

/**
 * Receives each frame synchronously, in file order. `offset` is the absolute file offset of
 * the record or block that carried it. `frame.data` is a view into a read buffer.
 */
export type FrameCallback = (frame: CapturedFrame, offset: number) => void;

export interface CaptureFileSummary {
  format: CaptureFormat;
  /** Frames delivered through onFrame. */
  frames: number;
  /** Bytes consumed (whole headers, records and blocks). */
  bytes: number;
  /** Distinct LINKTYPE_* values declared by the pcap header or the pcapng IDBs, ascending. */
  linkTypes: number[];
  /** True if timestamps are finer than microseconds (ns pcap, or an IDB with if_tsresol > 6). */
  nanosecond: boolean;
  /** pcapng Section Header Blocks seen (1 for pcap). */
  sections: number;
  /** Interfaces declared across all sections (1 for pcap). */
  interfaces: number;
}

export interface CaptureParser {
  readonly format: CaptureFormat;
  /** Parses as much of `chunk` as possible; throws DxgwError at the first bad unit. */
  push(chunk: Buffer): void;
  /** Declares end of input; throws DXGW_CAPTURE_FILE_TRUNCATED if a unit is incomplete. */
  end(): void;
  summary(): CaptureFileSummary;
}

/** Largest pcapng block accepted; bounds the carry buffer against hostile lengths. */
export const MAX_BLOCK_BYTES = 16 * 1024 * 1024;

export function corrupt(message: string, offset: number): DxgwError {
  return new DxgwError('DXGW_CAPTURE_FILE_CORRUPT', message, { offset });
}

export function truncated(message: string, offset: number): DxgwError {
  return new DxgwError('DXGW_CAPTURE_FILE_TRUNCATED', message, { offset });
}

export function unknownFormat(message: string): DxgwError {
  return new DxgwError('DXGW_CAPTURE_FILE_UNKNOWN_FORMAT', message, { offset: 0 });
}

export abstract class ChunkedParser implements CaptureParser {
  abstract readonly format: CaptureFormat;
  protected readonly onFrame: FrameCallback;
  /** Absolute file offset of the first byte not yet consumed (always a unit boundary). */
  protected offset = 0;
  protected frames = 0;
  /** Holds the start of a unit that straddles chunks; null when there is none. */
  private carry: Buffer | null = null;
  private carryLength = 0;
  /** After any throw the parser's position is unknown: refuse further input. */
  private failed = false;
  private ended = false;

  constructor(onFrame: FrameCallback) {
    this.onFrame = onFrame;
  }

  /**
   * Bytes needed from `start` to make progress: the unit's total length once its header is
   * within `available`, else the header's length. Throws on an impossible header.
   * `buf[start]` is always at file offset `this.offset`.
   */
  protected abstract need(buf: Buffer, start: number, available: number): number;

  /** Consumes whole units in buf[start, end), advancing `offset`; returns where it stopped. */
  protected abstract parse(buf: Buffer, start: number, end: number): number;

  /** True once the file header (pcap) or first SHB (pcapng) has been consumed. */
  protected abstract started(): boolean;

  abstract summary(): CaptureFileSummary;

  push(chunk: Buffer): void {
    if (this.failed || this.ended) throw new Error(`${this.format} parser: push() after ${this.failed ? 'an error' : 'end()'}`);
    try {
      let start = 0;
      if (this.carry !== null) {
        start = this.fillCarry(chunk);
        if (this.carry !== null) return;
      }
      const stop = this.parse(chunk, start, chunk.length);
      if (stop < chunk.length) this.stash(chunk, stop);
    } catch (err) {
      this.failed = true;
      throw err;
    }
  }

  end(): void {
    if (this.failed || this.ended) return;
    this.ended = true;
    if (this.carry !== null) {
      const want = this.need(this.carry, 0, this.carryLength);
      this.failed = true;
      throw truncated(`file ends ${this.carryLength} bytes into a ${want}-byte unit (or its header)`, this.offset);
    }
    if (!this.started()) {
      this.failed = true;
      throw truncated('file ends before its header is complete', 0);
    }
  }

  /** Copies the unconsumed tail of a chunk, sized for the whole unit when its length is known. */
  private stash(chunk: Buffer, stop: number): void {
    const tail = chunk.length - stop;
    const size = Math.max(tail, this.need(chunk, stop, tail));
    const carry = Buffer.allocUnsafe(size);
    chunk.copy(carry, 0, stop);
    this.carry = carry;
    this.carryLength = tail;
  }

  /** Moves bytes from `chunk` into the carry until it holds one unit, then parses it. */
  private fillCarry(chunk: Buffer): number {
    let taken = 0;
    for (;;) {
      let carry = this.carry as Buffer;
      const want = this.need(carry, 0, this.carryLength);
      if (this.carryLength >= want) break;
      if (carry.length < want) {
        const grown = Buffer.allocUnsafe(want);
        carry.copy(grown, 0, 0, this.carryLength);
        this.carry = carry = grown;
      }
      const take = Math.min(want - this.carryLength, chunk.length - taken);
      chunk.copy(carry, this.carryLength, taken, taken + take);
      this.carryLength += take;
      taken += take;
      if (this.carryLength < want) return taken; // chunk used up; unit still incomplete
    }
    const carry = this.carry as Buffer;
    const used = this.parse(carry, 0, this.carryLength);
    if (used !== this.carryLength) throw new Error(`${this.format} parser: carry unit not consumed (${used}/${this.carryLength})`);
    this.carry = null;
    this.carryLength = 0;
    return taken;
  }
}
