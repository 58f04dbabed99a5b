/** /api/v1/notifications: list, show, retry (one or bulk), discard; and a subscriber's notifications. */
import type { FastifyInstance } from 'fastify';
import { DxgwError } from '../../errors/codes.js';
import { DEFAULT_VR } from '../../leases/binding.js';
import type { LeaseStore } from '../../leases/store.js';
import { NOTIFICATION_STATES, type NotificationOps, type NotificationState } from '../../delivery/notifications.js';

type Query = Record<string, string | undefined>;

function stateOf(value: string | undefined): NotificationState | undefined {
  if (value === undefined) return undefined;
  if (!(NOTIFICATION_STATES as readonly string[]).includes(value)) {
    throw new DxgwError('DXGW_API_BAD_REQUEST', `state must be one of ${NOTIFICATION_STATES.join(', ')}, not "${value}"`, { key: 'state' });
  }
  return value as NotificationState;
}

export function registerNotificationRoutes(app: FastifyInstance, ops: NotificationOps, store: LeaseStore): void {
  app.get<{ Querystring: Query }>('/api/v1/notifications', async (request) => {
    const { sink, state, limit } = request.query;
    const notifications = await ops.list({
      ...(sink ? { sink } : {}),
      ...(state ? { state: stateOf(state)! } : {}),
      limit: Math.min(Math.max(Number(limit ?? 1000) || 1000, 1), 10_000),
    });
    return { count: notifications.length, notifications };
  });

  app.get<{ Params: { id: string } }>('/api/v1/notifications/:id', async (request) => ops.show(request.params.id));

  app.post<{ Params: { id: string } }>('/api/v1/notifications/:id/retry', async (request) => ops.retry(request.params.id));

  // Bulk: every failed notification, or those of one sink (?sink=NAME).
  app.post<{ Querystring: Query }>('/api/v1/notifications/retry', async (request) => ({ retried: await ops.retryAll(request.query.sink) }));

  app.delete<{ Params: { id: string } }>('/api/v1/notifications/:id', async (request, reply) => {
    await ops.discard(request.params.id);
    return reply.status(204).send();
  });

  app.get<{ Params: { ip: string }; Querystring: Query }>('/api/v1/subscribers/:ip/notifications', async (request) => {
    const notifications = await ops.forSubscriber(store, request.query.vr ?? DEFAULT_VR, request.params.ip);
    return { count: notifications.length, notifications };
  });
}
