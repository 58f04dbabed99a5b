/**
 * The notification pipeline end to end: fixture replays into Redis → outbox → bridge →
 * BullMQ → HTTP sink → a local receiver. Order per subscriber, exactly-once per event id,
 * retries, permanent failures and operator retries.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { replayCapture } from '../../src/cli/commands/replay.js';
import { LineWriter } from '../../src/cli/output.js';
import { parseConfig } from '../../src/config/load.js';
import { DeliveryService } from '../../src/delivery/delivery-service.js';
import { NotificationOps } from '../../src/delivery/notifications.js';
import { HttpSink } from '../../src/delivery/sinks/http-sink.js';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { Writable } from 'node:stream';
import { fixtureFiles } from '../helpers/fixtures.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireTool } from '../helpers/tools.js';

const SECRET = 'sae-shared-secret';
const quiet = () => new LineWriter(new Writable({ write: (_c, _e, done) => done() }));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Replays every fixture into Redis under its own VR-free site; returns how many events. */
async function replayAll(url: string): Promise<number> {
  let events = 0;
  for (const file of fixtureFiles()) {
    // Each fixture into the same site: addresses repeat across captures, as they would over time.
    const summary = await replayCapture(file, { redis: url, format: 'none', drain: true }, quiet());
    events += summary.events;
  }
  return events;
}

function assertOrderedPerSubscriber(received: Array<{ event: { id: string; seq: number; subscriber: { vr: string; ip: string } } }>): void {
  const last = new Map<string, number>();
  for (const { event } of received) {
    const lane = `${event.subscriber.vr}|${event.subscriber.ip}`;
    expect(event.seq, `${lane}: seq ${event.seq} after ${last.get(lane)}`).toBeGreaterThan(last.get(lane) ?? 0);
    last.set(lane, event.seq);
  }
}

