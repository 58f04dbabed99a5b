/**
 * One captured link-layer frame, as every capture source (pcap file, pcapng file, live
 * libpcap) hands it to the decoder. `data` may be a view into a larger read buffer: copy it
 * if it must outlive the callback that received it.
 */
export interface CapturedFrame {
  /** Capture time, whole seconds since the Unix epoch. */
  seconds: number;
  /** Nanoseconds within `seconds` (0..999,999,999). */
  nanos: number;
  /** LINKTYPE_* value of the interface that captured the frame (see link-types.ts). */
  linkType: number;
  /** The captured bytes (possibly shorter than the frame on the wire). */
  data: Buffer;
  /** Length of the frame on the wire. */
  originalLength: number;
  /** pcapng interface index, or 0 for pcap files and live capture. */
  interfaceId: number;
}

/** Capture time in milliseconds since the epoch (float; sub-microsecond precision is kept). */
export function frameTimeMs(frame: Pick<CapturedFrame, 'seconds' | 'nanos'>): number {
  return frame.seconds * 1000 + frame.nanos / 1e6;
}
