/**
 * The capture role, in its own process (DESIGN §1 "Roles": decode never blocks the event loop
 * that runs BullMQ workers): live capture or a capture file → decode → lease pipeline →
 * Redis. Reports statistics to the gateway over IPC; stops on a 'stop' message.
 *
 * A child process rather than a worker thread: node_pcap never closes its poll handle, which
 * aborts a worker thread's teardown ("uv_loop_close() while having open handles").
 */
import { Redis } from 'ioredis';
import { readCaptureFile } from '../capture/capture-file.js';
import { frameTimeMs, type CapturedFrame } from '../capture/frame.js';
import { ReorderBuffer } from '../capture/reorder-buffer.js';
import type { DxgwConfig } from '../config/schema.js';
import { FrameDecoder } from '../dhcp/frame-decoder.js';
import { DxgwError } from '../errors/codes.js';
import { startFlowSource, type FlowSource } from '../flows/flow-source.js';
import { Observer } from '../leases/observer.js';
import { RedisLeaseStore } from '../leases/redis/redis-store.js';
import { LeasePipeline } from '../subscribers/lease-pipeline.js';
import { engineConfigFrom, observerConfigFrom } from '../subscribers/runtime-config.js';
import type { CaptureSource, CaptureWorkerMessage } from './capture-messages.js';
import { openLiveHandles, type LiveHandles } from './live-handles.js';

interface Init {
  type: 'init';
  config: DxgwConfig;
  redisUrl: string;
  source: CaptureSource;
}

const post = (message: CaptureWorkerMessage) => process.send?.(message);
const init = await new Promise<Init>((resolve) => process.once('message', (m: Init) => resolve(m)));
const { config, redisUrl, source } = init;
// The gateway going away (even by SIGKILL) closes the IPC channel: stop with it.
process.on('disconnect', () => process.exit(0));
// Ctrl-C reaches the whole process group: the gateway decides when capture stops (first, and
// with its last transitions flushed), so ignore the signals here.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);

const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
redis.on('error', () => undefined); // ioredis reconnects; commits wait for it
const store = new RedisLeaseStore(redis, config.site);
const observer = new Observer(observerConfigFrom(config));
const pipeline = new LeasePipeline({ engine: engineConfigFrom(config), observer, store });
const decoder = new FrameDecoder();
let stopping = false;
let requestStop!: () => void;
// Listened for from the start: a stop must interrupt a replay that is pacing itself.
const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
process.on('message', (m: { type: string }) => {
  if (m.type !== 'stop') return;
  stopping = true;
  requestStop();
});
let live: LiveHandles | undefined;
let flows: FlowSource | undefined;
let lastCounters: Record<string, number> = {};

/** Counters since the last flush, added to the store's statistics. */
async function flushCounters(): Promise<void> {
  const now: Record<string, number> = { ...decoder.counters() };
  for (const [reason, n] of Object.entries(observer.ignored)) if (n) now[`ignored-${reason}`] = n;
  const delta: Record<string, number> = {};
  for (const [name, n] of Object.entries(now)) if (n - (lastCounters[name] ?? 0) > 0) delta[name] = n - (lastCounters[name] ?? 0);
  lastCounters = now;
  await store.addCounters(delta);
}

function stats() {
  const handles = live?.stats();
  const drops = handles ? Object.values(handles).reduce((n, h) => n + h.dropped + h.interfaceDropped, 0) : 0;
  post({ type: 'stats', frames: decoder.frames + (handles?.data?.frames ?? 0), dhcp: decoder.dhcpMessages, errors: decoder.errors.total, events: pipeline.stats.events, transitions: pipeline.stats.transitions, captureDrops: drops, ...(handles ? { handles } : {}), flows: flows?.stats() });
}

async function replayFile(path: string, speed: number | 'max'): Promise<void> {
  let first: { capture: number; wall: number } | undefined;
  let pending: CapturedFrame[] = [];
  const reorder = new ReorderBuffer(2000, (frame) => pending.push(frame));
  const feed = async () => {
    for (const frame of pending) {
      if (stopping) return;
      if (speed !== 'max') {
        const t = frameTimeMs(frame);
        if (!first) {
          first = { capture: t, wall: Date.now() };
          post({ type: 'replay-paced', ...first });
        }
        const due = first.wall + (t - first.capture) / speed;
        if (due > Date.now()) {
          await pipeline.flush();
          await Promise.race([new Promise((r) => setTimeout(r, due - Date.now())), stopRequested]);
        }
      }
      if (pipeline.handle(decoder.decode(frame))) await pipeline.flush();
    }
    pending = [];
  };
  let lastTime = 0;
  await readCaptureFile(path, {
    onFrame: (frame) => {
      lastTime = Math.max(lastTime, frameTimeMs(frame));
      reorder.push(frame);
    },
    afterChunk: async () => {
      if (stopping) throw new StopReplay();
      await feed();
    },
  }).catch((error: unknown) => {
    if (!(error instanceof StopReplay)) throw error;
  });
  if (stopping) return;
  reorder.drain();
  await feed();
  pipeline.fireTimersUntil(lastTime);
  await pipeline.flush();
}

async function main(): Promise<void> {
  await pipeline.loadView();
  // Live capture opens before 'ready': an interface that cannot be captured fails the start.
  if (source.kind === 'live') {
    live = openLiveHandles(config, pipeline, decoder, (message) => post({ type: 'error', message }), (message) => {
      post({ type: 'fatal', message, code: undefined });
      setTimeout(() => process.exit(1), 50);
    });
  }
  // activation.source flows: activation data from IPFIX / NetFlow v9 records (src/flows).
  if (source.kind === 'live' && config.activation.flows && config.activation.source === 'flows') flows = await startFlowSource(config.activation.flows, pipeline);
  post({ type: 'ready', bindings: pipeline.view.size });
  const tick = setInterval(() => {
    // Live timers run on the wall clock; flush whatever the capture callbacks decided.
    void (async () => {
      if (source.kind === 'live') pipeline.fireTimersUntil(Date.now());
      await pipeline.flush();
      stats();
    })().catch((error) => post({ type: 'error', message: describe(error) }));
  }, 200);
  const counterTick = setInterval(() => void flushCounters().catch(() => undefined), 5000);
  if (source.kind === 'file') {
    await replayFile(source.path, source.speed);
    await flushCounters();
    stats();
    if (!stopping) post({ type: 'replay-done' });
  }
  await stopRequested;
  live?.close();
  await flows?.close();
  clearInterval(tick);
  clearInterval(counterTick);
  await pipeline.flush();
  await flushCounters();
  stats();
  redis.disconnect();
  post({ type: 'stopped' });
  // node_pcap leaves its poll handle open: exit explicitly once everything is flushed.
  setTimeout(() => process.exit(0), 50);
}

class StopReplay extends Error {}

function describe(error: unknown): string {
  return error instanceof DxgwError ? error.describe() : error instanceof Error ? error.message : String(error);
}

main().catch((error) => {
  post({ type: 'fatal', message: describe(error), code: error instanceof DxgwError ? error.code : undefined });
  setTimeout(() => process.exit(1), 50);
});
