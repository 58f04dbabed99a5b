/**
 * Captures for the live load test (tcpreplay sends them into the namespace lab): relay-style
 * ACKs, each followed by one packet from its address, and floods of small UDP packets from
 * subscriber addresses. Frames go to a unicast MAC that is nobody's, as on a mirror port: the
 * capture host's stack drops them at once instead of routing or answering them.
 */
import { pcapHeader, pcapRecord } from '../capture/pcap-writer.js';
import { clientMac } from './synthetic-capture.js';
import { buildEthernet, buildIpv4, dhcpFrame, ip, u32 } from './frames.js';

/** Subscriber prefix of every load address (10.0.0.0/8; the capture's subscriberPrefixes). */
export const LOAD_PREFIX = '10.0.0.0/8';
/** Unbound flood addresses start here (10.255.0.0): far above any ACK run's addresses. */
export const UNBOUND_BASE = 0xff_0000;

const MIRROR_DST = '02:ee:00:00:00:01';
const RELAY_MAC = '02:64:00:00:00:01';

/** The n-th load address (n >= 1): 10.(n>>16).(n>>8).n. */
export function loadAddress(n: number): string {
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

function file(frames: Buffer[]): Buffer {
  const t0 = 1_800_000_000;
  // tcpreplay paces by --pps/--topspeed, not by these timestamps: 1 µs apart keeps them ordered.
  return Buffer.concat([pcapHeader(1), ...frames.map((data, i) => pcapRecord({ seconds: t0 + Math.floor(i / 1e6), nanos: (i % 1e6) * 1000, data }))]);
}

function udpFrom(address: string, mac: string, payload = 18): Buffer {
  return buildEthernet(buildIpv4(Buffer.alloc(payload), { protocol: 17, src: address, dst: '198.51.100.1', srcPort: 40000, dstPort: 9 }), { srcMac: mac, dstMac: MIRROR_DST });
}

/** `clients` ACKs (addresses first … first+clients-1), each followed by one UDP packet from its address. */
export function ackLoadCapture({ clients, first = 1, leaseSeconds = 3600 }: { clients: number; first?: number; leaseSeconds?: number }): Buffer {
  const frames: Buffer[] = [];
  for (let n = first; n < first + clients; n++) {
    const address = loadAddress(n);
    const mac = clientMac(n);
    frames.push(
      dhcpFrame(
        { op: 2, xid: n, yiaddr: address, giaddr: '192.0.2.1', chaddr: mac, options: [[53, [5]], [54, ip('198.51.100.1')], [51, u32(leaseSeconds)], [1, ip('255.0.0.0')]] },
        { src: '198.51.100.1', dst: '192.0.2.1', srcPort: 67, dstPort: 67, srcMac: RELAY_MAC, dstMac: MIRROR_DST },
      ),
      udpFrom(address, mac),
    );
  }
  return file(frames);
}

/** `packets` minimum-size UDP frames cycling over the addresses first … first+addresses-1. */
export function floodCapture({ packets, first, addresses }: { packets: number; first: number; addresses: number }): Buffer {
  const frames: Buffer[] = [];
  for (let i = 0; i < packets; i++) {
    const n = first + (i % addresses);
    frames.push(udpFrom(loadAddress(n), clientMac(n)));
  }
  return file(frames);
}
