/**
 * How the bridge turns a read of the outbox into jobs for one sink (ADR 0004). Pure: the
 * same entries, sink settings and chain links always give the same jobs, which is what makes
 * a bridge replay after a crash add nothing twice.
 *
 * - One-event-per-request sinks: a job carries up to MAX_EVENTS events of many subscribers
 *   from one round. Each subscriber lane stays its own chain: the job links to the previous
 *   job of every lane it carries, and the worker delivers the lanes side by side, each in
 *   order. BullMQ's cost is paid per job, not per event.
 * - Batch sinks: subscribers are hashed onto `chains` chains; a job is up to `maxEvents`
 *   events of one chain, in outbox order, sent as one request.
 */
import type { EventType, SubscriberEvent } from '../events/event.js';
import type { OutboxEntry } from '../leases/store.js';
import { jobIdFor } from './queues.js';

/** Events per job without batching: enough to amortise a job, few enough to finish soon. */
export const MAX_EVENTS = 32;

export interface SinkPlanSettings {
  sink: string;
  events: ReadonlySet<EventType>;
  /** Present for batch sinks. */
  batch?: { maxEvents: number; chains: number };
}

export interface PlannedJob {
  id: string;
  events: SubscriberEvent[];
  links: Array<[string, string]>;
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
  // Batch sinks fill one job per chain; the others one shared job.
  const open = new Map<string, PlannedJob>();
  const limit = settings.batch ? settings.batch.maxEvents : MAX_EVENTS;
  for (const { position, event } of entries) {
    if (!settings.events.has(event.type) || skip?.has(event.id)) continue;
    const chain = chainOf(event, settings);
    const slot = settings.batch ? chain : '';
    let job = open.get(slot);
    if (!job || job.events.length >= limit) {
      job = { id: jobIdFor(event.id, settings.sink), events: [], links: [], committedAt: committedAtOf(position, now) };
      open.set(slot, job);
      jobs.push(job);
    }
    const previous = last.get(chain) ?? null;
    if (previous !== job.id) {
      // The chain's first event in this job: wait for its previous job, if any.
      if (previous !== null) job.links.push([chain, previous]);
      last.set(chain, job.id);
    }
    job.events.push(event);
  }
  return jobs;
}
