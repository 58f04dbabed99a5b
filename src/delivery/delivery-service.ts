/**
 * The delivery role: the bridge (outbox → queues) and one worker per sink, started and
 * stopped together. Stop is graceful: the bridge stops, in-flight attempts get `graceMs` to
 * finish (then are aborted and retried later), sinks say goodbye (RADIUS Accounting-Off).
 */
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { LeaseStore } from '../leases/store.js';
import { Bridge } from './bridge.js';
import { connectionFor, QUEUE_NAME, queuePrefix, type CompletedRetention, type NotificationJobData, type RetryPolicy } from './queues.js';
import type { Sink } from './sink.js';
import { StallRecovery } from './stall-recovery.js';
import { createSinkWorker, type SinkWorker } from './worker.js';

export interface DeliveryServiceOptions {
  site: string;
  redisUrl: string;
  store: LeaseStore;
  sinks: Sink[];
  retry: RetryPolicy;
  /** Completed jobs kept per sink queue. */
  completed?: CompletedRetention;
  /** Overrides every sink's own concurrency (benchmarks, tests). */
  concurrency?: number;
  parkMs?: number;
  onGaveUp?: (sink: Sink, job: Job<NotificationJobData>, error: Error) => void;
  /** `events` delivered in one job, `latencyMs` from the first one's commit. */
  onDelivered?: (sink: Sink, latencyMs: number, events: number) => void;
  onAttemptFailed?: (sink: Sink, error: Error) => void;
  onError?: (where: string, error: unknown) => void;
}

export function openQueues(site: string, redisUrl: string, sinkNames: string[]): Map<string, Queue<NotificationJobData>> {
  const connection = connectionFor(redisUrl);
  // BullMQ's own event stream is read by nobody here: a short one costs Redis less per job.
  return new Map(sinkNames.map((name) => [name, new Queue<NotificationJobData>(QUEUE_NAME, { connection, prefix: queuePrefix(site, name), streams: { events: { maxLen: 1000 } } })]));
}

export interface SinkActivity {
  delivered: number;
  lastErrorTime: number | null;
  lastError: string | null;
}

export class DeliveryService {
  readonly queues: Map<string, Queue<NotificationJobData>>;
  /** Deliveries and the last failure per sink, as seen by this process. */
  readonly activity = new Map<string, SinkActivity>();
  readonly bridge: Bridge;
  private readonly workers: SinkWorker[] = [];
  private readonly bridgeRedis: Redis;
  private recovery: StallRecovery | undefined;
  private recoveryRedis: Redis | undefined;

  constructor(private readonly options: DeliveryServiceOptions) {
    this.queues = openQueues(options.site, options.redisUrl, options.sinks.map((s) => s.name));
    this.bridgeRedis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.bridgeRedis.on('error', (error) => options.onError?.('bridge connection', error));
    this.bridge = new Bridge({
      site: options.site,
      store: options.store,
      redis: this.bridgeRedis,
      sinks: options.sinks.map((sink) => ({ sink, queue: this.queues.get(sink.name)! })),
      retry: options.retry,
      ...(options.completed ? { completed: options.completed } : {}),
      onError: (error) => options.onError?.('bridge', error),
    });
  }

  async start(): Promise<void> {
    for (const [name, queue] of this.queues) queue.on('error', (error) => this.options.onError?.(`queue ${name}`, error));
    for (const sink of this.options.sinks) {
      // A sink that cannot greet its peer (Accounting-On) still delivers: it retries the
      // greeting itself; failing the whole role here would stop every other sink too.
      await sink.start?.().catch((error: unknown) => this.options.onError?.(`sink ${sink.name} start`, error));
      const worker = createSinkWorker({
        site: this.options.site,
        sink,
        queue: this.queues.get(sink.name)!,
        connection: connectionFor(this.options.redisUrl),
        retry: this.options.retry,
        ...(this.options.concurrency !== undefined ? { concurrency: this.options.concurrency } : {}),
        ...(this.options.parkMs !== undefined ? { parkMs: this.options.parkMs } : {}),
        onGaveUp: (job, error) => this.options.onGaveUp?.(sink, job, error),
        onDelivered: (_job, latency, events) => {
          this.activityOf(sink.name).delivered += events;
          this.options.onDelivered?.(sink, latency, events);
        },
        onAttemptFailed: (_job, error) => {
          Object.assign(this.activityOf(sink.name), { lastErrorTime: Date.now(), lastError: error.message });
          this.options.onAttemptFailed?.(sink, error);
        },
      });
      worker.worker.on('error', (error) => this.options.onError?.(`worker ${sink.name}`, error));
      this.workers.push(worker);
    }
    // Registered before the workers take jobs, so no other process mistakes them for dead.
    // Its own connection: heartbeats never wait behind the bridge's blocking read.
    this.recoveryRedis = this.bridgeRedis.duplicate();
    this.recoveryRedis.on('error', (error) => this.options.onError?.('stall recovery connection', error));
    this.recovery = new StallRecovery(
      this.recoveryRedis,
      this.options.site,
      this.workers.map((w, i) => ({ sink: this.options.sinks[i]!.name, worker: w.worker, queue: this.queues.get(this.options.sinks[i]!.name)! })),
      (error) => this.options.onError?.('stall recovery', error),
    );
    await this.recovery.start();
    for (const w of this.workers) void w.worker.run().catch((error: unknown) => this.options.onError?.('worker run', error));
    this.bridge.start();
  }

  private activityOf(sink: string): SinkActivity {
    let a = this.activity.get(sink);
    if (!a) {
      a = { delivered: 0, lastErrorTime: null, lastError: null };
      this.activity.set(sink, a);
    }
    return a;
  }

  /** Per-sink counters for the SNMP sink table and metrics: queue counts plus this process's activity. */
  async sinkCounters(): Promise<Array<{ name: string; waiting: number; delayed: number; failed: number; delivered: number; lastErrorTime: number | null; lastError: string | null }>> {
    const out = [];
    for (const [name, queue] of this.queues) {
      const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
      const a = this.activityOf(name);
      out.push({ name, waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.active ?? 0), delayed: c.delayed ?? 0, failed: c.failed ?? 0, delivered: a.delivered, lastErrorTime: a.lastErrorTime, lastError: a.lastError });
    }
    return out;
  }

  /** True when every event is in its queues and no job waits, runs or is scheduled. */
  async idle(): Promise<boolean> {
    if ((await this.bridge.drainOnce()) > 0) return false;
    for (const queue of this.queues.values()) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      if (Object.values(counts).some((n) => n > 0)) return false;
    }
    return true;
  }

  async stop(graceMs = 10_000): Promise<void> {
    await this.bridge.stop();
    this.recovery?.stop();
    const closing = Promise.all(this.workers.map((w) => w.worker.close()));
    const timer = setTimeout(() => {
      for (const w of this.workers) w.abortInFlight();
    }, graceMs);
    await closing;
    clearTimeout(timer);
    await this.recovery?.leave();
    this.recoveryRedis?.disconnect();
    for (const sink of this.options.sinks) await sink.stop?.().catch((error: unknown) => this.options.onError?.(`sink ${sink.name} stop`, error));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.bridgeRedis.disconnect();
  }
}
