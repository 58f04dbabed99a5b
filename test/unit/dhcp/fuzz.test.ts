/**
 * The decoder faces hostile bytes: random frames and mutated real captures must come back as
 * a result or a typed decode error, never an exception, and whatever decodes must format.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../src/capture/link-types.js';
import { FrameDecoder } from '../../../src/dhcp/frame-decoder.js';
import { toDecodedJson, toTableCells } from '../../../src/dhcp/format.js';
import { clientFqdn, hostName, parameterRequestList, vendorClass } from '../../../src/dhcp/message.js';
import { DecodeErrorCodes } from '../../../src/packet/decode-errors.js';
import { dhcpFrame } from '../../../src/testing/frames.js';
import { fixtureFiles, fixtureFrames } from '../../helpers/fixtures.js';

const LINK_TYPES = [LinkType.EN10MB, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.RAW, LinkType.NULL, LinkType.LOOP];

function decodeAll(decoder: FrameDecoder, linkType: number, data: Buffer): void {
  const outcome = decoder.decode({ seconds: 1, nanos: 0, linkType, data, originalLength: data.length, interfaceId: 0 });
  if (outcome.kind === 'error') expect(DecodeErrorCodes).toContain(outcome.code);
  if (outcome.kind !== 'dhcp') return;
  JSON.stringify(toDecodedJson(outcome));
  toTableCells(outcome);
  clientFqdn(outcome.message);
  hostName(outcome.message);
  vendorClass(outcome.message);
  parameterRequestList(outcome.message);
}

function mutate(data: Buffer, seed: number): Buffer {
  let state = seed >>> 0 || 1;
  const rand = (n: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  const out = Buffer.from(data);
  const kind = rand(4);
  if (kind === 0) return out.subarray(0, rand(out.length + 1));
  const flips = 1 + rand(8);
  for (let i = 0; i < flips; i++) out[rand(out.length)] = kind === 1 ? rand(256) : kind === 2 ? 0xff : 0;
  return out;
}

describe('decoder fuzzing', () => {
  it('never throws on random frames of any link type', () => {
    const decoder = new FrameDecoder();
    fc.assert(
      fc.property(fc.constantFrom(...LINK_TYPES), fc.uint8Array({ maxLength: 700 }), (linkType, bytes) => {
        decodeAll(decoder, linkType, Buffer.from(bytes));
      }),
      { numRuns: 20_000 },
    );
    expect(decoder.frames).toBe(20_000);
  });

  it('never throws on random bytes behind valid Ethernet/IPv4/UDP headers', () => {
    const decoder = new FrameDecoder();
    const header = dhcpFrame().subarray(0, 14 + 20 + 8);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 240, maxLength: 600 }), fc.boolean(), (bytes, withCookie) => {
        const payload = Buffer.from(bytes);
        payload[0] = 1 + (payload[0]! & 1);
        if (withCookie) payload.writeUInt32BE(0x63825363, 236);
        const frame = Buffer.concat([header, payload]);
        frame.writeUInt16BE(20 + 8 + payload.length, 16);
        frame.writeUInt16BE(8 + payload.length, 38);
        decodeAll(decoder, LinkType.EN10MB, frame);
      }),
      { numRuns: 20_000 },
    );
    // Random options behind a valid cookie must reach the option scanner, not stop earlier.
    expect(decoder.dhcpMessages + decoder.errors.total).toBe(20_000);
  });

  it('never throws on mutations of every real fixture frame', () => {
    const files = fixtureFiles();
    expect(files.length).toBeGreaterThan(5);
    const decoder = new FrameDecoder();
    let seed = 1;
    for (const file of files) {
      for (const frame of fixtureFrames(file)) {
        for (let i = 0; i < 20; i++) decodeAll(decoder, frame.linkType, mutate(frame.data, seed++));
      }
    }
    expect(decoder.frames).toBeGreaterThan(1000);
    expect(decoder.errors.total).toBeGreaterThan(0);
  });
});
