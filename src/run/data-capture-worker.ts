/**
 * The data handle's own process (docs/adr/0006): reads data packets from the pending
 * subscribers and posts only their sources, deduplicated. Out of the capture process because
 * node_pcap's dispatch reads a handle until it is empty: a flooded data handle in the same
 * process would keep the DHCP handle unread for as long as the flood lasts.
 *
 * A new filter opens a new handle BEFORE the old one closes (node_pcap cannot change a
 * filter): no gap; a packet seen by both is harmless (activation is idempotent).
 */
import { frameTimeMs, type CapturedFrame } from '../capture/frame.js';
import { openLiveCapture, type LiveCapture } from '../capture/live-capture.js';
import { DxgwError } from '../errors/codes.js';
import { bytesToHex } from '../packet/addresses.js';
import { decodeFrame } from '../packet/decode-frame.js';
import type { DataHandleSettings, DataWorkerIn, DataWorkerOut, HandleStats, SourceRecord } from './data-capture-messages.js';

const post = (m: DataWorkerOut) => process.send?.(m);
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);

/** Sources already posted under the current filter: a flood from one source is one record. */
const SENT_LIMIT = 65_536;
let settings: DataHandleSettings | undefined;
let current: LiveCapture | undefined;
const closing: LiveCapture[] = [];
const base: HandleStats = { frames: 0, received: 0, dropped: 0, interfaceDropped: 0 };
let sent = new Set<string>();
let batch: SourceRecord[] = [];

function onFrame(frame: CapturedFrame): void {
  base.frames++;
  // Cheap path: link layer and IPv4 header only; frame.data is node_pcap's reused buffer.
  const p = decodeFrame(frame.linkType, frame.data);
  if (p.kind !== 'ipv4') return;
  const mac = p.srcMacOffset < 0 ? null : bytesToHex(p.frame, p.srcMacOffset, p.srcMacOffset + 6);
  const key = `${p.srcIp}|${mac}|${p.icmpType}`;
  if (sent.has(key)) return;
  if (sent.size >= SENT_LIMIT) sent = new Set();
  sent.add(key);
  if (batch.length === 0) setImmediate(flush);
  batch.push([p.srcIp, mac, frameTimeMs(frame), p.icmpType]);
}

function flush(): void {
  if (batch.length) post({ type: 'sources', list: batch });
  batch = [];
}

function apply(filter: string | null, generation: number): void {
  const started = performance.now();
  let next: LiveCapture | undefined;
  try {
    next = filter === null ? undefined : openLiveCapture({ ...settings!, filter, copy: false, onFrame });
  } catch (error) {
    post({ type: 'open-failed', generation, message: error instanceof Error ? error.message : String(error), code: error instanceof DxgwError ? error.code : undefined });
    return;
  }
  if (current) {
    addStats(current);
    current.close();
    closing.push(current);
  }
  current = next;
  sent = new Set();
  post({ type: 'applied', generation, openMs: performance.now() - started });
}

/** A handle about to close: its counters join the base (libpcap's stop counting at close). */
function addStats(handle: LiveCapture): void {
  const s = handle.stats();
  base.received += s.received;
  base.dropped += s.dropped;
  base.interfaceDropped += s.interfaceDropped;
}

function stats(): void {
  const s = current?.stats() ?? { received: 0, dropped: 0, interfaceDropped: 0 };
  for (let i = closing.length - 1; i >= 0; i--) if (closing[i]!.released()) closing.splice(i, 1);
  post({
    type: 'stats',
    stats: { frames: base.frames, received: base.received + s.received, dropped: base.dropped + s.dropped, interfaceDropped: base.interfaceDropped + s.interfaceDropped },
    stale: closing.length,
  });
}

process.on('message', (m: DataWorkerIn) => {
  if (m.type === 'init') settings = m;
  else if (m.type === 'filter') apply(m.filter, m.generation);
});
setInterval(stats, 200);
