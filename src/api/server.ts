/**
 * The REST API (Fastify): bindings, subscriber history, statistics; later notifications,
 * metrics and bull-board. A bearer token, when configured, protects everything but health.
 */
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { BindingService } from '../subscribers/binding-service.js';
import { errorHandler } from './errors.js';
import { registerBindingRoutes } from './routes/bindings.js';
import { registerEventRoutes } from './routes/events.js';
import { registerNotificationRoutes } from './routes/notifications.js';
import { BULL_BOARD_PATH, mountBullBoard } from './bull-board.js';
import type { Queue } from 'bullmq';
import type { NotificationOps } from '../delivery/notifications.js';
import type { LeaseStore } from '../leases/store.js';
import type { EventLog } from '../events/resync.js';
import type { GatewayMetrics } from './metrics.js';

export interface ApiOptions {
  bindings: BindingService;
  /** Notification operations and bull-board (the delivery pipeline's queues). */
  notifications?: { ops: NotificationOps; store: LeaseStore; queues: Map<string, Queue> };
  /** The outbox, for GET /api/v1/events (resync). */
  events?: EventLog;
  /** Bearer token; undefined = no authentication (loopback-only listen, enforced by config). */
  token?: string;
  logger?: boolean;
  metrics?: GatewayMetrics;
  /** Readiness: Redis reachable. */
  ready?: () => Promise<boolean>;
}

/** Bearer token, or HTTP Basic with the token as password (what a browser can send to bull-board). */
function presentedToken(header: string | undefined): string {
  if (header?.startsWith('Bearer ')) return header.slice(7);
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString();
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return '';
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(presentedToken(header));
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

export function buildApi(options: ApiOptions): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ statusCode: 404, code: 'DXGW_API_NOT_FOUND', error: 'Not Found', message: `no route ${request.method} ${request.url}` });
  });
  const token = options.token;
  if (token !== undefined) {
    app.addHook('onRequest', async (request, reply) => {
      if (request.url === '/healthz' || request.url === '/readyz') return;
      if (tokenMatches(request.headers.authorization, token)) return;
      // Browsers ask for credentials only when told to: bull-board is used from one.
      if (request.url.startsWith(BULL_BOARD_PATH)) reply.header('www-authenticate', 'Basic realm="dxgw"');
      // Answered here, not thrown: bull-board's routes have an error handler of their own (500).
      return reply.status(401).send({ statusCode: 401, code: 'DXGW_API_UNAUTHORIZED', error: 'Unauthorized', message: 'missing or wrong bearer token' });
    });
  }
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ok = options.ready ? await options.ready().catch(() => false) : true;
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'redis unreachable' });
  });
  const metrics = options.metrics;
  if (metrics) {
    app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  }
  registerBindingRoutes(app, options.bindings);
  if (options.events) registerEventRoutes(app, options.events);
  if (options.notifications) {
    registerNotificationRoutes(app, options.notifications.ops, options.notifications.store);
    mountBullBoard(app, options.notifications.queues);
  }
  return app;
}
