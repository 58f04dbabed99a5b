/**
 * The bridge: outbox stream → one BullMQ queue per sink (DESIGN §1 "Outbox, then queue";
 * ADR 0004). Each round reads from the checkpoint, plans jobs per sink (job-plan.ts), adds
 * them, then moves the checkpoint and the chain links in one MULTI.
 *
 * Crash safety: before adding, the round's last position is written as `pending`. A round
 * that finds `pending` past the checkpoint (the previous one died between adding and
 * committing) re-reads exactly that range and leaves out events already in a job, so
 * nothing is lost and nothing is queued twice. One bridge per site works at a time (a lease
 * in Redis); others stand by.
 */
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { siteKeys } from '../leases/redis/keys.js';
import type { LeaseStore, OutboxEntry } from '../leases/store.js';
import { chainOf, chainsTouched, planJobs, type PlannedJob, type SinkPlanSettings } from './job-plan.js';
import { chainsKey, jobEvents, jobOptions, type CompletedRetention, type NotificationJobData, type RetryPolicy } from './queues.js';
import type { Sink } from './sink.js';

export interface BridgeOptions {
  site: string;
  store: LeaseStore;
  /** A connection the bridge may block on (XREAD BLOCK) and use for its checkpoint. */
  redis: Redis;
  sinks: Array<{ sink: Sink; queue: Queue<NotificationJobData> }>;
  retry: RetryPolicy;
  completed?: CompletedRetention;
  /** Outbox entries per round. */
  batch?: number;
  onError?: (error: unknown) => void;
}

const LEASE_MS = 10_000;
const DEFAULT_CHAINS = 16;