describe.runIf(requireTool('redis-server'))('notification pipeline (BullMQ, HTTP sink)', () => {
  let server: RedisServer;
  let redis: Redis;
  let receiver: HttpReceiver;
  let service: DeliveryService | undefined;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });
  afterEach(async () => {
    await service?.stop(1000);
    service = undefined;
    await receiver?.close();
    await redis.flushall();
  });

  function start(retry = { attempts: 10, backoffMs: 20, maxBackoffMs: 200 }, sink: object = {}) {
    const config = parseConfig({ sinks: [{ name: 'sae', type: 'http', url: receiver.url, secret: SECRET, timeoutMs: 1000, ...sink }] });
    const store = new RedisLeaseStore(redis, config.site);
    service = new DeliveryService({ site: config.site, redisUrl: server.url, store, sinks: [new HttpSink(config.sinks[0] as never)], retry, parkMs: 20 });
    return service;
  }

  it('delivers every event once, signed, in order per subscriber, while the sink fails at random', { timeout: 120_000 }, async () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 48271) % 0x7fffffff;
      return seed / 0x7fffffff;
    };
    receiver = await startHttpReceiver(SECRET, () => (random() < 0.35 ? { status: random() < 0.5 ? 503 : 429 } : { status: 200 }));
    const events = await replayAll(server.url);
    expect(events).toBeGreaterThan(50);
    await start().start();
    await waitFor('all events delivered', async () => receiver.delivered().length >= events);
    await waitFor('queues idle', () => service!.idle());
    const delivered = receiver.delivered();
    expect(delivered).toHaveLength(events);
    expect(new Set(delivered.map((r) => r.event.id)).size).toBe(events);
    expect(receiver.requests.some((r) => r.status >= 500)).toBe(true);
    expect(delivered.every((r) => r.signatureOk && r.headers['idempotency-key'] === r.event.id)).toBe(true);
    assertOrderedPerSubscriber(delivered);
    // No event was ever accepted before an earlier one of its subscriber was accepted.
    assertOrderedPerSubscriber(receiver.requests.filter((r) => r.status === 200));
  });

  it('batch mode: every event once, in order per subscriber, one signed array per request, while the sink fails at random', { timeout: 120_000 }, async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 48271) % 0x7fffffff;
      return seed / 0x7fffffff;
    };
    receiver = await startHttpReceiver(SECRET, () => (random() < 0.35 ? { status: 503 } : { status: 200 }));
    const events = await replayAll(server.url);
    await start(undefined, { concurrency: 4, batch: { maxEvents: 7, maxDelayMs: 10 } }).start();
    await waitFor('all events delivered', async () => receiver.delivered().length >= events);
    await waitFor('queues idle', () => service!.idle());
    const delivered = receiver.delivered();
    expect(new Set(delivered.map((r) => r.event.id)).size).toBe(events);
    expect(delivered.every((r) => r.signatureOk)).toBe(true);
    // Requests carried several events each, named by the batch's id and count.
    const batches = new Map<string, number>();
    for (const r of receiver.requests) batches.set(String(r.headers['idempotency-key']), Number(r.headers['x-dxgw-event-count']));
    expect(Math.max(...batches.values())).toBeGreaterThan(1);
    expect(Math.max(...batches.values())).toBeLessThanOrEqual(7);
    expect(receiver.requests.every((r) => r.headers['x-dxgw-batch-id'] === r.headers['idempotency-key'])).toBe(true);
    assertOrderedPerSubscriber(delivered);
    assertOrderedPerSubscriber(receiver.requests.filter((r) => r.status === 200));
  });

  it('a subscriber the sink keeps refusing holds back only its own events, not those sharing its jobs', { timeout: 120_000 }, async () => {
    const events = await replayAll(server.url);
    const outbox = await new RedisLeaseStore(redis, 'default').readOutbox('0', 10_000);
    // The subscriber with the most events is refused (503) until the end of the test.
    const perLane = new Map<string, number>();
    for (const { event } of outbox) perLane.set(event.subscriber.ip, (perLane.get(event.subscriber.ip) ?? 0) + 1);
    const [refused, refusedEvents] = [...perLane].sort((a, b) => b[1] - a[1])[0]!;
    const ipOf = new Map(outbox.map((e) => [e.event.id, e.event.subscriber.ip]));
    receiver = await startHttpReceiver(SECRET, ({ eventId }) => (ipOf.get(eventId) === refused ? { status: 503 } : { status: 200 }));
    await start({ attempts: 1000, backoffMs: 20, maxBackoffMs: 50 }).start();
    await waitFor('every other subscriber delivered', async () => receiver.delivered().length >= events - refusedEvents);
    expect(receiver.delivered().some((r) => r.event.subscriber.ip === refused)).toBe(false);
    // Its first event is being retried; none of its later ones was even tried.
    const tried = new Set(receiver.requests.filter((r) => r.event.subscriber.ip === refused).map((r) => r.event.id));
    expect(tried.size).toBe(1);
    assertOrderedPerSubscriber(receiver.delivered());
    receiver.behave(() => ({ status: 200 }));
    await waitFor('the refused subscriber delivered once accepted', async () => receiver.delivered().length >= events);
    assertOrderedPerSubscriber(receiver.delivered());
  });

  it('holds everything while the sink is down, then delivers it all in order', { timeout: 120_000 }, async () => {
    receiver = await startHttpReceiver(SECRET, () => ({ status: 503, retryAfter: '0' }));
    const events = await replayAll(server.url);
    await start({ attempts: 1000, backoffMs: 20, maxBackoffMs: 100 }).start();
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.delivered()).toHaveLength(0);
    receiver.behave(() => ({ status: 204 }));
    await waitFor('all events delivered', async () => receiver.delivered().length >= events);
    assertOrderedPerSubscriber(receiver.delivered());
    expect(receiver.delivered()).toHaveLength(events);
  });

  it('sends 4xx straight to failed; an operator retry with full attempts delivers after the fix', { timeout: 120_000 }, async () => {
    receiver = await startHttpReceiver(SECRET, () => ({ status: 400 }));
    const events = await replayAll(server.url);
    const svc = start({ attempts: 3, backoffMs: 20, maxBackoffMs: 50 });
    await svc.start();
    const ops = new NotificationOps(svc.queues);
    // Heads of lanes fail at once (permanent); later events then proceed and fail too.
    const failedEvents = async () => (await ops.list({ state: 'failed' })).reduce((n, f) => n + f.eventIds.length, 0);
    await waitFor('every event failed', async () => (await failedEvents()) >= events);
    const failed = await ops.list({ state: 'failed' });
    expect(failed.every((f) => f.attemptsMade === 1 && /HTTP 400/.test(f.lastError ?? ''))).toBe(true);
    const detail = await ops.show(failed[0]!.id);
    expect(detail.events[0]!.id).toBe(failed[0]!.eventId);
    expect(detail.events.map((e) => e.id)).toEqual(failed[0]!.eventIds);
    receiver.behave(() => ({ status: 200 }));
    expect(await ops.retryAll('sae')).toBe(failed.length);
    await waitFor('all delivered after the retry', async () => receiver.delivered().length >= events);
    expect(await ops.list({ state: 'failed' })).toHaveLength(0);
    assertOrderedPerSubscriber(receiver.requests.filter((r) => r.status === 200));
  });

  it('a retried job gets every attempt again, not just one', { timeout: 60_000 }, async () => {
    let fail = true;
    receiver = await startHttpReceiver(SECRET, () => ({ status: fail ? 503 : 200 }));
    await replayCapture(fixtureFiles().find((f) => f.includes('dnsmasq-dora-ping-renew-release.pcap'))!, { redis: server.url, format: 'none', drain: true }, quiet());
    const svc = start({ attempts: 3, backoffMs: 10, maxBackoffMs: 20 });
    await svc.start();
    const ops = new NotificationOps(svc.queues);
    await waitFor('head of lane failed after 3 attempts', async () => (await ops.list({ state: 'failed' })).length >= 1);
    const [head] = await ops.list({ state: 'failed' });
    expect(head!.attemptsMade).toBe(3);
    const before = receiver.requests.filter((r) => r.event.id === head!.eventId).length;
    await ops.retry(head!.id);
    await waitFor('failed again after 3 more attempts', async () => (await ops.show(head!.id)).state === 'failed');
    expect(receiver.requests.filter((r) => r.event.id === head!.eventId).length - before).toBe(3);
    fail = false;
    await ops.retry(head!.id);
    await waitFor('delivered', async () => receiver.delivered().some((r) => r.event.id === head!.eventId));
  });
});
