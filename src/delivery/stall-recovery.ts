/**
 * Jobs left active by a delivery process that died (kill -9, power loss) are redelivered
 * within seconds instead of after their lock expires (ADR 0004). Every worker keeps a
 * heartbeat in the site's `delivery:alive` sorted set; a worker replacing one on the same
 * host for the same sink declares its predecessor dead at once. A job whose lock belongs to
 * no live worker (or has no lock) is handed to BullMQ's stalled-job check, which puts it back
 * in the queue and counts the stall (the next attempt's X-Dxgw-Attempt shows it).
 */
import { hostname } from 'node:os';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { siteKeys } from '../leases/redis/keys.js';
import type { NotificationJobData } from './queues.js';

/** A worker that has not beaten for this long is dead. */
export const HEARTBEAT_TTL_MS = 8000;
const BEAT_MS = 2000;

/*
 * release-orphans
 *   KEYS[1] the queue's stalled set   KEYS[2] the queue's stalled-check key
 *   ARGV[1] the queue's key prefix (`<prefix>:<name>:`)
 *   ARGV[2..] pairs: job id, the lock value seen ('' = none)
 *   Returns how many jobs were marked stalled: a lock that changed since it was read
 *   (the job moved on) is left alone.
 */
const RELEASE_ORPHANS = `
local n = 0
for i = 2, #ARGV, 2 do
  local lockKey = ARGV[1] .. ARGV[i] .. ':lock'
  local lock = redis.call('GET', lockKey)
  if (lock or '') == ARGV[i + 1] then
    if lock then redis.call('DEL', lockKey) end
    redis.call('SADD', KEYS[1], ARGV[i])
    n = n + 1
  end
end
if n > 0 then redis.call('DEL', KEYS[2]) end
return n`;

export interface RecoverableWorker {
  sink: string;
  worker: Worker<NotificationJobData>;
  queue: Queue<NotificationJobData>;
}

export class StallRecovery {
  private timer: NodeJS.Timeout | undefined;
  private readonly aliveKey: string;
  private readonly instancesKey: string;
  /** Jobs handed back to the queue so far. */
  recovered = 0;

  constructor(
    private readonly redis: Redis,
    site: string,
    private readonly workers: RecoverableWorker[],
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    const { tag } = siteKeys(site);
    this.aliveKey = `${tag}:delivery:alive`;
    this.instancesKey = `${tag}:delivery:instances`;
  }

  /** Registers the workers (retiring their predecessors on this host) and starts watching. */
  async start(): Promise<void> {
    const fields = this.workers.map((w) => `${hostname()}|${w.sink}`);
    const previous = await this.redis.hmget(this.instancesKey, ...fields);
    const retired = previous.filter((id): id is string => id !== null);
    const tx = this.redis.multi();
    if (retired.length > 0) tx.zrem(this.aliveKey, ...retired);
    tx.hset(this.instancesKey, Object.fromEntries(fields.map((f, i) => [f, this.workers[i]!.worker.id])));
    await tx.exec();
    await this.beat();
    await this.sweep();
    this.timer = setInterval(() => void this.tick(), BEAT_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Leaves at once (graceful stop): nobody waits for this process's heartbeat to lapse. */
  async leave(): Promise<void> {
    this.stop();
    await this.redis.zrem(this.aliveKey, ...this.workers.map((w) => w.worker.id)).catch(() => undefined);
  }

  private async tick(): Promise<void> {
    try {
      await this.beat();
      await this.sweep();
    } catch (error) {
      this.onError(error);
    }
  }

  private async beat(): Promise<void> {
    const now = Date.now();
    const tx = this.redis.multi();
    for (const w of this.workers) tx.zadd(this.aliveKey, now + HEARTBEAT_TTL_MS, w.worker.id);
    tx.zremrangebyscore(this.aliveKey, '-inf', now - 10 * HEARTBEAT_TTL_MS);
    await tx.exec();
  }

  /** Hands every orphaned active job back to its queue; returns how many. */
  async sweep(): Promise<number> {
    let total = 0;
    for (const { worker, queue } of this.workers) {
      const client = (await queue.backend.client) as unknown as Redis;
      const active = await client.lrange(queue.keys.active!, 0, -1);
      if (active.length === 0) continue;
      const prefix = queue.toKey('');
      const locks = await client.mget(...active.map((id) => `${prefix}${id}:lock`));
      const owners = [...new Set(locks.filter((l): l is string => l !== null).map(ownerOf))];
      const scores = owners.length > 0 ? await this.redis.zmscore(this.aliveKey, ...owners) : [];
      const now = Date.now();
      const alive = new Set(owners.filter((_, i) => Number(scores[i] ?? 0) > now));
      const orphans = active.flatMap((id, i) => (locks[i] === null || !alive.has(ownerOf(locks[i]!)) ? [id, locks[i] ?? ''] : []));
      if (orphans.length === 0) continue;
      const marked = Number(await client.eval(RELEASE_ORPHANS, 2, queue.keys.stalled!, queue.keys['stalled-check']!, prefix, ...orphans));
      if (marked === 0) continue;
      // BullMQ's own check moves stalled jobs back to wait, counting the stall.
      await (worker as unknown as { moveStalledJobsToWait(): Promise<void> }).moveStalledJobsToWait();
      total += marked;
    }
    this.recovered += total;
    return total;
  }
}

/** BullMQ lock tokens are `<worker id>:<n>`. */
function ownerOf(token: string): string {
  const colon = token.lastIndexOf(':');
  return colon > 0 ? token.slice(0, colon) : token;
}
