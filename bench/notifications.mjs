// Notification pipeline benchmark (issue 4): events/s delivered to a local HTTP receiver
// through outbox → bridge → BullMQ → HTTP sink, beside a bare BullMQ no-op worker on the same
// Redis in the same run (addBulk then drain, same concurrency).
import { createServer } from 'node:http';
import { join } from 'node:path';
import { heading, row, startRedis, syntheticLoad } from './lib.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = (p) => import(join(root, 'dist', p));

export async function benchNotifications({ clients = 5000 } = {}) {
  const { Redis } = await import('ioredis');
  const { Queue, Worker } = await import('bullmq');
  const { DeliveryService } = await dist('delivery/delivery-service.js');
  const { HttpSink } = await dist('delivery/sinks/http-sink.js');

  const server = await startRedis();
  const redis = new Redis(server.url);
  let received = 0;
  const http = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.end();
    });
  });
  await new Promise((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${http.address().port}/events`;
  try {
    // Events in the outbox first: ACK + data per client → interface-created + address-added.
    const { config, store, run } = await syntheticLoad(redis, { clients, config: { sinks: [{ name: 'sae', type: 'http', url, secret: 'bench-secret' }] } });
    await run();
    const events = Number(await redis.xlen('{dxgw:bench}:outbox'));
    heading(`notifications: ${events.toLocaleString()} events to a local HTTP receiver`);

    const concurrency = 32;
    const service = new DeliveryService({ site: 'bench', redisUrl: server.url, store, sinks: [new HttpSink(config.sinks[0])], retry: config.retry, concurrency });
    let started = process.hrtime.bigint();
    await service.start();
    while (received < events) await new Promise((r) => setTimeout(r, 20));
    const pipelineSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    await service.stop(1000);

    const connection = { host: '127.0.0.1', port: server.port, maxRetriesPerRequest: null };
    const queue = new Queue('bare', { connection });
    let done = 0;
    started = process.hrtime.bigint();
    for (let i = 0; i < events; i += 1000) await queue.addBulk(Array.from({ length: Math.min(1000, events - i) }, (_, j) => ({ name: 'e', data: { i: i + j } })));
    const worker = new Worker('bare', async () => undefined, { connection, concurrency });
    worker.on('completed', () => done++);
    while (done < events) await new Promise((r) => setTimeout(r, 20));
    const bareSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    await worker.close();
    await queue.close();

    row('dxgw pipeline (bridge + order gate + HTTP POST)', `${Math.round(events / pipelineSeconds).toLocaleString()} notifications/s`);
    row('bare BullMQ addBulk + no-op worker', `${Math.round(events / bareSeconds).toLocaleString()} jobs/s`);
    row('ratio dxgw / bare BullMQ', `${(bareSeconds / pipelineSeconds).toFixed(2)}`);
  } finally {
    http.close();
    redis.disconnect();
    await server.stop();
  }
}
