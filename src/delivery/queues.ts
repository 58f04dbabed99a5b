/**
 * Where a sink's notifications live: one BullMQ queue per sink, its keys under their own
 * cluster hash tag `{dxgw:<site>:<sink>}` (so a site's sinks spread over cluster shards and
 * every BullMQ script stays in one slot).
 *
 * A job carries events of one or more *chains* (ADR 0004): subscriber lanes `<vr>|<ip>` for
 * sinks that take one event per request, one batch chain `#<n>` (lanes hashed onto a few
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
  /** In outbox order; each subscriber's events in seq order. */
  events: SubscriberEvent[];
  /**
   * The job each of its chains waits for: `[chain, previous job of that chain]`, only where
   * there is one. A chain is a subscriber lane `<vr>|<ip>`, or `#<n>` for batch sinks.
   */
  links: Array<[string, string]>;
  /** Redis time (ms) at which the first event was committed: where latency is measured from. */
  committedAt: number;
}

/** Jobs written by earlier versions: one `event` (or `events` of one chain) and one link. */
interface OlderJobData {
  event?: SubscriberEvent;
  events?: SubscriberEvent[];
  lane?: string;
  chain?: string;
  prevJobId: string | null;
}

type AnyJobData = NotificationJobData | OlderJobData;

/** The job's events, whichever version of dxgw queued it. */
export function jobEvents(data: AnyJobData): SubscriberEvent[] {
  return data.events ?? ('event' in data && data.event ? [data.event] : []);
}

/** The job's links, whichever version of dxgw queued it. */
export function jobLinks(data: AnyJobData): Array<[string, string]> {
  if ('links' in data) return data.links;
  const chain = data.chain ?? data.lane ?? '';
  return data.prevJobId ? [[chain, data.prevJobId]] : [];
}

/**
 * Which of a job's events are delivered (kept as job progress when an attempt fails part-way,
 * so the next one resumes after them). Older jobs kept a count of the first ones.
 */
export function deliveredIndexes(progress: unknown): Set<number> {
  if (typeof progress !== 'object' || progress === null) return new Set();
  const { done, delivered } = progress as { done?: unknown; delivered?: unknown };
  if (Array.isArray(done)) return new Set(done.filter((i): i is number => Number.isSafeInteger(i) && i >= 0));
  if (typeof delivered === 'number' && Number.isSafeInteger(delivered) && delivered > 0) return new Set(Array.from({ length: delivered }, (_, i) => i));
  return new Set();
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
