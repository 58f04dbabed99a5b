/**
 * Live capture as two libpcap handles (docs/adr/0006): the DHCP handle in this process
 * (DHCP only, its own kernel buffer: capture.bufferSize) and, in first-packet mode only, the
 * data handle in its own process with its own buffer (capture.dataBufferSize) and a filter
 * kept on the pending set. A data flood can fill only the data handle's buffer, and cannot
 * keep this process from reading DHCP.
 */
import { openLiveCapture, type LiveCapture } from '../capture/live-capture.js';
import type { DxgwConfig } from '../config/schema.js';
import type { FrameDecoder } from '../dhcp/frame-decoder.js';
import { DxgwError } from '../errors/codes.js';
import type { LeasePipeline } from '../subscribers/lease-pipeline.js';
import { ActivationFilter } from './activation-filter.js';
import { captureFilter } from './bpf-filter.js';
import type { HandleStats } from './data-capture-messages.js';
import { DataHandle } from './data-handle.js';
import { captureWantsData } from '../flows/activation-source.js';

export interface DataHandleReport extends HandleStats {
  /** What the data filter holds: the pending set, the prefixes (set too large), or nothing. */
  filter: 'pending' | 'prefixes' | 'none';
  terms: number;
  rebuilds: number;
}

export interface CaptureHandleStats {
  dhcp: HandleStats;
  data?: DataHandleReport;
}

export interface LiveHandles {
  stats(): CaptureHandleStats;
  close(): void;
}

export function openLiveHandles(config: DxgwConfig, pipeline: LeasePipeline, decoder: FrameDecoder, onError: (message: string) => void, onFatal: (message: string) => void): LiveHandles {
  const c = config.capture;
  let dhcpFrames = 0;
  const openDhcp = (vlan: boolean): LiveCapture =>
    openLiveCapture({
      interface: c.interface!,
      filter: captureFilter({ subscriberPrefixes: c.subscriberPrefixes, extra: c.filter, dataPackets: false, vlan }),
      snapLength: c.snapLength,
      bufferSize: c.bufferSize,
      promiscuous: c.promiscuous,
      onFrame: (frame) => {
        dhcpFrames++;
        pipeline.handle(decoder.decode(frame));
      },
    });
  let vlan = true;
  let dhcp: LiveCapture;
  try {
    dhcp = openDhcp(true);
  } catch (error) {
    // Linux cooked captures ("any") cannot filter on VLAN tags (the kernel strips them there).
    if (!(error instanceof DxgwError && /VLAN/i.test(error.message))) throw error;
    vlan = false;
    dhcp = openDhcp(false);
  }
  const dhcpStats = (): HandleStats => ({ frames: dhcpFrames, ...dhcp.stats() });
  // ack mode (or flow records): activation needs no data packet, so no data handle at all.
  if (!captureWantsData(config)) return { stats: () => ({ dhcp: dhcpStats() }), close: () => dhcp.close() };

  const data = new DataHandle(
    { interface: c.interface!, snapLength: c.snapLength, bufferSize: c.dataBufferSize, promiscuous: c.promiscuous },
    {
      onSources: (list) => {
        for (const [ip, mac, time, icmpType] of list) pipeline.handleSource({ ip, mac, time, icmpType });
      },
      onOpenFailed: (generation, message) => {
        onError(`data handle: ${message}; its filter falls back to capture.subscriberPrefixes`);
        filter.openFailed(generation);
      },
      onExit: onFatal,
    },
  );
  const filter = new ActivationFilter(pipeline.view, {
    vr: c.virtualRouter,
    prefixes: c.subscriberPrefixes,
    extra: c.filter,
    vlan,
    apply: (f) => data.setFilter(f.kind === 'none' ? null : f.filter),
  });
  filter.start();
  return {
    stats: () => ({ dhcp: dhcpStats(), data: { ...data.stats(), filter: filter.current?.kind ?? 'none', terms: filter.current?.terms ?? 0, rebuilds: filter.rebuilds } }),
    close() {
      filter.stop();
      data.close();
      dhcp.close();
    },
  };
}
