/**
 * Link layer → 802.1Q/QinQ → IPv4 → UDP, without copying. Never throws: returns an
 * `Ipv4Packet`, a `FrameSkip` (traffic we do not care about) or a typed `DecodeError`.
 * The IPv4 header checksum and UDP checksum are deliberately not checked: veth offload
 * produces "bad" checksums in real captures, and dxgw must not act on them.
 */
import { LinkType } from '../capture/link-types.js';
import { decodeError, type DecodeError } from './decode-errors.js';

export interface Ipv4Packet {
  kind: 'ipv4';
  frame: Buffer;
  /** Offset of the 6-byte source MAC in `frame`, or -1 when the link layer carries none. */
  srcMacOffset: number;
  /** VLAN ids, outermost first (empty when untagged). */
  vlans: readonly number[];
  srcIp: number;
  dstIp: number;
  protocol: number;
  /** True for a first fragment (MF set): its payload is incomplete. */
  fragmented: boolean;
  /** UDP ports, or -1 when not UDP. */
  srcPort: number;
  dstPort: number;
  /** UDP payload bounds in `frame` (clipped to what was captured); 0/0 when not UDP. */
  payloadOffset: number;
  payloadLength: number;
  /** Declared UDP payload length (may exceed payloadLength when the capture was cut short). */
  declaredPayloadLength: number;
  /** ICMP type (RFC 792), or -1 when not ICMP or not captured. */
  icmpType: number;
}

export type SkipReason = 'not-ipv4' | 'ipv4-fragment';

export interface FrameSkip {
  kind: 'skip';
  reason: SkipReason;
}

export type FrameResult = Ipv4Packet | FrameSkip | DecodeError;

const NO_VLANS: readonly number[] = Object.freeze([]);
const NOT_IPV4: FrameSkip = Object.freeze({ kind: 'skip', reason: 'not-ipv4' }) as FrameSkip;
const FRAGMENT: FrameSkip = Object.freeze({ kind: 'skip', reason: 'ipv4-fragment' }) as FrameSkip;
const MAX_VLAN_DEPTH = 4;

const ETHERTYPE_IPV4 = 0x0800;
const AF_INET = 2;

function isVlanEthertype(type: number): boolean {
  // 802.1Q, 802.1ad, and the pre-standard QinQ tags still seen on older switches.
  return type === 0x8100 || type === 0x88a8 || type === 0x9100 || type === 0x9200;
}

export function decodeFrame(linkType: number, frame: Buffer): FrameResult {
  const len = frame.length;
  if (len === 0) return decodeError('frame-empty', 0);
  switch (linkType) {
    case LinkType.EN10MB:
      if (len < 14) return decodeError('link-truncated', 0, 'Ethernet header needs 14 bytes');
      return afterEthertype(frame, frame.readUInt16BE(12), 14, 6);
    case LinkType.LINUX_SLL: {
      if (len < 16) return decodeError('link-truncated', 0, 'LINUX_SLL header needs 16 bytes');
      const macOffset = frame.readUInt16BE(2) === 1 && frame.readUInt16BE(4) === 6 ? 6 : -1;
      return afterEthertype(frame, frame.readUInt16BE(14), 16, macOffset);
    }
    case LinkType.LINUX_SLL2: {
      if (len < 20) return decodeError('link-truncated', 0, 'LINUX_SLL2 header needs 20 bytes');
      const macOffset = frame.readUInt16BE(8) === 1 && frame[11] === 6 ? 12 : -1;
      return afterEthertype(frame, frame.readUInt16BE(0), 20, macOffset);
    }
    case LinkType.IPV6:
      return NOT_IPV4;
    case LinkType.IPV4:
    case LinkType.RAW:
    case LinkType.RAW_BSD_12:
    case LinkType.RAW_BSD_14:
      return (frame[0]! >> 4) === 4 ? decodeIpv4(frame, 0, -1, NO_VLANS) : NOT_IPV4;
    case LinkType.NULL: {
      if (len < 4) return decodeError('link-truncated', 0, 'NULL header needs 4 bytes');
      // The family is in the capturing host's byte order, which the file does not record.
      const family = frame.readUInt32LE(0);
      return family === AF_INET || family === 0x02000000 ? decodeIpv4(frame, 4, -1, NO_VLANS) : NOT_IPV4;
    }
    case LinkType.LOOP:
      if (len < 4) return decodeError('link-truncated', 0, 'LOOP header needs 4 bytes');
      return frame.readUInt32BE(0) === AF_INET ? decodeIpv4(frame, 4, -1, NO_VLANS) : NOT_IPV4;
    default:
      return decodeError('unsupported-link-type', 0, `link type ${linkType}`);
  }
}

