/**
 * The REST API (Fastify): bindings, subscriber history, statistics; later notifications,
 * metrics and bull-board. A bearer token, when configured, protects everything but health.
 */
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { DxgwError } from '../errors/codes.js';
import type { BindingService } from '../subscribers/binding-service.js';
import { errorHandler } from './errors.js';
import { registerBindingRoutes } from './routes/bindings.js';

export interface ApiOptions {
  bindings: BindingService;
  /** Bearer token; undefined = no authentication (loopback-only listen, enforced by config). */
  token?: string;
  logger?: boolean;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
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
    app.addHook('onRequest', async (request) => {
      if (request.url === '/healthz' || request.url === '/readyz') return;
      if (!tokenMatches(request.headers.authorization, token)) throw new DxgwError('DXGW_API_UNAUTHORIZED', 'missing or wrong bearer token');
    });
  }
  app.get('/healthz', async () => ({ status: 'ok' }));
  registerBindingRoutes(app, options.bindings);
  return app;
}
