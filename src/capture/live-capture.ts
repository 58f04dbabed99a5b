/**
 * Live capture through libpcap, using the optional `pcap` package (node_pcap). A machine
 * without libpcap headers installs dxgw without it; replay still works and live capture
 * fails with DXGW_CAPTURE_UNAVAILABLE.
 *
 * node_pcap hands every packet in ONE reused buffer: each frame is copied before it leaves
 * the callback, since the engine keeps frames past it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /**
   * False: the frame's data is node_pcap's reused buffer, valid only during the call (the
   * data handle reads a source address and copies only what it keeps).
   */
  copy?: boolean;
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
  /**
   * After close(): has libpcap really released the handle? node_pcap only does so at the
   * next packet its filter takes (its close() is a pcap_breakloop), so a closed handle
   * whose filter no longer matches anything keeps its socket and kernel ring.
   */
  released(): boolean;
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
  createOfflineSession(path: string, options: { filter: string }): PcapSession;
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

/** libpcap's complaint about `filter` compiled for Ethernet (on an empty capture file), or null. */
function filterError(pcap: PcapModule, filter: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-bpf-'));
  try {
    const file = join(dir, 'empty.pcap');
    // A pcap file header alone: magic, v2.4, snaplen 65535, link type 1 (EN10MB).
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(65535, 16);
    header.writeUInt32LE(1, 20);
    writeFileSync(file, header);
    pcap.createOfflineSession(file, { filter });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
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
    // dxgw's own filters always compile (tested against libpcap): a filter libpcap cannot
    // compile for plain Ethernet is the operator's capture.filter. (VLAN keywords on a
    // cooked capture compile there; the caller retries those without VLAN branches.)
    const compileError = filterError(pcap, options.filter);
    if (compileError !== null) {
      throw new DxgwError('DXGW_CAPTURE_FILTER_INVALID', `libpcap cannot compile the capture filter: ${compileError}`, { key: 'capture.filter', cause: error });
    }
    throw new DxgwError('DXGW_CAPTURE_OPEN_FAILED', `cannot capture on "${options.interface}": ${reason}`, { key: 'capture.interface', cause: error });
  }
  const linkType = NODE_PCAP_LINK_TYPES[session.link_type];
  if (linkType === undefined) {
    session.close();
    throw new DxgwError('DXGW_CAPTURE_OPEN_FAILED', `interface "${options.interface}" has unsupported link type ${session.link_type}`, { key: 'capture.interface' });
  }
  const copy = options.copy ?? true;
  let closed = false;
  session.on('packet', ({ buf, header }) => {
    // struct pcap_pkthdr as node_pcap copies it: tv_sec, tv_usec, caplen, len (host order).
    const capturedLength = Math.min(header.readUInt32LE(8), buf.length);
    options.onFrame({
      seconds: header.readUInt32LE(0),
      nanos: header.readUInt32LE(4) * 1000,
      linkType,
      data: copy ? Buffer.from(buf.subarray(0, capturedLength)) : buf.subarray(0, capturedLength),
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
      closed = true;
      session.close();
    },
    released() {
      if (!closed) return false;
      try {
        session.stats();
        return false;
      } catch {
        return true; // "pcap session already closed": the handle is gone
      }
    },
  };
}
