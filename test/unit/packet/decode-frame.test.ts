import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../src/capture/link-types.js';
import { decodeFrame, type Ipv4Packet } from '../../../src/packet/decode-frame.js';
import { ipToString } from '../../../src/packet/addresses.js';
import { buildDhcp, buildEthernet, buildIpv4, dhcpFrame } from '../../../src/testing/frames.js';

function asPacket(result: ReturnType<typeof decodeFrame>): Ipv4Packet {
  if (result.kind !== 'ipv4') throw new Error(`expected ipv4, got ${JSON.stringify(result)}`);
  return result;
}

describe('decodeFrame', () => {
  it('decodes Ethernet/IPv4/UDP and points at the DHCP payload', () => {
    const dhcp = buildDhcp();
    const p = asPacket(decodeFrame(LinkType.EN10MB, dhcpFrame({}, { src: '192.0.2.1', dst: '198.51.100.1', srcPort: 67, dstPort: 67 })));
    expect(ipToString(p.srcIp)).toBe('192.0.2.1');
    expect(ipToString(p.dstIp)).toBe('198.51.100.1');
    expect([p.srcPort, p.dstPort]).toEqual([67, 67]);
    expect(p.payloadLength).toBe(dhcp.length);
    expect(p.frame.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength).equals(dhcp)).toBe(true);
    expect(p.srcMacOffset).toBe(6);
    expect(p.vlans).toEqual([]);
  });

  it('keeps 802.1Q and QinQ VLAN ids, outermost first', () => {
    const single = asPacket(decodeFrame(LinkType.EN10MB, dhcpFrame({}, { vlans: [{ id: 100 }] })));
    expect(single.vlans).toEqual([100]);
    const qinq = asPacket(decodeFrame(LinkType.EN10MB, dhcpFrame({}, { vlans: [{ tpid: 0x88a8, id: 200 }, { id: 100 }] })));
    expect(qinq.vlans).toEqual([200, 100]);
    // Priority bits in the TCI are not part of the id.
    const prio = asPacket(decodeFrame(LinkType.EN10MB, dhcpFrame({}, { vlans: [{ id: 0xe000 | 42 }] })));
    expect(prio.vlans).toEqual([42]);
  });

  it('refuses absurdly deep tag stacks and truncated tags', () => {
    const deep = dhcpFrame({}, { vlans: Array.from({ length: 6 }, (_, i) => ({ id: i + 1 })) });
    expect(decodeFrame(LinkType.EN10MB, deep)).toMatchObject({ kind: 'error', code: 'vlan-too-deep' });
    const cut = dhcpFrame({}, { vlans: [{ id: 7 }] }).subarray(0, 16);
    expect(decodeFrame(LinkType.EN10MB, cut)).toMatchObject({ kind: 'error', code: 'vlan-truncated', offset: 14 });
  });

  it('decodes LINUX_SLL, LINUX_SLL2, RAW, NULL and LOOP', () => {
    const ipPacket = buildIpv4(buildDhcp(), { src: '192.0.2.9' });
    const sll = Buffer.alloc(16);
    sll.writeUInt16BE(0, 0);
    sll.writeUInt16BE(1, 2);
    sll.writeUInt16BE(6, 4);
    Buffer.from([2, 0, 0, 0, 0, 7]).copy(sll, 6);
    sll.writeUInt16BE(0x0800, 14);
    const a = asPacket(decodeFrame(LinkType.LINUX_SLL, Buffer.concat([sll, ipPacket])));
    expect(ipToString(a.srcIp)).toBe('192.0.2.9');
    expect(a.srcMacOffset).toBe(6);

    const sll2 = Buffer.alloc(20);
    sll2.writeUInt16BE(0x0800, 0);
    sll2.writeUInt16BE(1, 8);
    sll2[11] = 6;
    const b = asPacket(decodeFrame(LinkType.LINUX_SLL2, Buffer.concat([sll2, ipPacket])));
    expect(b.srcMacOffset).toBe(12);

    expect(asPacket(decodeFrame(LinkType.RAW, ipPacket)).srcPort).toBe(68);
    const le = Buffer.from([2, 0, 0, 0]);
    const be = Buffer.from([0, 0, 0, 2]);
    expect(asPacket(decodeFrame(LinkType.NULL, Buffer.concat([le, ipPacket]))).srcMacOffset).toBe(-1);
    expect(asPacket(decodeFrame(LinkType.NULL, Buffer.concat([be, ipPacket]))).protocol).toBe(17);
    expect(asPacket(decodeFrame(LinkType.LOOP, Buffer.concat([be, ipPacket]))).protocol).toBe(17);
  });

  it('skips non-IPv4 and non-first fragments, marks first fragments', () => {
    expect(decodeFrame(LinkType.EN10MB, buildEthernet(Buffer.alloc(28), {}, 0x0806))).toEqual({ kind: 'skip', reason: 'not-ipv4' });
    expect(decodeFrame(LinkType.EN10MB, dhcpFrame({}, { fragmentOffset: 10 }))).toEqual({ kind: 'skip', reason: 'ipv4-fragment' });
    expect(asPacket(decodeFrame(LinkType.EN10MB, dhcpFrame({}, { moreFragments: true }))).fragmented).toBe(true);
  });

  it('treats data packets as IPv4 without UDP ports', () => {
    const icmp = buildEthernet(buildIpv4(Buffer.alloc(16), { protocol: 1, src: '192.0.2.50' }));
    const p = asPacket(decodeFrame(LinkType.EN10MB, icmp));
    expect(p.protocol).toBe(1);
    expect(p.srcPort).toBe(-1);
  });

  it('trims Ethernet padding by the IP total length and clips to what was captured', () => {
    const padded = Buffer.concat([dhcpFrame(), Buffer.alloc(30, 0xee)]);
    const p = asPacket(decodeFrame(LinkType.EN10MB, padded));
    expect(p.payloadLength).toBe(buildDhcp().length);
    const snapped = dhcpFrame().subarray(0, 14 + 20 + 8 + 100);
    const q = asPacket(decodeFrame(LinkType.EN10MB, snapped));
    expect(q.payloadLength).toBe(100);
    expect(q.declaredPayloadLength).toBe(buildDhcp().length);
  });

  it('returns typed errors with offsets for malformed headers', () => {
    expect(decodeFrame(LinkType.EN10MB, Buffer.alloc(0))).toMatchObject({ code: 'frame-empty' });
    expect(decodeFrame(LinkType.EN10MB, Buffer.alloc(10))).toMatchObject({ code: 'link-truncated', offset: 0 });
    expect(decodeFrame(999, Buffer.alloc(10))).toMatchObject({ code: 'unsupported-link-type' });
    const frame = dhcpFrame();
    expect(decodeFrame(LinkType.EN10MB, frame.subarray(0, 30))).toMatchObject({ code: 'ipv4-truncated', offset: 14 });
    const badIhl = Buffer.from(frame);
    badIhl[14] = 0x43;
    expect(decodeFrame(LinkType.EN10MB, badIhl)).toMatchObject({ code: 'ipv4-bad-header-length', offset: 14 });
    const badTotal = Buffer.from(frame);
    badTotal.writeUInt16BE(10, 16);
    expect(decodeFrame(LinkType.EN10MB, badTotal)).toMatchObject({ code: 'ipv4-bad-total-length', offset: 16 });
    const badUdp = Buffer.from(frame);
    badUdp.writeUInt16BE(4, 14 + 20 + 4);
    expect(decodeFrame(LinkType.EN10MB, badUdp)).toMatchObject({ code: 'udp-bad-length', offset: 38 });
    expect(decodeFrame(LinkType.EN10MB, frame.subarray(0, 14 + 20 + 4))).toMatchObject({ code: 'udp-truncated', offset: 34 });
  });
});
