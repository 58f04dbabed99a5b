/**
 * Order per subscriber per sink (DESIGN §1): a job may be delivered only when the previous
 * job of its lane (chained by the bridge) is done — delivered, permanently failed, or gone
 * (discarded by an operator, or completed long ago and cleaned). Otherwise the job is parked
 * briefly without using an attempt. Retries of an earlier event therefore hold back the
 * later ones of the same subscriber only, never the rest of the queue.
 */
import type { Job, Queue } from 'bullmq';
import { parseJobId, type NotificationJobData } from './queues.js';

const seqOf = (jobId: string): number => Number(/-(\d+)$/.exec(parseJobId(jobId)?.eventId ?? '')?.[1] ?? NaN);

export type GateVerdict = { go: true } | { go: false; waitingFor: string; state: string };

const DONE = new Set(['completed', 'failed', 'unknown']);

/**
 * Decides whether `job` may run now. When its predecessor is being delivered this very
 * moment (the common case: a subscriber's events arrive together), it waits a few ms in
 * place rather than taking the slower park-and-requeue path.
 */
export async function checkOrder(queue: Queue<NotificationJobData>, job: Job<NotificationJobData>, waitActiveMs = 50): Promise<GateVerdict> {
  const prev = job.data.prevJobId;
  // A link to the job itself or to a later event can only come from a bridge replaying a
  // batch after a crash: it constrains nothing.
  if (prev === null || prev === job.id || !(seqOf(prev) < seqOf(job.id!))) return { go: true };
  const deadline = Date.now() + waitActiveMs;
  for (let pause = 2; ; pause = Math.min(pause * 2, 10)) {
    const state = await queue.getJobState(prev);
    if (DONE.has(state)) return { go: true };
    if (state !== 'active' || Date.now() >= deadline) return { go: false, waitingFor: prev, state };
    await new Promise((r) => setTimeout(r, pause));
  }
}
