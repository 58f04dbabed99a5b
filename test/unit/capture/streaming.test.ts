/**
 * A ~200 MB file must stream through in bounded memory: the reader keeps the current chunk
 * and at most one straddling record, never the file.
 */
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../../src/capture/capture-file.js';
import { pcapHeader } from './builders.js';

const RECORDS_PER_BATCH = 1000;
const BATCHES = 110;
const SIZES = [60, 342, 590, 1514, 9000, 1514, 77]; // mean ≈ 1870 bytes → ~207 MB with headers
const path = join(tmpdir(), `dxgw-stream-${process.pid}.pcap`);

/** One batch of records, sizes cycling so records straddle chunk boundaries at every phase. */
function batch(index: number): Buffer {
  let size = 0;
  for (let i = 0; i < RECORDS_PER_BATCH; i++) size += 16 + SIZES[i % SIZES.length]!;
  const buf = Buffer.alloc(size);
  let p = 0;
  for (let i = 0; i < RECORDS_PER_BATCH; i++) {
    const n = SIZES[i % SIZES.length]!;
    buf.writeUInt32LE(index, p);
    buf.writeUInt32LE(i, p + 4);
    buf.writeUInt32LE(n, p + 8);
    buf.writeUInt32LE(n, p + 12);
    buf[p + 16] = i & 0xff;
    p += 16 + n;
  }
  return buf;
}

beforeAll(async () => {
  const out = createWriteStream(path);
  out.write(pcapHeader({ snaplen: 65535 }));
  for (let b = 0; b < BATCHES; b++) {
    if (!out.write(batch(b))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
});

afterAll(async () => {
  await rm(path, { force: true });
});

describe('streaming', () => {
  it('reads a ~200 MB file with flat memory', async () => {
    const { size } = await stat(path);
    expect(size).toBeGreaterThan(200e6);
    const used = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const baseline = used();
    let peak = 0;
    let frames = 0;
    let ordered = true;
    let last = -1;
    const summary = await readCaptureFile(path, {
      onFrame(frame) {
        const key = frame.seconds * RECORDS_PER_BATCH + frame.nanos / 1000;
        if (key !== last + 1 || frame.data[0] !== (frames % RECORDS_PER_BATCH) % 256) ordered = false;
        last = key;
        frames++;
      },
      onProgress() {
        peak = Math.max(peak, used() - baseline);
      },
    });
    expect(ordered).toBe(true);
    expect(summary.frames).toBe(BATCHES * RECORDS_PER_BATCH);
    expect(summary.bytes).toBe(size);
    // The whole file is > 200 MB; reading must hold far less (a few 1 MiB chunks plus garbage not yet collected).
    expect(peak).toBeLessThan(64 * 1024 * 1024);
    console.log(`streamed ${(size / 1e6).toFixed(0)} MB, ${frames} frames, peak heap+buffers growth ${(peak / 1048576).toFixed(1)} MiB`);
  });
});
