/**
 * One BullMQ worker per sink: order gate, then the sink's attempts for the job's events, then
 * the mapping of its outcome onto BullMQ (delivered / retry with our backoff / straight to
 * failed). A job carries events of many subscribers, delivered side by side, each
 * subscriber's in order; or one batch (job-plan.ts).
 */
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { setMaxListeners } from 'node:events';
import { retryDelay } from './backoff.js';
import { OrderGate, type Held } from './order-gate.js';
import { laneOf } from './job-plan.js';
import { deliveredIndexes, jobEvents, QUEUE_NAME, queuePrefix, type NotificationJobData, type RetryPolicy } from './queues.js';
import { PermanentDeliveryError, RetryableDeliveryError, type Sink } from './sink.js';

export interface SinkWorkerOptions {
  site: string;
  sink: Sink;
  queue: Queue<NotificationJobData>;
  connection: ConnectionOptions;
  retry: RetryPolicy;
  concurrency?: number;
  /** Shortest park of a job whose chain predecessor is not done yet. */
  parkMs?: number;
  /** A job failed for good (attempts exhausted or permanent): tell someone (SNMP, logs). */
  onGaveUp?: (job: Job<NotificationJobData>, error: Error) => void;
  /** A job's events were all delivered; latency from the first event's commit. */
  onDelivered?: (job: Job<NotificationJobData>, latencyMs: number, events: number) => void;
  /** Any failed attempt, final or not. */
  onAttemptFailed?: (job: Job<NotificationJobData>, error: Error) => void;
}

export interface SinkWorker {
  worker: Worker<NotificationJobData>;
  /** Aborts attempts still in flight (graceful shutdown ran out of time). */
  abortInFlight(): void;
}

/** A parked job looks again at least this often (an operator may retry its predecessor). */
const MAX_PARK_MS = 5000;

/** 1-based: attempts that ended, plus those a crash cut short (BullMQ counts stalls). */
export function attemptNumber(job: Pick<Job, 'attemptsMade' | 'stalledCounter'>): number {
  return job.attemptsMade + (job.stalledCounter ?? 0) + 1;
}

