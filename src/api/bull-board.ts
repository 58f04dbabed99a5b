/**
 * bull-board at /admin/queues on the API's Fastify server: every sink's queue, read and act.
 *
 * Every sink's BullMQ queue is named `notify` (its keys live under the sink's own prefix
 * `{dxgw:<site>:<sink>}`, queues.ts), and bull-board keys the queues it shows by the
 * adapter's `prefix` option + the queue name: without a prefix, every sink would be the
 * same `notify` entry and only the last one registered would be shown. So each adapter gets
 * `<sink>:` as board prefix (board name `<sink>:notify`, used in the board's URLs and API)
 * and the sink's name as display name. The Redis keys do not move.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

export const BULL_BOARD_PATH = '/admin/queues';

/** The name bull-board knows a sink's queue by (its API's `name`, its URLs' queue part). */
export function boardQueueName(sink: string, queue: Queue): string {
  return `${sink}:${queue.name}`;
}

export function mountBullBoard(app: FastifyInstance, queues: Iterable<[string, Queue]>): void {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: [...queues].map(([sink, queue]) => new BullMQAdapter(queue, { prefix: `${sink}:`, displayName: sink, description: `notifications to sink ${sink}` })),
    serverAdapter: adapter,
  });
  void app.register(adapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
}
