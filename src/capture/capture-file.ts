/**
 * Reading whole capture files (pcap: draft-ietf-opsawg-pcap; pcapng: draft-ietf-opsawg-pcapng)
 * as a stream: the file is never held in memory, only the current read chunk and at most one
 * record or block that straddles two chunks.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { DxgwError } from '../errors/codes.js';
import { AutoDetectParser } from './detect.js';
import type { CaptureFileSummary, FrameCallback } from './parser.js';

export { detectFormat, createParser } from './detect.js';
export type { CaptureFileSummary, CaptureFormat, CaptureParser, FrameCallback } from './parser.js';

export interface ReadCaptureFileOptions {
  onFrame: FrameCallback;
  /** Called after each chunk has been parsed. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * Awaited after each chunk, before the next is read: lets the caller apply backpressure
   * (e.g. flush output) without buffering frames.
   */
  afterChunk?: (bytesRead: number, totalBytes: number) => void | Promise<void>;
  /** Read chunk size in bytes (default 1 MiB). */
  highWaterMark?: number;
}

const DEFAULT_CHUNK = 1024 * 1024;

function unreadable(path: string, cause: unknown): DxgwError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new DxgwError('DXGW_CAPTURE_FILE_UNREADABLE', `cannot read capture file ${path}: ${reason}`, { cause });
}

/** Parses a capture held in memory (tests, small inputs). Frames are views into `buf`. */
export function parseCaptureBuffer(buf: Buffer, onFrame: FrameCallback): CaptureFileSummary {
  const parser = new AutoDetectParser(onFrame);
  parser.push(buf);
  parser.end();
  return parser.summary();
}

/**
 * Streams a pcap or pcapng file through `onFrame`. Rejects with DxgwError
 * (UNREADABLE, UNKNOWN_FORMAT, TRUNCATED, CORRUPT); frames before a fault have been delivered.
 */
export async function readCaptureFile(path: string, options: ReadCaptureFileOptions): Promise<CaptureFileSummary> {
  let totalBytes: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new Error('is a directory');
    totalBytes = info.size;
  } catch (err) {
    throw unreadable(path, err);
  }
  const parser = new AutoDetectParser(options.onFrame);
  const { onProgress, afterChunk } = options;
  const stream = createReadStream(path, { highWaterMark: options.highWaterMark ?? DEFAULT_CHUNK });
  const chunks: AsyncIterator<Buffer> = stream[Symbol.asyncIterator]();
  let bytesRead = 0;
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (err) {
        throw unreadable(path, err);
      }
      if (next.done === true) break;
      const chunk = next.value;
      bytesRead += chunk.length;
      parser.push(chunk);
      onProgress?.(bytesRead, totalBytes);
      if (afterChunk !== undefined) await afterChunk(bytesRead, totalBytes);
    }
  } finally {
    stream.destroy();
  }
  parser.end();
  return parser.summary();
}