/** Stream ids compare as (ms, seq); the memory store's positions are plain counters. */
export function comparePositions(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

export class Bridge {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly owner = randomUUID();
  private readonly keys: { checkpoint: string; pending: string; lock: string; outbox: string };
  private readonly plans: Array<{ settings: SinkPlanSettings; queue: Queue<NotificationJobData>; chains: string }>;
  /** How long a round may wait for more events to fill batches (the smallest batch maxDelayMs). */
  private readonly lingerMs: number;
  /** Events moved into queues, jobs added, rounds. */
  readonly stats = { events: 0, jobs: 0, batches: 0 };

  constructor(private readonly options: BridgeOptions) {
    const { outbox, bridgeCheckpoint } = siteKeys(options.site);
    // The checkpoint key is shared with the outbox trimmer (never beyond it).
    this.keys = { outbox, checkpoint: bridgeCheckpoint, pending: `${bridgeCheckpoint}:pending`, lock: `${bridgeCheckpoint}:lock` };
    this.plans = options.sinks.map(({ sink, queue }) => ({
      queue,
      chains: chainsKey(options.site, sink.name),
      settings: {
        sink: sink.name,
        events: sink.events,
        ...(sink.batch && sink.deliverBatch ? { batch: { maxEvents: sink.batch.maxEvents, chains: sink.concurrency ?? DEFAULT_CHAINS } } : {}),
      },
    }));
    const delays = options.sinks.filter(({ sink }) => sink.batch && sink.deliverBatch).map(({ sink }) => sink.batch!.maxDelayMs);
    this.lingerMs = delays.length > 0 ? Math.min(...delays) : 0;
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
    await this.options.redis.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`, 1, this.keys.lock, this.owner).catch(() => undefined);
  }

  /** The stream position up to which every event is in its queues. */
  async checkpoint(): Promise<string> {
    return (await this.options.redis.get(this.keys.checkpoint)) ?? '0';
  }

  /** Moves every event after the checkpoint now (tests, `--exit-when-idle`); returns how many. */
  async drainOnce(): Promise<number> {
    let moved = 0;
    for (;;) {
      const n = await this.round(false);
      if (n === 0) return moved;
      moved += n;
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
        if ((await this.round(true)) > 0) continue;
        // Nothing new: wait on the stream itself rather than polling.
        const position = await this.checkpoint();
        await redis.xread('COUNT', 1, 'BLOCK', 1000, 'STREAMS', this.keys.outbox, position === '0' ? '0-0' : position);
      } catch (error) {
        this.options.onError?.(error);
        await sleep(500);
      }
    }
  }

  /** One read → plan → add → commit; returns how many events it moved. */
  private async round(linger: boolean): Promise<number> {
    const { redis } = this.options;
    const [checkpoint = '0', pending] = (await redis.mget(this.keys.checkpoint, this.keys.pending)).map((v) => v ?? undefined);
    const replay = pending !== undefined && comparePositions(pending, checkpoint) > 0;
    let entries = replay ? await this.readUpTo(checkpoint, pending) : await this.read(checkpoint);
    if (entries.length === 0) return 0;
    if (!replay && linger && this.lingerMs > 0 && entries.length < this.batchSize) {
      // Batch sinks: give a young round a moment to fill up (bounded by maxDelayMs).
      const age = Date.now() - Number(entries[0]!.position.split('-')[0]);
      if (age >= 0 && age < this.lingerMs) {
        await sleep(this.lingerMs - age);
        entries = await this.read(checkpoint);
      }
    }
    const last = entries[entries.length - 1]!.position;
    if (!replay) await redis.set(this.keys.pending, last);
    const links: Array<[string, Map<string, string | null>]> = [];
    for (const plan of this.plans) {
      const chains = chainsTouched(entries, plan.settings);
      if (chains.length === 0) continue;
      const previous = await redis.hmget(plan.chains, ...chains);
      const lastOf = new Map(chains.map((c, i) => [c, previous[i] ?? null]));
      const skip = replay ? await this.alreadyQueued(plan.queue, entries, plan.settings, lastOf) : undefined;
      const jobs = planJobs(entries, plan.settings, lastOf, skip);
      if (jobs.length > 0) await plan.queue.addBulk(jobs.map((job) => this.toBulkJob(job)));
      links.push([plan.chains, lastOf]);
      this.stats.jobs += jobs.length;
    }
    const commit = redis.multi();
    for (const [key, lastOf] of links) {
      const fields = [...lastOf].filter((kv): kv is [string, string] => kv[1] !== null);
      if (fields.length > 0) commit.hset(key, Object.fromEntries(fields));
    }
    commit.set(this.keys.checkpoint, last).del(this.keys.pending);
    await commit.exec();
    this.stats.events += entries.length;
    this.stats.batches++;
    return entries.length;
  }

  private get batchSize(): number {
    return this.options.batch ?? 1000;
  }

  private read(after: string): Promise<OutboxEntry[]> {
    return this.options.store.readOutbox(after, this.batchSize);
  }

  /** Exactly the entries in (after, upTo]: what the interrupted round had read. */
  private async readUpTo(after: string, upTo: string): Promise<OutboxEntry[]> {
    const out: OutboxEntry[] = [];
    for (let from = after; ; ) {
      const page = await this.read(from);
      for (const entry of page) {
        if (comparePositions(entry.position, upTo) > 0) return out;
        out.push(entry);
      }
      if (page.length < this.batchSize) return out;
      from = page[page.length - 1]!.position;
    }
  }

  /**
   * After an interrupted round: the events already in a job of this sink (found by the ids
   * their jobs must have), with those jobs as their chains' last links.
   */
  private async alreadyQueued(queue: Queue<NotificationJobData>, entries: OutboxEntry[], settings: SinkPlanSettings, lastOf: Map<string, string | null>): Promise<Set<string>> {
    const candidates = planJobs(entries, settings, new Map());
    const found = await Promise.all(candidates.map((job) => queue.getJob(job.id)));
    const skip = new Set<string>();
    for (const job of found) {
      if (!job) continue;
      for (const event of jobEvents(job.data)) {
        skip.add(event.id);
        lastOf.set(chainOf(event, settings), job.id!);
      }
    }
    return skip;
  }

  private toBulkJob(job: PlannedJob) {
    const data: NotificationJobData = { events: job.events, links: job.links, committedAt: job.committedAt };
    return { name: `${job.events.length} event${job.events.length === 1 ? '' : 's'}`, data, opts: { ...jobOptions(this.options.retry, this.options.completed), jobId: job.id } };
  }

  private async holdLease(): Promise<boolean> {
    const { redis } = this.options;
    const renewed = await redis.eval(
      `local cur = redis.call('GET', KEYS[1])
       if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
       if not cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
       return 0`,
      1,
      this.keys.lock,
      this.owner,
      LEASE_MS,
    );
    return renewed === 1;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
