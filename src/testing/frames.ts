/**
 * Builds frames (Ethernet, VLAN tags, IPv4, UDP, BOOTP/DHCP with options) for tests, benchmarks
 * and synthetic load captures. Real behaviour is tested on the lab fixtures; this covers edge
 * cases no real peer sends, and volume.
 */
export interface DhcpSpec {
  op?: number;
  htype?: number;
  hlen?: number;
  xid?: number;
  flags?: number;
  ciaddr?: string;
  yiaddr?: string;
  siaddr?: string;
  giaddr?: string;
  chaddr?: string;
  sname?: Buffer;
  file?: Buffer;
  /** Options as [code, value] in wire order; End is appended unless `noEnd`. */
  options?: Array<[number, Buffer | number[]]>;
  noEnd?: boolean;
  cookie?: number;
}

export function ip(text: string): Buffer {
  return Buffer.from(text.split('.').map(Number));
}

export function mac(text: string): Buffer {
  return Buffer.from(text.split(':').map((h) => parseInt(h, 16)));
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function option(code: number, value: Buffer | number[] | string): Buffer {
  const v = typeof value === 'string' ? Buffer.from(value, 'latin1') : Buffer.from(value);
  return Buffer.concat([Buffer.from([code, v.length]), v]);
}

export function buildDhcp(spec: DhcpSpec = {}): Buffer {
  const fixed = Buffer.alloc(236);
  fixed[0] = spec.op ?? 1;
  fixed[1] = spec.htype ?? 1;
  fixed[2] = spec.hlen ?? 6;
  fixed.writeUInt32BE(spec.xid ?? 0x12345678, 4);
  fixed.writeUInt16BE(spec.flags ?? 0, 10);
  ip(spec.ciaddr ?? '0.0.0.0').copy(fixed, 12);
  ip(spec.yiaddr ?? '0.0.0.0').copy(fixed, 16);
  ip(spec.siaddr ?? '0.0.0.0').copy(fixed, 20);
  ip(spec.giaddr ?? '0.0.0.0').copy(fixed, 24);
  mac(spec.chaddr ?? '02:00:00:00:00:01').copy(fixed, 28);
  spec.sname?.copy(fixed, 44);
  spec.file?.copy(fixed, 108);
  const parts = [fixed, u32(spec.cookie ?? 0x63825363)];
  for (const [code, value] of spec.options ?? []) parts.push(option(code, Buffer.from(value)));
  if (!spec.noEnd) parts.push(Buffer.from([255]));
  return Buffer.concat(parts);
}

export interface FrameSpec {
  srcMac?: string;
  dstMac?: string;
  vlans?: Array<{ tpid?: number; id: number }>;
  src?: string;
  dst?: string;
  srcPort?: number;
  dstPort?: number;
  protocol?: number;
  fragmentOffset?: number;
  moreFragments?: boolean;
}

export function buildIpv4(payload: Buffer, spec: FrameSpec = {}): Buffer {
  const protocol = spec.protocol ?? 17;
  const l4 =
    protocol === 17
      ? (() => {
          const udp = Buffer.alloc(8);
          udp.writeUInt16BE(spec.srcPort ?? 68, 0);
          udp.writeUInt16BE(spec.dstPort ?? 67, 2);
          udp.writeUInt16BE(8 + payload.length, 4);
          return Buffer.concat([udp, payload]);
        })()
      : payload;
  const header = Buffer.alloc(20);
  header[0] = 0x45;
  header.writeUInt16BE(20 + l4.length, 2);
  header.writeUInt16BE(((spec.moreFragments ? 1 : 0) << 13) | (spec.fragmentOffset ?? 0), 6);
  header[8] = 64;
  header[9] = protocol;
  ip(spec.src ?? '0.0.0.0').copy(header, 12);
  ip(spec.dst ?? '255.255.255.255').copy(header, 16);
  return Buffer.concat([header, l4]);
}

export function buildEthernet(payload: Buffer, spec: FrameSpec = {}, ethertype = 0x0800): Buffer {
  // Wire order: dst, src, then per tag (outermost first) TPID + TCI, then the ethertype.
  const parts = [mac(spec.dstMac ?? 'ff:ff:ff:ff:ff:ff'), mac(spec.srcMac ?? '02:00:00:00:00:01')];
  for (const { tpid, id } of spec.vlans ?? []) {
    const tag = Buffer.alloc(4);
    tag.writeUInt16BE(tpid ?? 0x8100, 0);
    tag.writeUInt16BE(id, 2);
    parts.push(tag);
  }
  const type = Buffer.alloc(2);
  type.writeUInt16BE(ethertype);
  parts.push(type, payload);
  return Buffer.concat(parts);
}

export function dhcpFrame(dhcp: DhcpSpec = {}, frame: FrameSpec = {}): Buffer {
  return buildEthernet(buildIpv4(buildDhcp(dhcp), frame), frame);
}
