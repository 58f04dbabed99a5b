/**
 * `dxgw decode` writes its JSON lines as bytes (json-bytes.ts); toDecodedJsonLine is the
 * string reference. Every fixture frame, mutated fixture frames and hostile host names must
 * give the same bytes, through a writer whose buffer fills up and is swapped mid-stream.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineWriter } from '../../../src/cli/output.js';
import { toDecodedJsonLine } from '../../../src/dhcp/format.js';
import { FrameDecoder, type DecodedDhcp } from '../../../src/dhcp/frame-decoder.js';
import { writeDecodedJsonLine } from '../../../src/dhcp/json-bytes.js';
import { dhcpFrame } from '../../../src/testing/frames.js';
import { fixtureFiles, fixtureFrames } from '../../helpers/fixtures.js';

function collector(writeAt: number): { writer: LineWriter; text: () => string } {
  const chunks: Buffer[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  const writer = new LineWriter(sink, writeAt);
  return { writer, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Both encodings of every DHCP outcome; returns how many messages were compared. */
async function compare(frames: Array<{ linkType: number; data: Buffer; seconds: number; nanos: number }>, writeAt = 512): Promise<number> {
  const decoder = new FrameDecoder();
  const { writer, text } = collector(writeAt);
  let expected = '';
  let n = 0;
  for (const f of frames) {
    const outcome = decoder.decode({ ...f, originalLength: f.data.length, interfaceId: 0 });
    if (outcome.kind !== 'dhcp') continue;
    expected += `${toDecodedJsonLine(outcome as DecodedDhcp)}\n`;
    writeDecodedJsonLine(outcome as DecodedDhcp, writer);
    writer.wrote();
    n++;
  }
  await writer.flush();
  expect(text()).toBe(expected);
  return n;
}

describe('decode JSON as bytes', () => {
  it('matches the string form on every fixture frame', async () => {
    const frames = fixtureFiles().flatMap((file) => fixtureFrames(file));
    expect(await compare(frames)).toBeGreaterThan(100);
  });

  it('matches on mutated fixture frames (hostile lengths, split options, odd bytes)', async () => {
    const frames = fixtureFiles().flatMap((file) => fixtureFrames(file));
    const mutated = [];
    let state = 7;
    for (const frame of frames) {
      for (let i = 0; i < 10; i++) {
        const data = Buffer.from(frame.data);
        for (let k = 0; k < 3; k++) {
          state = (state * 1103515245 + 12345) >>> 0;
          data[state % data.length] = state >>> 24;
        }
        mutated.push({ ...frame, data });
      }
    }
    expect(await compare(mutated, 64)).toBeGreaterThan(100);
  });

  it('matches for host names that need escaping or UTF-8, with VLAN tags and nanosecond times', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 60 }), fc.array(fc.integer({ min: 0, max: 4095 }), { maxLength: 2 }), fc.integer({ min: 0, max: 999_999_999 }), async (name, vlans, nanos) => {
        const data = dhcpFrame({ options: [[53, [5]], [12, [...name]], [12, [0x22, 0x5c, 0x0a, 0xe9]], [51, [0, 0, 1, 0]]] }, { vlans: vlans.map((id) => ({ id })) });
        expect(await compare([{ linkType: 1, data, seconds: 1_800_000_000, nanos }], 100)).toBe(1);
      }),
      { numRuns: 300 },
    );
  });
});
