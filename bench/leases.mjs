// Lease-store benchmark (issue 3): transitions/s through the Redis store (engine + Lua
// scripts, pipelined), beside a bare ioredis pipelined EVALSHA doing a comparable upsert
// against the same Redis in the same run (the ceiling); Redis memory per shadow lease; and
// a memory-mode replay of a 1M-frame capture with its peak RSS.
import { writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { heading, row, startRedis, syntheticLoad, timed } from './lib.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = (p) => import(join(root, 'dist', p));

export async function benchLeases({ leases = 100_000 } = {}) {
  heading(`leases: ${leases.toLocaleString()} shadow leases through the Redis store`);
  const { Redis } = await import('ioredis');
  const { syntheticCapture } = await dist('testing/synthetic-capture.js');
  const server = await startRedis();
  const redis = new Redis(server.url);
  try {
    // Decoded up front: the store is what is measured here, not the decoder.
    const load = await syntheticLoad(redis, { clients: leases });
    const { pipeline } = load;
    const before = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]);
    const storeSeconds = await load.run();
    let started;
    const transitions = pipeline.stats.transitions;
    const after = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]);
    // The outbox and its event id index grow with events (bounded by retention), not leases.
    const streamBytes = Number(await redis.memory('USAGE', '{dxgw:bench}:outbox'));
    const idsBytes = Number((await redis.memory('USAGE', '{dxgw:bench}:outbox:ids')) ?? 0);
    const outboxBytes = streamBytes + idsBytes;

    // Ceiling: the same number of upserts (a 20-field hash + timer + index) as one bare script.
    const upsert = `redis.call('HSET', KEYS[1], unpack(ARGV, 3)) redis.call('ZADD', KEYS[2], ARGV[1], KEYS[1]) redis.call('HSET', KEYS[3], ARGV[2], KEYS[1]) return 1`;
    const sha = await redis.script('LOAD', upsert);
    const fields = [];
    for (let f = 0; f < 20; f++) fields.push(`f${f}`, `value-${f}-xxxxxxxx`);
    started = process.hrtime.bigint();
    for (let i = 0; i < transitions; i += 512) {
      const p = redis.pipeline();
      for (let j = i; j < Math.min(i + 512, transitions); j++) p.evalsha(sha, 3, `{c}:l:${j}`, '{c}:z', '{c}:m', 1800000000000 + j, `mac${j}`, ...fields);
      await p.exec();
    }
    const bareSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    row('transitions through the store (engine + Lua)', `${Math.round(transitions / storeSeconds).toLocaleString()}/s (${transitions} transitions, ${leases} bindings)`);
    row('bare pipelined EVALSHA upsert (ceiling)', `${Math.round(transitions / bareSeconds).toLocaleString()}/s`);
    row('ratio store / ceiling', `${(bareSeconds / storeSeconds).toFixed(2)}`);
    row('Redis memory per shadow lease (incl. indexes, timer)', `${Math.round((after - before - outboxBytes) / leases)} bytes`);
    row('  the same with the event id index counted per lease', `${Math.round((after - before - streamBytes) / leases)} bytes`);
    row('outbox (events) per event, stream + event id index', `${Math.round(outboxBytes / pipeline.stats.events)} bytes`);
  } finally {
    redis.disconnect();
    await server.stop();
  }

  heading('replay in memory mode: 250k vs 1M frames (flat memory = same peak RSS)');
  const dir = '/tmp/dxgw-bench';
  mkdirSync(dir, { recursive: true });
  const sizes = [250_000, 1_000_000];
  const results = [];
  for (const frames of sizes) {
    const file = join(dir, `replay-${frames}.pcap`);
    // Two frames per client (ACK + data), 1 ms apart, 10 s leases: about 5,000 live bindings
    // at any time over a pool of 20,000 addresses, however long the capture: memory must stay
    // flat as the file grows.
    if (!existsSync(file)) writeFileSync(file, syntheticCapture({ clients: frames / 2, leaseSeconds: 10, spacingMicros: 1000, addressPool: 20_000 }));
    const run = await timed(process.execPath, [join(root, 'bin/dxgw.js'), 'replay', '--format', 'none', file]);
    results.push(run);
    row(`${frames.toLocaleString()} frames`, `${(frames / run.seconds / 1000).toFixed(0)}k frames/s, peak RSS ${run.peakMiB.toFixed(0)} MiB`);
  }
}
