/**
 * GET /api/v1/events (resync for receivers) through Fastify inject(), on a real Redis store:
 * paging with `next`, strict query validation, an unknown cursor (404), a cursor that fell out
 * of retention (410 naming the oldest and newest retained events), and the documented way back:
 * the bindings snapshot, then the events after the newest id the 410 named.
 */
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import type { SubscriberEvent } from '../../src/events/event.js';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { BindingService } from '../../src/subscribers/binding-service.js';
import { testEngineConfig } from '../helpers/engine-config.js';
import { EventLoad } from '../helpers/outbox-load.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireTool } from '../helpers/tools.js';

const TOKEN = 'secret-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
let siteCounter = 0;

describe.runIf(requireTool('redis-server'))('REST /api/v1/events', () => {
  let server: RedisServer;
  let redis: Redis;
  let app: FastifyInstance;
  let store: RedisLeaseStore;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });
  afterEach(async () => app?.close());

  async function setup(lanes: number, renewals: number): Promise<{ load: EventLoad; sent: SubscriberEvent[] }> {
    const site = `events${process.pid}-${++siteCounter}`;
    store = new RedisLeaseStore(redis, site);
    const { load, events } = await EventLoad.start(store, lanes);
    const sent = [...events, ...(await load.renew(renewals))];
    app = buildApi({ bindings: new BindingService(store, testEngineConfig({ site })), events: store, token: TOKEN });
    return { load, sent };
  }

  const get = async (query: string) => app.inject({ url: `/api/v1/events${query}`, headers: auth });

  it('pages through every event in outbox order with the next cursor', async () => {
    const { sent } = await setup(5, 40); // 50 events
    const seen: SubscriberEvent[] = [];
    let cursor: string | undefined;
    for (;;) {
      const res = await get(`?limit=7${cursor ? `&after=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = res.json() as { count: number; next: string; more: boolean; events: SubscriberEvent[] };
      expect(page.count).toBe(page.events.length);
      seen.push(...page.events);
      if (page.events.length > 0) expect(page.next).toBe(page.events.at(-1)!.id);
      if (!page.more) break;
      cursor = page.next;
    }
    expect(seen.map((e) => e.id)).toEqual(sent.map((e) => e.id));
    expect(seen[0]).toEqual(sent[0]);
    // At the end: nothing after the last id; next stays put.
    const end = await get(`?after=${sent.at(-1)!.id}`);
    expect(end.json()).toEqual({ count: 0, next: sent.at(-1)!.id, more: false, events: [] });
    // The default limit returns all 50 at once.
    expect((await get('')).json()).toMatchObject({ count: 50, more: false });
  });

  it('validates the query strictly (400 DXGW_API_BAD_REQUEST)', async () => {
    await setup(1, 0);
    for (const query of ['?limit=0', '?limit=10001', '?limit=abc', '?limit=1.5', '?limit=-1', '?limit=', '?limit=1&limit=2', '?after=', '?after=no%20spaces-1', '?after=abc', '?after=abc-0', '?since=x', '?after=abc-1&x=1']) {
      const res = await get(query);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().code, query).toBe('DXGW_API_BAD_REQUEST');
    }
    expect((await get('?limit=unknown&foo=1')).json().message).toMatch(/foo|limit/);
    expect((await get('?since=x')).json().message).toMatch(/unknown query parameter "since"/);
    expect((await get('?limit=10000')).statusCode).toBe(200);
  });

  it('needs the bearer token', async () => {
    await setup(1, 0);
    expect((await app.inject({ url: '/api/v1/events' })).statusCode).toBe(401);
  });

  it('answers 404 DXGW_EVENTS_CURSOR_UNKNOWN for an id it never issued while nothing was trimmed', async () => {
    await setup(2, 0);
    const res = await get('?after=0123456789abcdef-3');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'DXGW_EVENTS_CURSOR_UNKNOWN' });
  });

  it('answers 410 DXGW_EVENTS_CURSOR_EXPIRED for a trimmed cursor; the snapshot plus the events after `newest` reconcile', async () => {
    const { load, sent } = await setup(4, 32); // 40 events
    const receiverCursor = sent[5]!.id;
    await redis.set(store.keys.bridgeCheckpoint, (await store.readOutbox('0', 100)).at(-1)!.position);
    await store.trimOutbox({ maxEvents: 20, maxAgeSeconds: 3600 }, { requireCheckpoint: true });
    const res = await get(`?after=${receiverCursor}`);
    expect(res.statusCode).toBe(410);
    const body = res.json();
    expect(body).toMatchObject({ statusCode: 410, code: 'DXGW_EVENTS_CURSOR_EXPIRED', details: { oldest: sent[20]!.id, newest: sent[39]!.id } });
    expect(body.message).toContain(sent[20]!.id);
    // A cursor inside retention still works.
    expect((await get(`?after=${sent[20]!.id}`)).json()).toMatchObject({ count: 19 });
    // Once trimmed, an id never issued looks the same as an expired one.
    expect((await get('?after=0123456789abcdef-3')).statusCode).toBe(410);

    // The receiver reconciles: snapshot of bindings, then the events after `newest`.
    await load.release(0);
    const snapshot = (await app.inject({ url: '/api/v1/bindings?state=active', headers: auth })).json() as { bindings: Array<{ ip: string }> };
    expect(snapshot.bindings.map((b) => b.ip).sort()).toEqual(load.bindings.slice(1).map((b) => b.ip).sort());
    const after = (await get(`?after=${body.details.newest}`)).json() as { events: SubscriberEvent[] };
    expect(after.events.map((e) => e.type)).toEqual(['interface-deleted', 'address-deleted']);
  });

  it('a gap in seq: the subscriber history gives the missing events, with their seq', async () => {
    const { load } = await setup(3, 12); // subscriber 0: seq 1-2 (activation), 3-6 (renewals)
    const b = load.bindings[0]!;
    const res = await app.inject({ url: `/api/v1/subscribers/${b.ip}/events?vr=${b.vr}`, headers: auth });
    const history = (res.json() as { events: SubscriberEvent[] }).events;
    // A receiver that has seq 2 and then sees seq 5 asks for 3 and 4: oldest first, newest last.
    expect(history.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(history.filter((e) => e.seq > 2 && e.seq < 5).map((e) => e.type)).toEqual(['address-renewed', 'address-renewed']);
  });

  it('answers 410 when events after a retained cursor are trimmed between lookup and read', async () => {
    const { sent } = await setup(2, 8); // 12 events
    // A trim that went past the cursor (the mark says so) even though the id is still indexed.
    await redis.set(store.keys.outboxTrimmed, (await store.readOutbox('0', 100))[8]!.position);
    const res = await get(`?after=${sent[3]!.id}`);
    expect(res.statusCode).toBe(410);
    expect(res.json().code).toBe('DXGW_EVENTS_CURSOR_EXPIRED');
  });
});