function afterEthertype(frame: Buffer, ethertype: number, offset: number, macOffset: number): FrameResult {
  let vlans = NO_VLANS;
  while (isVlanEthertype(ethertype)) {
    if (vlans.length === MAX_VLAN_DEPTH) return decodeError('vlan-too-deep', offset);
    if (frame.length < offset + 4) return decodeError('vlan-truncated', offset);
    if (vlans === NO_VLANS) vlans = [];
    (vlans as number[]).push(frame.readUInt16BE(offset) & 0x0fff);
    ethertype = frame.readUInt16BE(offset + 2);
    offset += 4;
  }
  if (ethertype !== ETHERTYPE_IPV4) return NOT_IPV4;
  return decodeIpv4(frame, offset, macOffset, vlans);
}

function decodeIpv4(frame: Buffer, ip: number, macOffset: number, vlans: readonly number[]): FrameResult {
  const available = frame.length - ip;
  if (available < 20) return decodeError('ipv4-truncated', ip);
  const versionIhl = frame[ip]!;
  if (versionIhl >> 4 !== 4) return NOT_IPV4;
  const headerLength = (versionIhl & 0x0f) * 4;
  if (headerLength < 20) return decodeError('ipv4-bad-header-length', ip, `IHL ${headerLength / 4}`);
  if (headerLength > available) return decodeError('ipv4-truncated', ip);
  const totalLength = frame.readUInt16BE(ip + 2);
  if (totalLength < headerLength) return decodeError('ipv4-bad-total-length', ip + 2, `total length ${totalLength}`);
  const flagsFragment = frame.readUInt16BE(ip + 6);
  if ((flagsFragment & 0x1fff) !== 0) return FRAGMENT;
  const protocol = frame[ip + 9]!;
  // Ethernet pads short frames: trust the IP total length over the frame length, but never
  // read past what was captured.
  const end = ip + Math.min(totalLength, available);
  const packet: Ipv4Packet = {
    kind: 'ipv4',
    frame,
    srcMacOffset: macOffset,
    vlans,
    srcIp: frame.readUInt32BE(ip + 12),
    dstIp: frame.readUInt32BE(ip + 16),
    protocol,
    fragmented: (flagsFragment & 0x2000) !== 0,
    srcPort: -1,
    dstPort: -1,
    payloadOffset: 0,
    payloadLength: 0,
    declaredPayloadLength: 0,
    icmpType: -1,
  };
  if (protocol === 1 && end > ip + headerLength) packet.icmpType = frame[ip + headerLength]!;
  if (protocol !== 17) return packet;
  const udp = ip + headerLength;
  if (end - udp < 8) return decodeError('udp-truncated', udp);
  const udpLength = frame.readUInt16BE(udp + 4);
  if (udpLength < 8) return decodeError('udp-bad-length', udp + 4, `UDP length ${udpLength}`);
  packet.srcPort = frame.readUInt16BE(udp);
  packet.dstPort = frame.readUInt16BE(udp + 2);
  packet.payloadOffset = udp + 8;
  packet.declaredPayloadLength = udpLength - 8;
  packet.payloadLength = Math.min(udpLength, end - udp) - 8;
  return packet;
}

/** DHCP/BOOTP traffic is UDP between ports 67 and 68 in any combination (client, server, relay). */
export function isDhcpPorts(packet: Ipv4Packet): boolean {
  const s = packet.srcPort;
  const d = packet.dstPort;
  return (s === 67 || s === 68) && (d === 67 || d === 68);
}