export function createSinkWorker(options: SinkWorkerOptions): SinkWorker {
  const { sink, queue, retry } = options;
  const gate = new OrderGate(queue);
  // One controller per job in flight: listeners never pile up on a shared signal.
  const inFlight = new Set<AbortController>();
  const parkMs = options.parkMs ?? 100;

  // Requests in flight for this sink, across the jobs being worked.
  const requests = slots(sink.concurrency ?? 16);

  /** Parks a job without spending an attempt until `wait` ms from now (BullMQ: moveToDelayed + DelayedError). */
  async function park(job: Job<NotificationJobData>, token: string | undefined, wait: number, why: string): Promise<never> {
    await job.moveToDelayed(Date.now() + wait, token);
    throw new DelayedError(why);
  }

  /** How long to park behind held chains: until the earliest of their predecessors retries. */
  function parkFor(held: Map<string, Held>): number {
    const due = Math.min(...[...held.values()].map((h) => h.retryAt ?? 0));
    return Math.min(MAX_PARK_MS, Math.max(parkMs, due - Date.now()));
  }

  async function deliver(job: Job<NotificationJobData>, token: string | undefined, held: Map<string, Held>): Promise<void> {
    const events = jobEvents(job.data);
    const controller = new AbortController();
    // Up to `concurrency` requests of this job listen on its signal at once (each removes its
    // listener when done): that many is expected, not a leak.
    setMaxListeners((sink.concurrency ?? 16) + 1, controller.signal);
    inFlight.add(controller);
    const attempt = { attempt: attemptNumber(job), maxAttempts: job.opts.attempts ?? retry.attempts, signal: controller.signal, jobId: job.id! };
    const done = deliveredIndexes(job.progress);
    const before = done.size;
    let firstError: unknown;
    try {
      if (sink.batch && sink.deliverBatch && events.length > 1) {
        await requests(() => sink.deliverBatch!(events.filter((_, i) => !done.has(i)), attempt));
        return;
      }
      const lanes = new Map<string, number[]>();
      events.forEach((event, i) => {
        const lane = laneOf(event);
        // A held subscriber's events wait for its earlier job; the others go now.
        if (done.has(i) || held.has(lane)) return;
        const indexes = lanes.get(lane);
        if (indexes) indexes.push(i);
        else lanes.set(lane, [i]);
      });
      await Promise.all(
        [...lanes.values()].map(async (indexes) => {
          for (const i of indexes) {
            try {
              await requests(() => sink.deliver(events[i]!, attempt));
              done.add(i);
            } catch (error) {
              // This subscriber stops here (its order); the others carry on.
              firstError ??= error;
              return;
            }
          }
        }),
      );
    } catch (error) {
      firstError = error;
    } finally {
      inFlight.delete(controller);
    }
    if (firstError === undefined && held.size === 0) return;
    const failure = firstError === undefined ? undefined : toBullError(firstError);
    // The next try (or an operator's retry) resumes after the events already delivered, and
    // the later jobs of the subscribers that got through need not wait for this one.
    if (done.size > before) await job.updateProgress({ done: [...done].sort((a, b) => a - b) });
    if (done.size > before && !(failure instanceof UnrecoverableError)) {
      // This try made progress: what is left starts a fresh count of attempts (BullMQ
      // keeps it in the job hash's `atm`), so a long run of one subscriber's events is not
      // given up on for failures of events that were delivered since.
      const client = (await queue.backend.client) as unknown as Redis;
      await client.hset(queue.toKey(job.id!), 'atm', 0);
    }
    if (held.size > 0) {
      // Some subscribers still wait for their earlier jobs: come back for them (no attempt spent).
      const wait = failure ? retryDelay(1, retry, firstError) : parkFor(held);
      await park(job, token, wait, `delivered ${done.size} of ${events.length}; ${held.size} subscriber(s) wait for earlier jobs`);
    }
    if (done.size > before && !(failure instanceof UnrecoverableError)) {
      await park(job, token, retryDelay(1, retry, firstError), `delivered ${done.size} of ${events.length}; ${failure!.message}`);
    }
    throw failure!;
  }

  const worker = new Worker<NotificationJobData>(
    QUEUE_NAME,
    async (job, token) => {
      const held = await gate.check(job);
      // Every chain of the job waits (always so for a batch): park it whole.
      if (held.size > 0 && (sink.batch || jobEvents(job.data).every((e) => held.has(laneOf(e))))) {
        const [first] = held.values();
        await park(job, token, parkFor(held), `waiting for ${first!.waitingFor} (${first!.state})`);
      }
      const settle = gate.begin(job.id!);
      let delivered = false;
      try {
        await deliver(job, token, sink.batch ? new Map() : held);
        delivered = true;
      } finally {
        settle(delivered);
      }
    },
    {
      connection: options.connection,
      prefix: queuePrefix(options.site, sink.name),
      concurrency: options.concurrency ?? sink.concurrency ?? 16,
      settings: { backoffStrategy: (attemptsMade, _type, error) => retryDelay(attemptsMade, retry, error) },
      // Locks outlive an event-loop stall of a few seconds; a dead process's jobs are
      // recovered by StallRecovery long before they expire.
      lockDuration: 60_000,
      // A stall is a crash mid-delivery: retry it however often that happens (at least once).
      maxStalledCount: 1_000_000,
      autorun: false,
    },
  );
  worker.on('completed', (job) => {
    const data = job.data as NotificationJobData & { event?: { time: string } };
    const from = data.committedAt ?? Date.parse(data.event?.time ?? '');
    options.onDelivered?.(job, Date.now() - from, jobEvents(job.data).length);
  });
  worker.on('failed', (job, error) => {
    if (!job) return;
    options.onAttemptFailed?.(job, error);
    const final = error instanceof UnrecoverableError || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? retry.attempts);
    if (final) options.onGaveUp?.(job, error);
  });
  return {
    worker,
    abortInFlight: () => {
      for (const c of inFlight) c.abort(new Error('gateway shutting down'));
    },
  };
}

/** Sink outcomes → what BullMQ understands. */
function toBullError(error: unknown): Error {
  if (error instanceof PermanentDeliveryError) return new UnrecoverableError(`${error.code}: ${error.message}`);
  if (error instanceof RetryableDeliveryError) {
    // BullMQ keeps the message as the job's last error: lead with the stable code.
    if (!error.message.startsWith(error.code)) error.message = `${error.code}: ${error.message}`;
    return error;
  }
  // Unknown failures are retried: a bug in a sink must not lose notifications.
  return error instanceof Error ? error : new Error(String(error));
}

/** At most `n` calls at once; the others queue in order. */
function slots(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let busy = 0;
  const queue: Array<() => void> = [];
  return async (fn) => {
    // A finishing call hands its slot straight to the next in line.
    if (busy < n) busy++;
    else await new Promise<void>((r) => queue.push(r));
    try {
      return await fn();
    } finally {
      const next = queue.shift();
      if (next) next();
      else busy--;
    }
  };
}
