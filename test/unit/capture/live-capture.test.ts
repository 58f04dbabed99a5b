/** Live capture through libpcap on loopback: a real datagram, sent to ourselves, decoded. */
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { openLiveCapture } from '../../../src/capture/live-capture.js';
import type { CapturedFrame } from '../../../src/capture/frame.js';
import { FrameDecoder } from '../../../src/dhcp/frame-decoder.js';
import { DxgwError } from '../../../src/errors/codes.js';
import { buildDhcp } from '../../../src/testing/frames.js';

describe('live capture (libpcap)', () => {
  it('captures a DHCP datagram on loopback and copies it out of the shared buffer', async () => {
    const frames: CapturedFrame[] = [];
    const sender = createSocket('udp4');
    await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
    const port = sender.address().port;
    const capture = openLiveCapture({
      interface: 'lo',
      filter: `udp and src port ${port} and dst port 67`,
      snapLength: 1500,
      bufferSize: 1 << 20,
      promiscuous: false,
      onFrame: (frame) => frames.push(frame),
    });
    try {
      const xids = [0x11111111, 0x22222222, 0x33333333];
      for (const xid of xids) {
        await new Promise<void>((resolve, reject) =>
          sender.send(buildDhcp({ xid, options: [[53, [1]]] }), 67, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
        );
      }
      const deadline = Date.now() + 5000;
      while (frames.length < xids.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(frames).toHaveLength(3);
      // The frames must not all alias node_pcap's reused buffer: each keeps its own xid.
      const decoder = new FrameDecoder();
      const seen = frames.map((frame) => {
        const outcome = decoder.decode(frame);
        // Only one end is DHCP's port here, so the frame decodes as IPv4 data; read the xid directly.
        expect(outcome.kind).toBe('data');
        if (outcome.kind !== 'data') return 0;
        return outcome.packet.frame.readUInt32BE(outcome.packet.payloadOffset + 4);
      });
      expect(seen).toEqual(xids);
      expect(frames[0]!.seconds).toBeGreaterThan(1_700_000_000);
      expect(capture.stats().received).toBeGreaterThanOrEqual(3);
    } finally {
      capture.close();
      sender.close();
    }
  });

  it('fails with a clear error for an interface that does not exist', () => {
    let error: unknown;
    try {
      openLiveCapture({ interface: 'nosuch0', filter: 'udp', snapLength: 1500, bufferSize: 1 << 20, promiscuous: false, onFrame: () => {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DxgwError);
    expect((error as DxgwError).code).toBe('DXGW_CAPTURE_OPEN_FAILED');
    expect((error as DxgwError).message).toContain('nosuch0');
  });
});
