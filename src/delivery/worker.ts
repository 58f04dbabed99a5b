/**
 * One BullMQ worker per sink: order gate, then the sink's attempt, then the mapping of its
 * outcome onto BullMQ (delivered / retry with our backoff / straight to failed).
 */
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job, type Queue } from 'bullmq';
import { retryDelay } from './backoff.js';
import { checkOrder } from './order-gate.js';
import { QUEUE_NAME, queuePrefix, type NotificationJobData, type RetryPolicy } from './queues.js';
import { PermanentDeliveryError, RetryableDeliveryError, type Sink } from './sink.js';

export interface SinkWorkerOptions {
  site: string;
  sink: Sink;
  queue: Queue<NotificationJobData>;
  connection: ConnectionOptions;
  retry: RetryPolicy;
  concurrency?: number;
  /** How long a job waits for its lane's previous job before looking again. */
  parkMs?: number;
  /** A job failed for good (attempts exhausted or permanent): tell someone (SNMP, logs). */
  onGaveUp?: (job: Job<NotificationJobData>, error: Error) => void;
  onDelivered?: (job: Job<NotificationJobData>, latencyMs: number) => void;
  /** Any failed attempt, final or not. */
  onAttemptFailed?: (job: Job<NotificationJobData>, error: Error) => void;
}

export interface SinkWorker {
  worker: Worker<NotificationJobData>;
  /** Aborts attempts still in flight (graceful shutdown ran out of time). */
  abortInFlight(): void;
}

export function createSinkWorker(options: SinkWorkerOptions): SinkWorker {
  const { sink, queue, retry } = options;
  const shutdown = new AbortController();
  const worker = new Worker<NotificationJobData>(
    QUEUE_NAME,
    async (job, token) => {
      const gate = await checkOrder(queue, job);
      if (!gate.go) {
        // Park without spending an attempt (BullMQ: moveToDelayed + DelayedError).
        await job.moveToDelayed(Date.now() + (options.parkMs ?? 100), token);
        throw new DelayedError(`waiting for ${gate.waitingFor} (${gate.state})`);
      }
      try {
        await sink.deliver(job.data.event, { attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? retry.attempts, signal: shutdown.signal });
      } catch (error) {
        if (error instanceof PermanentDeliveryError) throw new UnrecoverableError(`${error.code}: ${error.message}`);
        if (error instanceof RetryableDeliveryError) {
          // BullMQ keeps the message as the job's last error: lead with the stable code.
          if (!error.message.startsWith(error.code)) error.message = `${error.code}: ${error.message}`;
          throw error;
        }
        // Unknown failures are retried: a bug in a sink must not lose notifications.
        throw error instanceof Error ? error : new Error(String(error));
      }
    },
    {
      connection: options.connection,
      prefix: queuePrefix(options.site, sink.name),
      concurrency: options.concurrency ?? 16,
      settings: { backoffStrategy: (attemptsMade, _type, error) => retryDelay(attemptsMade, retry, error) },
      // Locks outlive an event-loop stall of a few seconds (decode runs elsewhere, but be safe).
      lockDuration: 60_000,
    },
  );
  worker.on('completed', (job) => options.onDelivered?.(job, Date.now() - Date.parse(job.data.event.time)));
  worker.on('failed', (job, error) => {
    if (!job) return;
    options.onAttemptFailed?.(job, error);
    const final = error instanceof UnrecoverableError || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? retry.attempts);
    if (final) options.onGaveUp?.(job, error);
  });
  return { worker, abortInFlight: () => shutdown.abort(new Error('gateway shutting down')) };
}
