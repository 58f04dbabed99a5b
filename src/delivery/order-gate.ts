/**
 * Order per chain per sink (DESIGN §1, ADR 0004): a job may be delivered only when, for every
 * chain it carries, the previous job of that chain is done with it — delivered, permanently
 * failed, gone (discarded by an operator, or completed long ago and cleaned), or (for a
 * subscriber lane) holding that lane's events delivered while it retries others. Otherwise
 * the job is parked without using an attempt. A failing subscriber holds back its own later
 * events only.
 *
 * Most predecessors were handled by this very process a moment ago, so the gate first asks
 * its own memory (delivered recently, or in flight right now: wait for it in place) and only
 * then Redis.
 */
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { laneOf } from './job-plan.js';
import { deliveredIndexes, jobEvents, jobLinks, type NotificationJobData } from './queues.js';

export type GateVerdict = { go: true } | { go: false; waitingFor: string; state: string; retryAt?: number };

/** Why a chain of a job must wait: the job it waits for, its state, when it retries. */
export type Held = Extract<GateVerdict, { go: false }>;

const DONE = new Set(['completed', 'failed', 'unknown']);
const REMEMBERED = 50_000;

export class OrderGate {
  /** Jobs this process delivered (two generations: a bounded memory without a timer). */
  private recent = new Set<string>();
  private older = new Set<string>();
  /** Jobs this process is delivering now: resolves true when delivered. */
  private readonly inFlight = new Map<string, Promise<boolean>>();

  constructor(
    private readonly queue: Queue<NotificationJobData>,
    /** How long to wait in place for a predecessor active in another process. */
    private readonly waitActiveMs = 50,
  ) {}

  /** Marks `jobId` as being delivered; call the returned function with the outcome. */
  begin(jobId: string): (delivered: boolean) => void {
    let settle!: (delivered: boolean) => void;
    this.inFlight.set(jobId, new Promise<boolean>((r) => (settle = r)));
    return (delivered) => {
      this.inFlight.delete(jobId);
      if (delivered) this.remember(jobId);
      settle(delivered);
    };
  }

  private remember(jobId: string): void {
    this.recent.add(jobId);
    if (this.recent.size >= REMEMBERED) {
      this.older = this.recent;
      this.recent = new Set();
    }
  }

  /**
   * The job's chains that must wait, each with why; empty when every chain may go. The
   * worker delivers the other chains' events meanwhile, so one held subscriber never holds
   * back those sharing its job.
   */
  async check(job: Job<NotificationJobData>): Promise<Map<string, Held>> {
    const held = new Map<string, Held>();
    for (const [chain, prev] of jobLinks(job.data)) {
      if (prev === job.id || this.recent.has(prev) || this.older.has(prev)) continue;
      const mine = this.inFlight.get(prev);
      if (mine && (await mine)) continue;
      const verdict = await this.askRedis(chain, prev);
      if (!verdict.go) held.set(chain, verdict);
    }
    return held;
  }

  private async askRedis(chain: string, prev: string): Promise<GateVerdict> {
    const deadline = Date.now() + this.waitActiveMs;
    for (let pause = 2; ; pause = Math.min(pause * 2, 10)) {
      const state = await this.queue.getJobState(prev);
      if (DONE.has(state)) return { go: true };
      if (state !== 'active' && (await this.laneDeliveredIn(chain, prev))) return { go: true };
      if (state === 'delayed') {
        // Backing off: come back when its next attempt is due, not every few ms.
        const retryAt = await this.dueTime(prev);
        return { go: false, waitingFor: prev, state, ...(retryAt !== undefined ? { retryAt } : {}) };
      }
      if (state !== 'active' || Date.now() >= deadline) return { go: false, waitingFor: prev, state };
      await new Promise((r) => setTimeout(r, pause));
    }
  }

  /** A job retrying other subscribers may already hold this lane's events delivered. */
  private async laneDeliveredIn(chain: string, jobId: string): Promise<boolean> {
    if (chain.startsWith('#')) return false;
    const job = await this.queue.getJob(jobId);
    if (!job) return true;
    const done = deliveredIndexes(job.progress);
    return jobEvents(job.data).every((e, i) => laneOf(e) !== chain || done.has(i));
  }

  private async dueTime(jobId: string): Promise<number | undefined> {
    const client = (await this.queue.backend.client) as unknown as Redis;
    const score = await client.zscore(this.queue.keys.delayed!, jobId);
    // BullMQ scores delayed jobs as timestamp * 0x1000 + a counter.
    return score === null ? undefined : Math.floor(Number(score) / 0x1000);
  }
}
