/**
 * The bridge: outbox stream → one BullMQ queue per sink (DESIGN §1 "Outbox, then queue").
 * Reads from its checkpoint, adds one job per (event, sink that takes its type) with the
 * deterministic id `<eventId>@<sink>`, and moves the checkpoint only after the jobs exist.
 * A crash anywhere re-adds the same ids, which BullMQ ignores: nothing lost, nothing doubled.
 * One bridge per site works at a time (a lease in Redis); others stand by.
 */
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { siteKeys } from '../leases/redis/keys.js';
import type { LeaseStore, OutboxEntry } from '../leases/store.js';
import { jobIdFor, jobOptions, lanesKey, type NotificationJobData, type RetryPolicy } from './queues.js';
import type { Sink } from './sink.js';

export interface BridgeOptions {
  site: string;
  store: LeaseStore;
  /** A connection the bridge may block on (XREAD BLOCK) and use for its checkpoint. */
  redis: Redis;
  sinks: Array<{ sink: Sink; queue: Queue<NotificationJobData> }>;
  retry: RetryPolicy;
  batch?: number;
  onError?: (error: unknown) => void;
}

const LEASE_MS = 10_000;

export class Bridge {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly owner = randomUUID();
  private readonly checkpointKey: string;
  private readonly lockKey: string;
  private readonly outboxKey: string;
  /** Events moved into queues, jobs added (including duplicates BullMQ ignored). */
  readonly stats = { events: 0, jobs: 0, batches: 0 };

  constructor(private readonly options: BridgeOptions) {
    const keys = siteKeys(options.site);
    this.outboxKey = keys.outbox;
    this.checkpointKey = `${keys.outbox}:bridge`;
    this.lockKey = `${keys.outbox}:bridge:lock`;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    // Let a standby take over at once.
    await this.options.redis.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`, 1, this.lockKey, this.owner).catch(() => undefined);
  }

  /** The stream position up to which every event is in its queues. */
  async checkpoint(): Promise<string> {
    return (await this.options.redis.get(this.checkpointKey)) ?? '0';
  }

  /** Moves every event after the checkpoint now (tests, `--exit-when-idle`); returns how many. */
  async drainOnce(): Promise<number> {
    let moved = 0;
    for (;;) {
      const entries = await this.options.store.readOutbox(await this.checkpoint(), this.options.batch ?? 500);
      if (entries.length === 0) return moved;
      await this.enqueue(entries);
      moved += entries.length;
    }
  }

  private async run(): Promise<void> {
    const { redis } = this.options;
    while (this.running) {
      try {
        if (!(await this.holdLease())) {
          await sleep(1000);
          continue;
        }
        const position = await this.checkpoint();
        const entries = await this.options.store.readOutbox(position, this.options.batch ?? 500);
        if (entries.length > 0) {
          await this.enqueue(entries);
          continue;
        }
        // Nothing new: wait on the stream itself rather than polling.
        await redis.xread('COUNT', 1, 'BLOCK', 1000, 'STREAMS', this.outboxKey, position === '0' ? '0-0' : position);
      } catch (error) {
        this.options.onError?.(error);
        await sleep(500);
      }
    }
  }

  private async holdLease(): Promise<boolean> {
    const { redis } = this.options;
    const renewed = await redis.eval(
      `local cur = redis.call('GET', KEYS[1])
       if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
       if not cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
       return 0`,
      1,
      this.lockKey,
      this.owner,
      LEASE_MS,
    );
    return renewed === 1;
  }

  private async enqueue(entries: OutboxEntry[]): Promise<void> {
    const { redis, sinks, site, retry } = this.options;
    for (const { sink, queue } of sinks) {
      const chosen = entries.filter((e) => sink.events.has(e.event.type));
      if (chosen.length === 0) continue;
      // Chain each event to the previous job of its lane in this sink (the ordering gate).
      const lanes = [...new Set(chosen.map((e) => laneOf(e)))];
      const previous = await redis.hmget(lanesKey(site, sink.name), ...lanes);
      const last = new Map(lanes.map((lane, i) => [lane, previous[i] ?? null]));
      const jobs = chosen.map((e) => {
        const lane = laneOf(e);
        const jobId = jobIdFor(e.event.id, sink.name);
        const data: NotificationJobData = { event: e.event, lane, prevJobId: last.get(lane) ?? null };
        last.set(lane, jobId);
        return { name: e.event.type, data, opts: { ...jobOptions(retry), jobId } };
      });
      await queue.addBulk(jobs);
      await redis.hset(lanesKey(site, sink.name), Object.fromEntries(last));
      this.stats.jobs += jobs.length;
    }
    await redis.set(this.checkpointKey, entries[entries.length - 1]!.position);
    this.stats.events += entries.length;
    this.stats.batches++;
  }
}

function laneOf(entry: OutboxEntry): string {
  return `${entry.event.subscriber.vr}|${entry.event.subscriber.ip}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
