/**
 * Live capture through libpcap, using the optional `pcap` package (node_pcap). A machine
 * without libpcap headers installs dxgw without it; replay still works and live capture
 * fails with DXGW_CAPTURE_UNAVAILABLE.
 *
 * node_pcap hands every packet in ONE reused buffer: each frame is copied before it leaves
 * the callback, since the engine keeps frames past it.
 */
import { createRequire } from 'node:module';
import { DxgwError } from '../errors/codes.js';
import type { CapturedFrame } from './frame.js';
import { LinkType } from './link-types.js';

export interface LiveCaptureOptions {
  interface: string;
  /** BPF filter (tcpdump syntax). */
  filter: string;
  snapLength: number;
  /** Kernel buffer in bytes: large enough to ride out event-loop pauses. */
  bufferSize: number;
  promiscuous: boolean;
  onFrame(frame: CapturedFrame): void;
}

export interface CaptureStats {
  received: number;
  dropped: number;
  interfaceDropped: number;
}

export interface LiveCapture {
  readonly linkType: number;
  stats(): CaptureStats;
  close(): void;
}

const NODE_PCAP_LINK_TYPES: Record<string, number> = {
  LINKTYPE_NULL: LinkType.NULL,
  LINKTYPE_ETHERNET: LinkType.EN10MB,
  LINKTYPE_RAW: LinkType.RAW,
  LINKTYPE_LINUX_SLL: LinkType.LINUX_SLL,
};

interface PcapSession {
  link_type: string;
  on(event: 'packet', listener: (raw: { buf: Buffer; header: Buffer }) => void): void;
  stats(): { ps_recv: number; ps_drop: number; ps_ifdrop: number };
  close(): void;
}

interface PcapModule {
  createSession(device: string, options: Record<string, unknown>): PcapSession;
  /** node_pcap prints libpcap warnings with console.warn unless replaced. */
  warningHandler: (text: string) => void;
}

function loadPcap(): PcapModule {
  try {
    return createRequire(import.meta.url)('pcap') as PcapModule;
  } catch (error) {
    throw new DxgwError(
      'DXGW_CAPTURE_UNAVAILABLE',
      'live capture needs the optional `pcap` package, which did not build here: install libpcap-dev, a C++ compiler and python3, then run `npm ci` again',
      { cause: error },
    );
  }
}

export function openLiveCapture(options: LiveCaptureOptions): LiveCapture {
  const pcap = loadPcap();
  // libpcap's warnings (e.g. "SIOCGIFADDR: No such device") would go to stderr as bare text:
  // keep them for the error message instead.
  const warnings: string[] = [];
  pcap.warningHandler = (text) => void warnings.push(String(text).trim());
  let session: PcapSession;
  try {
    session = pcap.createSession(options.interface, {
      filter: options.filter,
      snap_length: options.snapLength,
      buffer_size: options.bufferSize,
      promiscuous: options.promiscuous,
      buffer_timeout: 10,
    });
  } catch (error) {
    const reason = [error instanceof Error ? error.message : String(error), ...warnings].join('; ');
    throw new DxgwError('DXGW_CAPTURE_OPEN_FAILED', `cannot capture on "${options.interface}": ${reason}`, { key: 'capture.interface', cause: error });
  }
  const linkType = NODE_PCAP_LINK_TYPES[session.link_type];
  if (linkType === undefined) {
    session.close();
    throw new DxgwError('DXGW_CAPTURE_OPEN_FAILED', `interface "${options.interface}" has unsupported link type ${session.link_type}`, { key: 'capture.interface' });
  }
  session.on('packet', ({ buf, header }) => {
    // struct pcap_pkthdr as node_pcap copies it: tv_sec, tv_usec, caplen, len (host order).
    const capturedLength = Math.min(header.readUInt32LE(8), buf.length);
    options.onFrame({
      seconds: header.readUInt32LE(0),
      nanos: header.readUInt32LE(4) * 1000,
      linkType,
      data: Buffer.from(buf.subarray(0, capturedLength)),
      originalLength: header.readUInt32LE(12),
      interfaceId: 0,
    });
  });
  return {
    linkType,
    stats() {
      const s = session.stats();
      return { received: s.ps_recv, dropped: s.ps_drop, interfaceDropped: s.ps_ifdrop };
    },
    close() {
      session.close();
    },
  };
}
