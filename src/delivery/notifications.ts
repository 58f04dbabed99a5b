/**
 * Operator actions on notifications (docs/notifications.md): list by sink and state, show
 * one with its attempts and last error, retry (with the FULL number of attempts again:
 * BullMQ's plain retry grants one), discard, and find a subscriber's jobs (bull-board cannot
 * search). Shared by `dxgw notifications` and the REST API.
 */
import type { Job, JobType, Queue } from 'bullmq';
import { DxgwError } from '../errors/codes.js';
import type { LeaseStore } from '../leases/store.js';
import { deliveredIndexes, jobEvents, jobIdFor, jobLinks, parseJobId, type NotificationJobData } from './queues.js';
import type { SubscriberEvent } from '../events/event.js';

export const NOTIFICATION_STATES = ['failed', 'waiting', 'active', 'delayed', 'completed'] as const;
export type NotificationState = (typeof NOTIFICATION_STATES)[number];

export interface NotificationView {
  id: string;
  sink: string;
  /** The first of the job's events (a job carries one subscriber's run, or a batch). */
  eventId: string;
  eventIds: string[];
  /** The events' types, comma-separated, in delivery order. */
  type: string;
  /** Events delivered before the last attempt failed part-way. */
  delivered: number;
  subscriber: { vr: string; ip: string; mac: string };
  state: string;
  attemptsMade: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface NotificationDetail extends NotificationView {
  events: SubscriberEvent[];
  /** Stack traces of the failed attempts, newest last (BullMQ keeps them). */
  errors: string[];
  /** The jobs it is chained after (one per subscriber or batch chain with an earlier job). */
  waitingFor: string[];
}

async function view(job: Job<NotificationJobData>, sink: string, state?: string): Promise<NotificationView> {
  const events = jobEvents(job.data);
  const event = events[0]!;
  return {
    id: job.id!,
    sink,
    eventId: event.id,
    eventIds: events.map((e) => e.id),
    type: events.map((e) => e.type).join(','),
    delivered: deliveredIndexes(job.progress).size,
    subscriber: { vr: event.subscriber.vr, ip: event.subscriber.ip, mac: event.subscriber.mac },
    state: state ?? (await job.getState()),
    attemptsMade: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    lastError: job.failedReason ?? null,
    createdAt: new Date(job.timestamp).toISOString(),
    finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
  };
}

export class NotificationOps {
  constructor(private readonly queues: Map<string, Queue<NotificationJobData>>) {}

  get sinks(): string[] {
    return [...this.queues.keys()];
  }

  private queue(sink: string): Queue<NotificationJobData> {
    const q = this.queues.get(sink);
    if (!q) throw new DxgwError('DXGW_NOTIFICATION_NOT_FOUND', `no sink named "${sink}" (sinks: ${this.sinks.join(', ') || 'none'})`, { key: 'sink' });
    return q;
  }

  async list(filter: { sink?: string; state?: NotificationState; limit?: number } = {}): Promise<NotificationView[]> {
    const states: JobType[] = filter.state ? [filter.state] : ['failed', 'waiting', 'active', 'delayed'];
    const limit = filter.limit ?? 1000;
    const out: NotificationView[] = [];
    for (const sink of filter.sink ? [filter.sink] : this.sinks) {
      for (const state of states) {
        const jobs = await this.queue(sink).getJobs([state], 0, limit - 1);
        for (const job of jobs) if (job) out.push(await view(job, sink, state));
      }
    }
    return out.slice(0, limit);
  }

  async job(jobId: string): Promise<{ job: Job<NotificationJobData>; sink: string }> {
    const parsed = parseJobId(jobId);
    const job = parsed ? await this.queue(parsed.sink).getJob(jobId) : undefined;
    if (!parsed || !job) throw new DxgwError('DXGW_NOTIFICATION_NOT_FOUND', `no notification ${jobId}`, { key: 'id' });
    return { job, sink: parsed.sink };
  }

  async show(jobId: string): Promise<NotificationDetail> {
    const { job, sink } = await this.job(jobId);
    const v = await view(job, sink);
    return { ...v, events: jobEvents(job.data), errors: job.stacktrace ?? [], waitingFor: jobLinks(job.data).map(([, prev]) => prev) };
  }

  /** Back to waiting with every attempt again. Only failed jobs can be retried. */
  async retry(jobId: string): Promise<NotificationView> {
    const { job, sink } = await this.job(jobId);
    const state = await job.getState();
    if (state !== 'failed') throw new DxgwError('DXGW_NOTIFICATION_NOT_FAILED', `notification ${jobId} is ${state}, not failed`, { key: 'id' });
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return view(job, sink, 'waiting');
  }

  /** Retries every failed notification (of one sink, or all); returns how many. */
  async retryAll(sink?: string): Promise<number> {
    let n = 0;
    for (const name of sink ? [sink] : this.sinks) {
      for (;;) {
        // Oldest failure first: within a subscriber, an earlier event always failed before a
        // later one (the order gate), so its retry is queued first and the later one waits.
        const failed = await this.queue(name).getJobs(['failed'], 0, 499, true);
        if (failed.length === 0) break;
        for (const job of failed) {
          if (!job) continue;
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          n++;
        }
      }
    }
    return n;
  }

  /** Removes a notification for good (its subscriber's later events then proceed). */
  async discard(jobId: string): Promise<void> {
    const { job } = await this.job(jobId);
    await job.remove();
  }

  /** A subscriber's notifications, from its event history in the outbox. */
  async forSubscriber(store: LeaseStore, vr: string, ip: string, limit = 100): Promise<NotificationView[]> {
    const events = await store.history(vr, ip, limit);
    const out: NotificationView[] = [];
    for (const sink of this.sinks) {
      // A job is named after its first event; the events it carries need no lookup of their own.
      const covered = new Set<string>();
      for (const event of events) {
        if (covered.has(event.id)) continue;
        const job = await this.queue(sink).getJob(jobIdFor(event.id, sink));
        if (!job) continue;
        for (const e of jobEvents(job.data)) covered.add(e.id);
        out.push(await view(job, sink));
      }
    }
    return out;
  }
}
