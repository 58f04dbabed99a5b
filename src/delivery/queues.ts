/**
 * Where a sink's notifications live: one BullMQ queue per sink, its keys under their own
 * cluster hash tag `{dxgw:<site>:<sink>}` (so a site's sinks spread over cluster shards and
 * every BullMQ script stays in one slot).
 *
 * A job carries one or more events of one *chain* (ADR 0004): a subscriber lane `<vr>|<ip>`
 * for sinks that take one event per request, a batch chain `#<n>` (lanes hashed onto a few
 * chains) for batch sinks. Its id is `<firstEventId>@<sink>`: every event is in exactly one
 * job per sink, so the id is unique, deterministic, and found again from the event (BullMQ
 * refuses ':' in custom ids, hence '@').
 */
import type { ConnectionOptions, JobsOptions } from 'bullmq';
import type { SubscriberEvent } from '../events/event.js';
import { siteKeys } from '../leases/redis/keys.js';

export const QUEUE_NAME = 'notify';

export function queuePrefix(site: string, sink: string): string {
  return `{dxgw:${site}:${sink}}`;
}

/**
 * Last job id per chain for one sink (the order gate's links). Under the site's hash tag,
 * beside the bridge checkpoint, so both move in one MULTI.
 */
export function chainsKey(site: string, sink: string): string {
  return `${siteKeys(site).tag}:chains:${sink}`;
}

export function jobIdFor(eventId: string, sink: string): string {
  return `${eventId}@${sink}`;
}

export function parseJobId(jobId: string): { eventId: string; sink: string } | undefined {
  const at = jobId.lastIndexOf('@');
  if (at <= 0 || at === jobId.length - 1) return undefined;
  return { eventId: jobId.slice(0, at), sink: jobId.slice(at + 1) };
}

export interface NotificationJobData {
  /** In delivery order; one subscriber's events in seq order. */
  events: SubscriberEvent[];
  /** `<vr>|<ip>` or `#<n>`: jobs of one chain are delivered one after the other. */
  chain: string;
  /** The previous job of the same chain in this sink's queue, or null. */
  prevJobId: string | null;
  /** Redis time (ms) at which the first event was committed: where latency is measured from. */
  committedAt: number;
}

/** Jobs written before multi-event jobs carried one `event` and a `lane`. */
interface LegacyJobData {
  event: SubscriberEvent;
  lane: string;
  prevJobId: string | null;
}

/** The job's data in the current shape, whichever version of dxgw queued it. */
export function jobEvents(data: NotificationJobData | LegacyJobData): SubscriberEvent[] {
  return 'events' in data ? data.events : [data.event];
}

/** How far a job got: events delivered before an attempt failed part-way (kept as job progress). */
export function deliveredSoFar(progress: unknown): number {
  const n = typeof progress === 'object' && progress !== null ? (progress as { delivered?: unknown }).delivered : undefined;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : 0;
}

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
}

/** Completed jobs kept per queue (they let a re-added event be recognised as done). */
export interface CompletedRetention {
  count: number;
  ageSeconds: number;
}

export const DEFAULT_COMPLETED: CompletedRetention = { count: 10_000, ageSeconds: 3600 };

export function jobOptions(retry: RetryPolicy, completed: CompletedRetention = DEFAULT_COMPLETED): JobsOptions {
  return {
    attempts: retry.attempts,
    backoff: { type: 'dxgw', delay: retry.backoffMs },
    // Bounded: the bridge never re-adds an event it has passed (its checkpoint is atomic with
    // the chain links), so completed jobs are only kept for operators and the console.
    removeOnComplete: { age: completed.ageSeconds, count: completed.count },
    // Failed ones stay until an operator acts (never dropped silently).
    removeOnFail: false,
  };
}

/** ioredis options BullMQ workers need: never give up on a command (they block on Redis). */
export function connectionFor(url: string): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}
