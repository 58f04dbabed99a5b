/**
 * Where a sink's notifications live: one BullMQ queue per sink, its keys under their own
 * cluster hash tag `{dxgw:<site>:<sink>}` (so a site's sinks spread over cluster shards and
 * every BullMQ script stays in one slot). Job ids are `<eventId>@<sink>`: deterministic, so
 * adding the same event twice is a no-op (BullMQ refuses ':' in custom ids, hence '@').
 */
import type { ConnectionOptions, JobsOptions } from 'bullmq';

export const QUEUE_NAME = 'notify';

export function queuePrefix(site: string, sink: string): string {
  return `{dxgw:${site}:${sink}}`;
}

/** Last job id per subscriber lane (`<vr>|<ip>`), for the ordering gate (order-gate.ts). */
export function lanesKey(site: string, sink: string): string {
  return `${queuePrefix(site, sink)}:lanes`;
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
  event: import('../events/event.js').SubscriberEvent;
  /** `<vr>|<ip>`: events of one lane are delivered in order. */
  lane: string;
  /** The previous job of the same lane in this sink's queue, or null. */
  prevJobId: string | null;
}

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
}

export function jobOptions(retry: RetryPolicy): JobsOptions {
  return {
    attempts: retry.attempts,
    backoff: { type: 'dxgw', delay: retry.backoffMs },
    // Completed jobs stay a while so a re-added event (bridge restart) is recognised as done;
    // failed ones stay until an operator acts (never dropped silently).
    removeOnComplete: { age: 24 * 3600, count: 100_000 },
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
