/** What the capture process and its data-handle process say to each other (docs/adr/0006). */
import type { CaptureStats } from '../capture/live-capture.js';

export interface DataHandleSettings {
  interface: string;
  snapLength: number;
  bufferSize: number;
  promiscuous: boolean;
}

export type DataWorkerIn =
  | ({ type: 'init' } & DataHandleSettings)
  /** Open a handle with `filter` (null: none) before closing the current one. */
  | { type: 'filter'; filter: string | null; generation: number };

/** [source IPv4 as a number, source MAC or null, packet time (ms), ICMP type or -1]. */
export type SourceRecord = [number, string | null, number, number];

export interface HandleStats extends CaptureStats {
  /** Frames handed to dxgw (what the filter took and the kernel did not drop). */
  frames: number;
}

export type DataWorkerOut =
  | { type: 'sources'; list: SourceRecord[] }
  | { type: 'applied'; generation: number; openMs: number }
  | { type: 'open-failed'; generation: number; message: string; code: string | undefined }
  /** `stale`: closed handles libpcap has not released yet (node_pcap frees one at its next packet). */
  | { type: 'stats'; stats: HandleStats; stale: number };
