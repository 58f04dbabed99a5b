// Delivery benchmarks (issue 9), each beside its ceiling measured in the same run:
//  - mass reconnect: N subscribers (ACK + first data packet each → 2 events) through the whole
//    daemon (`dxgw run --replay --speed max --exit-when-idle`) to one HTTP receiver, one event
//    per POST and in batch mode, against a bare keep-alive client POSTing to the same receiver
//    with the same concurrency;
//  - the same from an outbox filled beforehand (the delivery role alone);
//  - latency under sustained load: 1,000 new subscribers/s for 30 s (ack mode, paced replay),
//    from each ACK frame to the receiver's answer, with /healthz and /api/v1/stats polled.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heading, row, startRedis } from './lib.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = (p) => import(join(root, 'dist', p));
const TOKEN = 'bench-token-0123456789';

function startReceiver() {
  const child = spawn(process.execPath, [join(root, 'bench/peers/receiver.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    child.stdout.once('data', (d) => {
      const base = `http://127.0.0.1:${String(d).trim()}`;
      resolve({
        url: `${base}/events`,
        stats: async () => (await fetch(`${base}/stats`)).json(),
        arrivals: async () => (await fetch(`${base}/arrivals`)).json(),
        reset: () => fetch(`${base}/reset`, { method: 'POST' }),
        stop: () => child.kill('SIGTERM'),
      });
    });
  });
}

async function freePort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

