/**
 * Which data packets count as a subscriber's first packet: its own traffic does; an ICMP error
 * its stack sends back (a relay's duplicate unicast ACK drawing a Port Unreachable) does not.
 */
import { describe, expect, it } from 'vitest';
import { FrameDecoder, type DecodeOutcome } from '../../../src/dhcp/frame-decoder.js';
import { Observer } from '../../../src/leases/observer.js';
import { buildEthernet, buildIpv4 } from '../../../src/testing/frames.js';

const observer = () => new Observer({ vr: 'default', trustedGiaddrs: new Set(), trustedServers: new Set() });

function icmpFrom(src: string, type: number, code = 0): DecodeOutcome {
  // The quoted datagram of an error message: an IPv4 header and 8 bytes of the UDP it refuses.
  const body = Buffer.concat([Buffer.from([type, code, 0, 0, 0, 0, 0, 0]), buildIpv4(Buffer.alloc(0), { src: '192.0.2.1', dst: src, srcPort: 67, dstPort: 68 }).subarray(0, 28)]);
  const data = buildEthernet(buildIpv4(body, { protocol: 1, src, dst: '192.0.2.1' }), { srcMac: '02:00:00:00:00:10' });
  return new FrameDecoder().decode({ seconds: 1_800_000_000, nanos: 0, linkType: 1, data, originalLength: data.length, interfaceId: 0 });
}

describe('Observer: data packets', () => {
  it.each([
    [3, 'destination unreachable (port unreachable)'],
    [4, 'source quench'],
    [5, 'redirect'],
    [11, 'time exceeded'],
    [12, 'parameter problem'],
  ])('ICMP type %i (%s) from the address activates nothing, and is counted', (type) => {
    const o = observer();
    const outcome = icmpFrom('192.0.2.10', type, 3);
    expect(outcome.kind).toBe('data');
    expect(o.observeData(outcome as never)).toBeNull();
    expect(o.ignored['icmp-error']).toBe(1);
  });

  it.each([
    [8, 'echo request'],
    [0, 'echo reply'],
  ])('ICMP type %i (%s) is the subscriber\'s own traffic: a data observation', (type) => {
    const o = observer();
    const seen = o.observeData(icmpFrom('192.0.2.10', type) as never);
    expect(seen).toMatchObject({ kind: 'data', vr: 'default', ip: '192.0.2.10', mac: '02:00:00:00:00:10' });
    expect(o.ignored['icmp-error']).toBe(0);
  });

  it('a truncated ICMP header (no type byte captured) is still a data packet', () => {
    const data = buildEthernet(buildIpv4(Buffer.alloc(0), { protocol: 1, src: '192.0.2.11', dst: '192.0.2.1' }));
    const outcome = new FrameDecoder().decode({ seconds: 1_800_000_000, nanos: 0, linkType: 1, data, originalLength: data.length, interfaceId: 0 });
    expect(observer().observeData(outcome as never)).toMatchObject({ kind: 'data', ip: '192.0.2.11' });
  });
});
