/** The committed real-peer captures (test/fixtures, made by test/lab/make-fixtures.sh). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCaptureBuffer } from '../../src/capture/capture-file.js';
import type { CapturedFrame } from '../../src/capture/frame.js';

export const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures');

export function fixtureFiles(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((name) => /\.(pcap|pcapng)$/.test(name))
    .sort()
    .map((name) => join(FIXTURE_DIR, name));
}

export function fixtureFrames(path: string): CapturedFrame[] {
  const frames: CapturedFrame[] = [];
  parseCaptureBuffer(readFileSync(path), (frame) => frames.push(frame));
  return frames;
}
