/**
 * How the bridge turns a read of the outbox into jobs for one sink (ADR 0004). Pure: the
 * same entries, sink settings and chain links always give the same jobs, which is what makes
 * a bridge replay after a crash add nothing twice.
 *
 * - One-event-per-request sinks: a job is the events of one transition of one subscriber
 *   (adjacent in the outbox, same lane, same time): the created and added events of an
 *   activation travel together, so the second never waits for the first.
 * - Batch sinks: subscribers are hashed onto `chains` chains; a job is up to `maxEvents`
 *   events of one chain, in outbox order, so each subscriber's events stay in order.
 */
import type { EventType, SubscriberEvent } from '../events/event.js';
import type { OutboxEntry } from '../leases/store.js';
import { jobIdFor } from './queues.js';

/** A run is cut here whatever happens: one job should not hold a lock for minutes of POSTs. */
export const MAX_RUN = 16;

export interface SinkPlanSettings {
  sink: string;
  events: ReadonlySet<EventType>;
  /** Present for batch sinks. */
  batch?: { maxEvents: number; chains: number };
}

export interface PlannedJob {
  id: string;
  chain: string;
  events: SubscriberEvent[];
  prevJobId: string | null;
  committedAt: number;
}

export function laneOf(event: SubscriberEvent): string {
  return `${event.subscriber.vr}|${event.subscriber.ip}`;
}

/** FNV-1a: a stable spread of lanes over batch chains. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function chainOf(event: SubscriberEvent, settings: SinkPlanSettings): string {
  const lane = laneOf(event);
  return settings.batch ? `#${hash32(lane) % settings.batch.chains}` : lane;
}

/** Stream ids are `<ms>-<n>` (Redis time at commit); the memory store counts instead. */
export function committedAtOf(position: string, fallback: number): number {
  const dash = position.indexOf('-');
  const ms = dash > 0 ? Number(position.slice(0, dash)) : NaN;
  return Number.isFinite(ms) ? ms : fallback;
}

/** The chains a read touches, to fetch their last links in one HMGET. */
export function chainsTouched(entries: readonly OutboxEntry[], settings: SinkPlanSettings): string[] {
  const chains = new Set<string>();
  for (const { event } of entries) if (settings.events.has(event.type)) chains.add(chainOf(event, settings));
  return [...chains];
}

/**
 * Jobs for `entries`, in the order of their first event. `last` maps each chain to its last
 * job so far and is updated in place. Events in `skip` (already in a job, after a crash) are
 * left out.
 */
export function planJobs(entries: readonly OutboxEntry[], settings: SinkPlanSettings, last: Map<string, string | null>, skip?: ReadonlySet<string>, now = Date.now()): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  const open = new Map<string, PlannedJob>();
  const limit = settings.batch ? settings.batch.maxEvents : MAX_RUN;
  let previous: SubscriberEvent | undefined;
  for (const { position, event } of entries) {
    const adjacent = previous;
    previous = event;
    if (!settings.events.has(event.type) || skip?.has(event.id)) continue;
    const chain = chainOf(event, settings);
    let job = open.get(chain);
    // Without batching, a job is one transition: it carries on only from the entry just before.
    const sameTransition = settings.batch || (job !== undefined && adjacent === job.events[job.events.length - 1] && adjacent!.time === event.time);
    if (!job || !sameTransition || job.events.length >= limit) {
      job = { id: jobIdFor(event.id, settings.sink), chain, events: [], prevJobId: last.get(chain) ?? null, committedAt: committedAtOf(position, now) };
      last.set(chain, job.id);
      open.set(chain, job);
      jobs.push(job);
    }
    job.events.push(event);
  }
  return jobs;
}
