/**
 * `dxgw replay FILE`: a capture through capture → decode → observe → engine → store, with the
 * capture's own timestamps as the clock (timers fire between packets, in capture time).
 * Prints each committed event as one JSON line; a summary goes to stderr.
 */
import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { readCaptureFile } from '../../capture/capture-file.js';
import { frameTimeMs } from '../../capture/frame.js';
import { ReorderBuffer } from '../../capture/reorder-buffer.js';
import { loadConfig } from '../../config/load.js';
import { FrameDecoder } from '../../dhcp/frame-decoder.js';
import { DxgwError } from '../../errors/codes.js';
import { Observer } from '../../leases/observer.js';
import { RedisLeaseStore } from '../../leases/redis/redis-store.js';
import type { LeaseStore } from '../../leases/store.js';
import { LeasePipeline } from '../../subscribers/lease-pipeline.js';
import { engineConfigFrom, observerConfigFrom } from '../../subscribers/runtime-config.js';
import { LineWriter } from '../output.js';
import { ProgressBar } from '../progress.js';

export interface ReplayOptions {
  config?: string;
  redis?: string;
  drain?: boolean;
  format: 'json' | 'none';
  /** Capture-time window within which frames are put back in time order. */
  reorderMs?: string;
}

export interface ReplaySummary {
  frames: number;
  dhcpMessages: number;
  decodeErrors: Record<string, number>;
  observations: number;
  transitions: number;
  events: number;
  bindings: number;
  ignored: Record<string, number>;
  counters: Record<string, number>;
  /** Frames that came later than the reorder window allowed. */
  lateFrames: number;
  fileError: string | null;
}

export async function replayCapture(file: string, options: ReplayOptions, out = new LineWriter()): Promise<ReplaySummary> {
  const config = loadConfig(options.config);
  const observer = new Observer(observerConfigFrom(config));
  let redis: Redis | undefined;
  let store: LeaseStore | undefined;
  const redisUrl = options.redis ?? (options.config ? config.redis.url : undefined);
  if (redisUrl) {
    redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    redis.on('error', () => undefined); // surfaces through the commands that fail
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new DxgwError('DXGW_STORE_UNAVAILABLE', `cannot connect to Redis at ${redisUrl}: ${(error as Error).message}`, { key: '--redis' });
    }
    store = new RedisLeaseStore(redis, config.site);
  }
  const pipeline = new LeasePipeline({
    engine: engineConfigFrom(config),
    observer,
    ...(store ? { store } : {}),
    // Events leave through onEvent; nothing reads the view's outbox afterwards.
    viewOutboxLimit: 0,
    onEvent: options.format === 'json' ? (event) => out.line(JSON.stringify(event)) : undefined,
  });
  const decoder = new FrameDecoder();
  const progress = new ProgressBar('replaying');
  let fileError: DxgwError | undefined;
  let lastTime = 0;
  const reorder = new ReorderBuffer(Number(options.reorderMs ?? 2000), (frame) => {
    lastTime = Math.max(lastTime, frameTimeMs(frame));
    pipeline.handle(decoder.decode(frame));
  });
  try {
    await pipeline.loadView();
    try {
      await readCaptureFile(file, {
        onFrame: (frame) => reorder.push(frame),
        async afterChunk(bytesRead, totalBytes) {
          progress.update(bytesRead, totalBytes, `${decoder.frames} frames, ${pipeline.stats.events} events`);
          await pipeline.flush();
          if (out.shouldFlush) await out.flush();
        },
      });
    } catch (error) {
      if (!(error instanceof DxgwError)) throw error;
      fileError = error;
    }
    reorder.drain();
    // --drain: let every remaining timer run out, in capture time, after the last packet.
    if (options.drain) pipeline.fireTimersUntil(Number.MAX_SAFE_INTEGER);
    else pipeline.fireTimersUntil(lastTime);
    await pipeline.flush();
    progress.done();
    await out.flush();
    const statsStore: LeaseStore = store ?? pipeline.view;
    await statsStore.addCounters({ ...decoder.counters(), ...prefixed('ignored', observer.ignored) });
    return {
        frames: decoder.frames,
      dhcpMessages: decoder.dhcpMessages,
      decodeErrors: decoder.errors.toJSON(),
      observations: pipeline.stats.observations,
      transitions: pipeline.stats.transitions,
      events: pipeline.stats.events,
      bindings: await statsStore.count(),
      ignored: { ...observer.ignored },
      counters: await statsStore.counters(),
      lateFrames: reorder.late,
      fileError: fileError ? fileError.describe() : null,
    };
  } finally {
    await store?.close();
    redis?.disconnect();
  }
}

function prefixed(prefix: string, counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(counts)) if (v) out[`${prefix}-${k}`] = v;
  return out;
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('run a capture through the lease engine in capture time; print each event as a JSON line')
    .argument('<file>', 'pcap or pcapng capture file')
    .option('-c, --config <file>', 'configuration (route map, activation, trust list, site)')
    .option('--redis <url>', 'replay into Redis instead of memory')
    .option('--drain', 'after the last packet, let every remaining lease expire (in capture time)')
    .option('-f, --format <format>', 'json | none', 'json')
    .option('--reorder-ms <ms>', 'put frames back in time order within this capture-time window (0 = file order)', '2000')
    .action(async (file: string, opts: ReplayOptions) => {
      if (!/^\d+$/.test(opts.reorderMs ?? '0')) throw new DxgwError('DXGW_CLI_BAD_ARGUMENT', `--reorder-ms must be a whole number of milliseconds`, { key: '--reorder-ms' });
      if (opts.format !== 'json' && opts.format !== 'none') {
        throw new DxgwError('DXGW_CLI_BAD_ARGUMENT', `--format must be json or none, not "${opts.format}"`, { key: '--format' });
      }
      const summary = await replayCapture(file, opts);
      process.stderr.write(`${JSON.stringify({ summary })}\n`);
      if (summary.fileError) {
        process.stderr.write(`dxgw replay: ${summary.fileError}\n`);
        process.exitCode = 2;
      }
    });
}
