/** bull-board at /admin/queues on the API's Fastify server: every sink's queue, read and act. */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

export const BULL_BOARD_PATH = '/admin/queues';

export function mountBullBoard(app: FastifyInstance, queues: Iterable<[string, Queue]>): void {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: [...queues].map(([sink, queue]) => new BullMQAdapter(queue, { displayName: `sink ${sink}` })),
    serverAdapter: adapter,
  });
  void app.register(adapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
}
