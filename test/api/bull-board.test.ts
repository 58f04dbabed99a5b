/**
 * bull-board with several sinks, through Fastify inject() against a real Redis: every sink's
 * queue (all named `notify`, each under its own key prefix) is its own entry, under the
 * sink's name, with its own jobs.
 */
import { Worker, type Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardQueueName } from '../../src/api/bull-board.js';
import { buildApi } from '../../src/api/server.js';
import { openQueues } from '../../src/delivery/delivery-service.js';
import { NotificationOps } from '../../src/delivery/notifications.js';
import { connectionFor, jobIdFor, QUEUE_NAME, queuePrefix, type NotificationJobData } from '../../src/delivery/queues.js';
import { MemoryLeaseStore } from '../../src/leases/memory-store.js';
import { BindingService } from '../../src/subscribers/binding-service.js';
import { testEngineConfig } from '../helpers/engine-config.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireTool } from '../helpers/tools.js';
import { waitFor } from '../helpers/daemon.js';

const SINKS = ['sae', 'acct', 'nms'];
const SITE = `board${process.pid}`;

interface BoardQueue {
  name: string;
  displayName?: string;
  counts: Record<string, number>;
  jobs: Array<{ id: string; failedReason?: string }>;
}

describe.runIf(requireTool('redis-server'))('bull-board: one queue per sink', () => {
  let redis: RedisServer;
  let queues: Map<string, Queue<NotificationJobData>>;
  const store = new MemoryLeaseStore(SITE);
  const engine = testEngineConfig({ site: SITE });
  const failedId = jobIdFor('0a0b0c0d-3', 'acct');

  beforeAll(async () => {
    redis = await startRedisServer();
    queues = openQueues(SITE, redis.url, SINKS);
    // A job that fails for good in the second sink's queue, and one waiting in the third.
    const acct = queues.get('acct')!;
    const data = { event: { id: '0a0b0c0d-3', type: 'address-added' }, lane: 'default|192.0.2.7', prevJobId: null } as unknown as NotificationJobData;
    await acct.add('address-added', data, { jobId: failedId, attempts: 1 });
    const worker = new Worker(QUEUE_NAME, async () => {
      throw new Error('HTTP 503 from the SAE');
    }, { connection: connectionFor(redis.url), prefix: queuePrefix(SITE, 'acct') });
    await waitFor('the acct job failed', async () => (await acct.getJobCounts('failed')).failed === 1, 20_000);
    await worker.close();
    await queues.get('nms')!.add('address-added', data, { jobId: jobIdFor('0a0b0c0d-3', 'nms') });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([...(queues?.values() ?? [])].map((q) => q.close()));
    await redis?.stop();
  });

  function api() {
    return buildApi({ bindings: new BindingService(store, engine), notifications: { ops: new NotificationOps(queues), store, queues } });
  }

  it('lists three queues, each under its sink name, with its own counts', async () => {
    const app = api();
    try {
      const res = await app.inject({ url: '/admin/queues/api/queues' });
      expect(res.statusCode).toBe(200);
      const listed = (res.json() as { queues: BoardQueue[] }).queues;
      expect(listed.map((q) => q.displayName).sort()).toEqual([...SINKS].sort());
      expect(new Set(listed.map((q) => q.name)).size).toBe(3);
      const by = (sink: string) => listed.find((q) => q.displayName === sink)!;
      expect(by('acct').name).toBe(boardQueueName('acct', queues.get('acct')!));
      expect(by('acct').counts.failed).toBe(1);
      expect(by('sae').counts.failed).toBe(0);
      expect(by('nms').counts.failed).toBe(0);
      expect(by('nms').counts.waiting).toBe(1);
    } finally {
      await app.close();
    }
  });

  it("shows the failed job of the second sink under that sink's name, and only there", async () => {
    const app = api();
    try {
      const failedOf = async (sink: string) => {
        const name = encodeURIComponent(boardQueueName(sink, queues.get(sink)!));
        const res = await app.inject({ url: `/admin/queues/api/queues?activeQueue=${name}&status=failed&page=1&jobsPerPage=10` });
        expect(res.statusCode).toBe(200);
        return (res.json() as { queues: BoardQueue[] }).queues.find((q) => q.displayName === sink)!.jobs;
      };
      const jobs = await failedOf('acct');
      expect(jobs.map((j) => j.id)).toEqual([failedId]);
      expect(jobs[0]!.failedReason).toBe('HTTP 503 from the SAE');
      expect(await failedOf('sae')).toEqual([]);
      expect(await failedOf('nms')).toEqual([]);

      const one = await app.inject({ url: `/admin/queues/api/queues/${encodeURIComponent(boardQueueName('acct', queues.get('acct')!))}/${encodeURIComponent(failedId)}` });
      expect(one.statusCode).toBe(200);
      expect(one.json()).toMatchObject({ job: { id: failedId }, status: 'failed' });
    } finally {
      await app.close();
    }
  });

  it('retrying from the board moves the job in the right queue (the keys did not move)', async () => {
    const app = api();
    try {
      const res = await app.inject({ method: 'PUT', url: `/admin/queues/api/queues/${encodeURIComponent(boardQueueName('acct', queues.get('acct')!))}/retry/failed` });
      expect(res.statusCode).toBe(200);
      const acct = queues.get('acct')!;
      expect((await acct.getJobCounts('failed')).failed).toBe(0);
      expect(await acct.getJobState(failedId)).toBe('waiting');
    } finally {
      await app.close();
    }
  });
});
