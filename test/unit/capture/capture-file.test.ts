import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat, readCaptureFile } from '../../../src/capture/capture-file.js';
import { DxgwError } from '../../../src/errors/codes.js';
import { buildPcap, bytes, parseWhole, record, type FrameRecord } from './builders.js';
import { pcapngSample, pcapSample } from './samples.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dxgw-capture-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(name: string, content: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function rejection(promise: Promise<unknown>): Promise<DxgwError> {
  const err = await promise.then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DxgwError);
  return err as DxgwError;
}

describe('detectFormat', () => {
  it('recognises every magic, and nothing else', () => {
    expect(detectFormat(pcapSample(true, false))).toBe('pcap');
    expect(detectFormat(pcapSample(false, false))).toBe('pcap');
    expect(detectFormat(pcapSample(true, true).subarray(0, 4))).toBe('pcap');
    expect(detectFormat(pcapSample(false, true))).toBe('pcap');
    expect(detectFormat(pcapngSample())).toBe('pcapng');
    expect(detectFormat(new Uint8Array([0x0a, 0x0d, 0x0d]))).toBeNull();
    expect(detectFormat(Buffer.from('%PDF-1.7'))).toBeNull();
    // works on a view with a non-zero byteOffset
    const view = Buffer.concat([Buffer.alloc(3), pcapngSample()]).subarray(3);
    expect(detectFormat(view)).toBe('pcapng');
  });
});

describe('readCaptureFile', () => {
  const files: Array<[string, Buffer]> = [
    ['pcap', pcapSample(false, true)],
    ['pcapng', pcapngSample()],
  ];

  for (const [format, content] of files) {
    for (const highWaterMark of [1, 3, 7, 64, undefined]) {
      it(`${format} with chunks of ${highWaterMark ?? 'default'} bytes`, async () => {
        const path = await put(`sample-${format}-${highWaterMark}.cap`, content);
        const frames: FrameRecord[] = [];
        const progress: Array<[number, number]> = [];
        const summary = await readCaptureFile(path, {
          onFrame: (f, o) => frames.push(record(f, o)),
          onProgress: (read, total) => progress.push([read, total]),
          ...(highWaterMark === undefined ? {} : { highWaterMark }),
        });
        expect(frames).toEqual(parseWhole(content).frames);
        expect(summary.format).toBe(format);
        expect(summary.frames).toBe(frames.length);
        expect(summary.bytes).toBe(content.length);
        expect(summary.nanosecond).toBe(true);
        expect(progress.at(-1)).toEqual([content.length, content.length]);
        expect(progress.length).toBe(Math.ceil(content.length / (highWaterMark ?? 1024 * 1024)));
        for (let i = 1; i < progress.length; i++) expect(progress[i]![0]).toBeGreaterThan(progress[i - 1]![0]);
      });
    }
  }

  it('awaits afterChunk before reading on', async () => {
    const content = pcapSample(true, false);
    const path = await put('after-chunk.pcap', content);
    const events: string[] = [];
    await readCaptureFile(path, {
      highWaterMark: 40,
      onFrame: (f) => events.push(`frame ${f.seconds}`),
      afterChunk: async (read) => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        events.push(`chunk ${read}`);
      },
    });
    expect(events.filter((e) => e.startsWith('chunk')).length).toBe(Math.ceil(content.length / 40));
    expect(events.at(-1)).toBe(`chunk ${content.length}`);
  });

  it('rejects a missing file, a directory and an unreadable file as UNREADABLE', async () => {
    for (const path of [join(dir, 'does-not-exist.pcap'), dir]) {
      const err = await rejection(readCaptureFile(path, { onFrame: () => {} }));
      expect(err.code).toBe('DXGW_CAPTURE_FILE_UNREADABLE');
      expect(err.message).toContain(path);
    }
    if (process.getuid?.() !== 0) {
      const path = await put('locked.pcap', pcapSample(true, false));
      await chmod(path, 0o000);
      expect((await rejection(readCaptureFile(path, { onFrame: () => {} }))).code).toBe('DXGW_CAPTURE_FILE_UNREADABLE');
    }
  });

  it('rejects an empty file as truncated at 0 and a foreign file as unknown', async () => {
    const empty = await rejection(readCaptureFile(await put('empty.pcap', Buffer.alloc(0)), { onFrame: () => {} }));
    expect([empty.code, empty.offset]).toEqual(['DXGW_CAPTURE_FILE_TRUNCATED', 0]);
    const text = await rejection(readCaptureFile(await put('text.pcap', Buffer.from('hello world\n')), { onFrame: () => {} }));
    expect([text.code, text.offset]).toEqual(['DXGW_CAPTURE_FILE_UNKNOWN_FORMAT', 0]);
  });

  it('delivers every frame before a fault, then rejects with its offset', async () => {
    const good = buildPcap({ records: [1, 2, 3].map((s) => ({ seconds: s, frac: 0, data: bytes(100, s) })) });
    const bad = Buffer.concat([good, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])]);
    for (const highWaterMark of [5, 1024]) {
      const seen: number[] = [];
      const err = await rejection(readCaptureFile(await put(`bad-${highWaterMark}.pcap`, bad), { highWaterMark, onFrame: (f) => seen.push(f.seconds) }));
      expect([err.code, err.offset]).toEqual(['DXGW_CAPTURE_FILE_CORRUPT', good.length]);
      expect(seen).toEqual([1, 2, 3]);
    }
    const cut = await rejection(readCaptureFile(await put('cut.pcap', good.subarray(0, good.length - 1)), { onFrame: () => {} }));
    expect([cut.code, cut.offset]).toEqual(['DXGW_CAPTURE_FILE_TRUNCATED', good.length - 116]);
  });

  it('lets an error thrown by onFrame through unchanged', async () => {
    const path = await put('throwing.pcap', pcapSample(true, false));
    const boom = new Error('boom');
    await expect(readCaptureFile(path, { onFrame: () => { throw boom; } })).rejects.toBe(boom);
  });
});
