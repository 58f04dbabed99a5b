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

export async function checkOrder(queue: Queue<NotificationJobData>, job: Job<NotificationJobData>): Promise<GateVerdict> {
  const prev = job.data.prevJobId;
  // A link to the job itself or to a later event can only come from a bridge replaying a
  // batch after a crash: it constrains nothing.
  if (prev === null || prev === job.id || !(seqOf(prev) < seqOf(job.id!))) return { go: true };
  const state = await queue.getJobState(prev);
  if (state === 'completed' || state === 'failed' || state === 'unknown') return { go: true };
  return { go: false, waitingFor: prev, state };
}
