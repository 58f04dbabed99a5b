/**
 * Writes classic pcap (microsecond, little-endian): synthetic captures for tests and
 * benchmarks, and any tool that needs to hand frames to Wireshark.
 */
import type { CapturedFrame } from './frame.js';

export function pcapHeader(linkType: number, snapLength = 65_535): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(snapLength, 16);
  header.writeUInt32LE(linkType, 20);
  return header;
}

export function pcapRecord(frame: Pick<CapturedFrame, 'seconds' | 'nanos' | 'data'> & { originalLength?: number }): Buffer {
  const record = Buffer.alloc(16 + frame.data.length);
  record.writeUInt32LE(frame.seconds, 0);
  record.writeUInt32LE(Math.floor(frame.nanos / 1000), 4);
  record.writeUInt32LE(frame.data.length, 8);
  record.writeUInt32LE(frame.originalLength ?? frame.data.length, 12);
  frame.data.copy(record, 16);
  return record;
}
