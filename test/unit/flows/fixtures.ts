/** The softflowd recordings of test/fixtures/flows/ (test/lab/make-flow-fixtures.sh) as datagrams. */
import { readFileSync } from 'node:fs';
import { parseCaptureBuffer } from '../../../src/capture/capture-file.js';
import { frameTimeMs } from '../../../src/capture/frame.js';
import { decodeFrame } from '../../../src/packet/decode-frame.js';
import { ipToString } from '../../../src/packet/addresses.js';

export interface Datagram {
  payload: Buffer;
  address: string;
  port: number;
  /** When the collector would have received it (capture time, ms). */
  time: number;
}

const DIR = new URL('../../fixtures/flows/', import.meta.url);

export const LAB = JSON.parse(readFileSync(new URL('lab.json', DIR), 'utf8')) as {
  client: { ip: string; mac: string };
  static: { ip: string; mac: string };
  server: string;
  relay: string;
};

export const FIXTURES = ['softflowd-v9', 'softflowd-v9-ether', 'softflowd-ipfix', 'softflowd-ipfix-ether'] as const;

export function datagrams(name: (typeof FIXTURES)[number]): Datagram[] {
  const out: Datagram[] = [];
  parseCaptureBuffer(readFileSync(new URL(`${name}.pcap`, DIR)), (frame) => {
    const p = decodeFrame(frame.linkType, Buffer.from(frame.data));
    if (p.kind !== 'ipv4' || p.srcPort < 0) throw new Error(`${name}: a frame that is not UDP/IPv4`);
    out.push({ payload: p.frame.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength), address: ipToString(p.srcIp), port: p.srcPort, time: frameTimeMs(frame) });
  });
  return out;
}