/** Runs `dxgw run` with a config; resolves with its stderr (JSON log lines) when it exits. */
function dxgwRun(configPath, args, { untilStopped } = {}) {
  const child = spawn(process.execPath, [join(root, 'bin/dxgw.js'), 'run', '--config', configPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise((resolve, reject) =>
    child.on('close', (code, signal) => (code === 0 || signal === 'SIGTERM' || untilStopped ? resolve(stderr) : reject(new Error(`dxgw run exited ${code}: ${stderr.slice(-800)}`)))),
  );
  return { done, stop: () => child.kill('SIGTERM') };
}

async function waitFor(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('benchmark timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function benchDelivery({ clients = 20_000, concurrency = 16, latencySeconds = 30 } = {}) {
  const { syntheticCapture } = await dist('testing/synthetic-capture.js');
  const { Redis } = await import('ioredis');
  const lab = mkdtempSync(join(tmpdir(), 'dxgw-bench-delivery-'));
  const redisServer = await startRedis();
  const redis = new Redis(redisServer.url);
  const receiver = await startReceiver();
  const events = clients * 2;
  const capture = join(lab, 'reconnect.pcap');
  writeFileSync(capture, syntheticCapture({ clients, leaseSeconds: 3600 }));
  const config = async (name, sink, extra = {}) => {
    const path = join(lab, `${name}.json`);
    const apiPort = await freePort();
    writeFileSync(
      path,
      JSON.stringify({
        site: 'bench',
        redis: { url: redisServer.url },
        capture: { virtualRouter: 'default', subscriberPrefixes: ['10.0.0.0/8'] },
        api: { listen: `127.0.0.1:${apiPort}`, token: TOKEN },
        log: { level: 'info' },
        sinks: [{ name: 'sae', type: 'http', url: receiver.url, secret: 'bench-secret', timeoutMs: 5000, concurrency, ...sink }],
        ...extra,
      }),
    );
    return { path, api: `http://127.0.0.1:${apiPort}` };
  };
  const rate = (s) => Math.round(s.events / Math.max(0.001, (s.last - s.first) / 1000));
  const fresh = async () => {
    await redis.flushall();
    await receiver.reset();
  };

  try {
    heading(`delivery: ${clients.toLocaleString()} subscribers reconnecting (${events.toLocaleString()} events), ${concurrency} in flight`);

    // Ceiling: a bare keep-alive client, an event-sized signed body, same receiver, same concurrency.
    const sample = join(lab, 'event.json');
    writeFileSync(sample, JSON.stringify({ id: 'x', type: 'address-added', seq: 2, subscriber: { vr: 'default', ip: '10.0.0.1', mac: '02:01:00:00:00:01', giaddr: '192.0.2.1' }, time: new Date().toISOString(), padding: 'x'.repeat(500) }));
    const ceilingOf = (client) =>
      new Promise((resolve, reject) => {
        const c = spawn(process.execPath, [join(root, 'bench/peers/http-ceiling.mjs'), receiver.url, String(events), String(concurrency), sample, client], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        c.stdout.on('data', (d) => (out += d));
        c.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`ceiling client exited ${code}`))));
      });
    // Two bare clients; the faster one is the ceiling (the receiver's speed, not a client's).
    const bare = { node: await ceilingOf('node'), undici: await ceilingOf('undici') };
    row('bare keep-alive client, node:http', `${Math.round(bare.node.perSecond).toLocaleString()} POSTs/s`);
    row('bare keep-alive client, undici', `${Math.round(bare.undici.perSecond).toLocaleString()} POSTs/s`);
    const ceiling = { perSecond: Math.max(bare.node.perSecond, bare.undici.perSecond) };
    row('ceiling (the faster of the two)', `${Math.round(ceiling.perSecond).toLocaleString()} POSTs/s`);

    const through = async (name, sink) => {
      await fresh();
      const { path } = await config(name, sink);
      const started = Date.now();
      await dxgwRun(path, ['--replay', capture, '--speed', 'max', '--exit-when-idle']).done;
      const wall = (Date.now() - started) / 1000;
      const s = await receiver.stats();
      if (s.events < events) throw new Error(`${name}: ${s.events} of ${events} events arrived`);
      return { perSecond: rate(s), wall };
    };
    const perEvent = await through('reconnect', {});
    row('dxgw run, one event per POST (first to last event)', `${perEvent.perSecond.toLocaleString()} events/s  (wall ${perEvent.wall.toFixed(1)} s incl. start-up)`);
    row('  ratio to the ceiling (goal ≥ 0.5)', (perEvent.perSecond / ceiling.perSecond).toFixed(2));
    const batched = await through('reconnect-batch', { batch: { maxEvents: 100, maxDelayMs: 20 } });
    row('dxgw run, batch mode 100 (first to last event)', `${batched.perSecond.toLocaleString()} events/s  (wall ${batched.wall.toFixed(1)} s incl. start-up)`);
    row('  ratio to the per-event ceiling (goal ≥ 3)', (batched.perSecond / ceiling.perSecond).toFixed(2));

    // The delivery role alone, from an outbox filled beforehand (the engine is not in the way).
    const fromOutbox = async (name, sink) => {
      await fresh();
      const { path } = await config(name, sink);
      await dxgwRun(path, ['--roles', 'capture', '--replay', capture, '--speed', 'max', '--exit-when-idle']).done;
      const run = dxgwRun(path, ['--roles', 'delivery'], { untilStopped: true });
      await waitFor(async () => (await receiver.stats()).events >= events, 300_000);
      run.stop();
      await run.done;
      return rate(await receiver.stats());
    };
    const outboxPerEvent = await fromOutbox('outbox', {});
    row('delivery role from a filled outbox, one event per POST', `${outboxPerEvent.toLocaleString()} events/s  (ratio ${(outboxPerEvent / ceiling.perSecond).toFixed(2)})`);
    const outboxBatch = await fromOutbox('outbox-batch', { batch: { maxEvents: 100, maxDelayMs: 20 } });
    row('delivery role from a filled outbox, batch mode 100', `${outboxBatch.toLocaleString()} events/s  (ratio ${(outboxBatch / ceiling.perSecond).toFixed(2)})`);

    // Latency under sustained load: 1,000 subscribers/s, ack mode, real-time replay.
    heading(`delivery latency: 1,000 new subscribers/s for ${latencySeconds} s (ack mode, 2,000 events/s), one event per POST`);
    await fresh();
    const paced = join(lab, 'paced.pcap');
    writeFileSync(paced, syntheticCapture({ clients: latencySeconds * 1000, spacingMicros: 500, leaseSeconds: 3600 }));
    const { path, api } = await config('latency', {}, { activation: { mode: 'ack' } });
    const run = dxgwRun(path, ['--replay', paced, '--speed', '1', '--exit-when-idle']);
    const probes = { healthz: [], stats: [] };
    let polling = true;
    const poll = (async () => {
      while (polling) {
        for (const [name, url] of [['healthz', `${api}/healthz`], ['stats', `${api}/api/v1/stats`]]) {
          const t = performance.now();
          try {
            const r = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(5000) });
            await r.arrayBuffer();
            if (r.ok) probes[name].push(performance.now() - t);
          } catch {
            // not listening yet, or gone
          }
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const stderr = await run.done;
    polling = false;
    await poll;
    const line = stderr.split('\n').find((l) => l.includes('pacedFrom'));
    const pacedFrom = line && JSON.parse(line).pacedFrom;
    if (!pacedFrom) throw new Error('the daemon did not log where its paced replay started');
    const samples = (await receiver.arrivals()).map(([, , received, time]) => ({ at: Date.parse(time) - pacedFrom.capture, ms: received - (pacedFrom.wall + (Date.parse(time) - pacedFrom.capture)) }));
    const latencies = samples.map((x) => x.ms).sort((a, b) => a - b);
    // Where the slow ones were: the worst latency of each 5 s of the replay.
    const windows = [];
    for (const x of samples) windows[Math.floor(x.at / 5000)] = Math.max(windows[Math.floor(x.at / 5000)] ?? 0, x.ms);
    row('events delivered', latencies.length.toLocaleString());
    row('ACK frame → sink answer p50 / p99 / max', `${percentile(latencies, 50)} / ${percentile(latencies, 99)} / ${latencies[latencies.length - 1]} ms  (goal p99 ≤ 1000 ms)`);
    row('  worst per 5 s of the replay', `${windows.map((w) => `${w ?? '-'}`).join(' / ')} ms`);
    const settled = samples.filter((x) => x.at >= 5000).map((x) => x.ms).sort((a, b) => a - b);
    row('  p99 after the first 5 s (start-up: every process JIT-cold)', `${percentile(settled, 99)} ms`);
    for (const [name, samples] of Object.entries(probes)) {
      const sorted = samples.sort((a, b) => a - b);
      row(`${name === 'stats' ? '/api/v1/stats' : '/healthz'} during the load p50 / p99 (${sorted.length} probes)`, `${percentile(sorted, 50)?.toFixed(1)} / ${percentile(sorted, 99)?.toFixed(1)} ms  (goal p99 ≤ 200 ms)`);
    }
  } finally {
    receiver.stop();
    redis.disconnect();
    await redisServer.stop();
    rmSync(lab, { recursive: true, force: true });
  }
}
