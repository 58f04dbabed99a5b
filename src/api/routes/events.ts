/** GET /api/v1/events?after=<eventId>&limit=N: resync for receivers (docs/events.md). */
import type { FastifyInstance } from 'fastify';
import { DxgwError } from '../../errors/codes.js';
import { DEFAULT_EVENTS_LIMIT, eventsAfter, isEventId, MAX_EVENTS_LIMIT, parseLimit, type EventLog } from '../../events/resync.js';

const PARAMS = new Set(['after', 'limit']);

/** The query, strictly: known parameters only, each at most once, well formed. */
export function resyncQuery(query: Record<string, unknown>): { after: string | undefined; limit: number } {
  for (const [name, value] of Object.entries(query)) {
    if (!PARAMS.has(name)) throw new DxgwError('DXGW_API_BAD_REQUEST', `unknown query parameter "${name}" (only after and limit)`, { key: name });
    if (typeof value !== 'string') throw new DxgwError('DXGW_API_BAD_REQUEST', `query parameter "${name}" given more than once`, { key: name });
  }
  const { after, limit } = query as { after?: string; limit?: string };
  if (after !== undefined && !isEventId(after)) throw new DxgwError('DXGW_API_BAD_REQUEST', `after: ${JSON.stringify(after)} is not an event id (<sessionId>-<seq>)`, { key: 'after' });
  const n = limit === undefined ? DEFAULT_EVENTS_LIMIT : parseLimit(limit);
  if (n === undefined) throw new DxgwError('DXGW_API_BAD_REQUEST', `limit: ${JSON.stringify(limit)} is not an integer from 1 to ${MAX_EVENTS_LIMIT}`, { key: 'limit' });
  return { after, limit: n };
}

export function registerEventRoutes(app: FastifyInstance, log: EventLog): void {
  app.get<{ Querystring: Record<string, unknown> }>('/api/v1/events', async (request) => {
    const { after, limit } = resyncQuery(request.query);
    const page = await eventsAfter(log, after, limit);
    return { count: page.events.length, next: page.next, more: page.more, events: page.events };
  });
}
