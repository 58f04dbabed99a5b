/**
 * Synthetic subscriber traffic for load and crash tests: N clients, each ACKed through a
 * relay, sending a data packet, and (some) releasing. Shapes copied from the lab captures.
 */
import { pcapHeader, pcapRecord } from '../capture/pcap-writer.js';
import { buildEthernet, buildIpv4, dhcpFrame, ip, u32 } from './frames.js';

export interface SyntheticOptions {
  clients: number;
  /** Every n-th client releases its address at the end (0 = none). */
  releaseEvery?: number;
  leaseSeconds?: number;
  startSeconds?: number;
  /** Capture time between frames (default 50 µs). */
  spacingMicros?: number;
  /** Addresses are reused after this many clients (default: every client its own). */
  addressPool?: number;
}


export function clientMac(i: number): string {
  return `02:01:${[(i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
}

export function syntheticCapture(options: SyntheticOptions): Buffer {
  const { clients, releaseEvery = 0, leaseSeconds = 3600, startSeconds = 1_800_000_000, spacingMicros = 50, addressPool = clients } = options;
  const addressOf = (i: number) => {
    const n = ((i - 1) % addressPool) + 1;
    return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  };
  const parts: Buffer[] = [pcapHeader(1)];
  let t = 0;
  const at = () => ({ seconds: startSeconds + Math.floor(t / 1e6), nanos: (t % 1e6) * 1000 });
  for (let i = 1; i <= clients; i++) {
    const addr = addressOf(i);
    const mac = clientMac(i);
    t += spacingMicros;
    parts.push(
      pcapRecord({
        ...at(),
        data: dhcpFrame(
          { op: 2, xid: i, yiaddr: addr, giaddr: '192.0.2.1', chaddr: mac, options: [[53, [5]], [54, ip('198.51.100.1')], [51, u32(leaseSeconds)], [1, ip('255.0.0.0')]] },
          { src: '198.51.100.1', dst: '192.0.2.1', srcPort: 67, dstPort: 67 },
        ),
      }),
    );
    t += spacingMicros;
    parts.push(pcapRecord({ ...at(), data: buildEthernet(buildIpv4(Buffer.alloc(16), { protocol: 1, src: addr, dst: '198.51.100.1' }), { srcMac: mac }) }));
  }
  for (let i = 1; releaseEvery > 0 && i <= clients; i += releaseEvery) {
    const addr = addressOf(i);
    t += spacingMicros;
    parts.push(pcapRecord({ ...at(), data: dhcpFrame({ op: 1, xid: 0x10000000 + i, ciaddr: addr, chaddr: clientMac(i), options: [[53, [7]], [54, ip('198.51.100.1')]] }, { src: addr, dst: '198.51.100.1', srcPort: 68, dstPort: 67 }) }));
  }
  return Buffer.concat(parts);
}
