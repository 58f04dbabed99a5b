/**
 * One BullMQ worker per sink: order gate, then the sink's attempt for the job's events, then
 * the mapping of its outcome onto BullMQ (delivered / retry with our backoff / straight to
 * failed). A job carries one subscriber's run of events, or a batch (job-plan.ts).
 */
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job, type Queue } from 'bullmq';
import { retryDelay } from './backoff.js';
import { OrderGate } from './order-gate.js';
import { deliveredSoFar, jobEvents, QUEUE_NAME, queuePrefix, type NotificationJobData, type RetryPolicy } from './queues.js';
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

  async function deliver(job: Job<NotificationJobData>, token: string | undefined): Promise<void> {
    const events = jobEvents(job.data);
    const controller = new AbortController();
    inFlight.add(controller);
    const attempt = { attempt: attemptNumber(job), maxAttempts: job.opts.attempts ?? retry.attempts, signal: controller.signal, jobId: job.id! };
    let done = deliveredSoFar(job.progress);
    try {
      if (sink.batch && sink.deliverBatch && events.length > 1) {
        await sink.deliverBatch(events.slice(done), attempt);
        return;
      }
      for (; done < events.length; done++) await sink.deliver(events[done]!, attempt);
    } catch (error) {
      const failure = toBullError(error);
      if (done > deliveredSoFar(job.progress) && !(failure instanceof UnrecoverableError)) {
        // Part of the job got through: the next try resumes after it (order kept, nothing
        // sent twice) and, as this attempt made progress, it costs no attempt.
        await job.updateProgress({ delivered: done });
        await job.moveToDelayed(Date.now() + retryDelay(1, retry, error), token);
        throw new DelayedError(`delivered ${done} of ${events.length}; ${failure.message}`);
      }
      throw failure;
    } finally {
      inFlight.delete(controller);
    }
  }

  const worker = new Worker<NotificationJobData>(
    QUEUE_NAME,
    async (job, token) => {
      const verdict = await gate.check(job);
      if (!verdict.go) {
        // Park without spending an attempt (BullMQ: moveToDelayed + DelayedError).
        const wait = Math.min(MAX_PARK_MS, Math.max(parkMs, (verdict.retryAt ?? 0) - Date.now()));
        await job.moveToDelayed(Date.now() + wait, token);
        throw new DelayedError(`waiting for ${verdict.waitingFor} (${verdict.state})`);
      }
      const settle = gate.begin(job.id!);
      let delivered = false;
      try {
        await deliver(job, token);
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
