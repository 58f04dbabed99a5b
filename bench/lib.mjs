// Shared helpers for benchmarks: timing child processes, sampling their peak RSS, printing rows.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Runs a command to completion; returns wall seconds and peak RSS (MiB, sampled from /proc). */
export function timed(cmd, args, { stdout = 'ignore', env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', stdout, 'pipe'], env });
    let stderr = '';
    let peakKb = 0;
    child.stderr.on('data', (d) => (stderr += d));
    const sample = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {}
    }, 50);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sample);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0 && code !== 2) reject(new Error(`${cmd} exited ${code}: ${stderr.slice(-500)}`));
      else resolve({ seconds, peakMiB: peakKb / 1024, stderr });
    });
  });
}

export function row(label, value) {
  console.log(`  ${label.padEnd(52)} ${value}`);
}

export function heading(text) {
  console.log(`\n== ${text}`);
}

/** A private redis-server on a free port for one benchmark (never the standard port). */
export async function startRedis() {
  const { createServer } = await import('node:net');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const { Redis } = await import('ioredis');
  const probe = new Redis({ port, lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
  probe.on('error', () => undefined); // refused while the server starts; reported by ping below
  for (let i = 0; i < 100; i++) {
    try {
      await probe.connect();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await probe.ping();
  probe.disconnect();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Synthetic subscribers (ACK + data packet each) decoded up front, and a lease pipeline into
 * a Redis store of `site`: what the lease and notification benchmarks drive.
 */
export async function syntheticLoad(redis, { clients, site = 'bench', config: extra = {} }) {
  const dist = (p) => import(new URL(`../dist/${p}`, import.meta.url).href);
  const { RedisLeaseStore } = await dist('leases/redis/redis-store.js');
  const { LeasePipeline } = await dist('subscribers/lease-pipeline.js');
  const { Observer } = await dist('leases/observer.js');
  const { parseConfig } = await dist('config/load.js');
  const { engineConfigFrom, observerConfigFrom } = await dist('subscribers/runtime-config.js');
  const { FrameDecoder } = await dist('dhcp/frame-decoder.js');
  const { parseCaptureBuffer } = await dist('capture/capture-file.js');
  const { syntheticCapture } = await dist('testing/synthetic-capture.js');
  const decoder = new FrameDecoder();
  const outcomes = [];
  parseCaptureBuffer(syntheticCapture({ clients, leaseSeconds: 3600 }), (frame) => outcomes.push(decoder.decode(frame)));
  const config = parseConfig({ site, ...extra });
  const store = new RedisLeaseStore(redis, site);
  const pipeline = new LeasePipeline({ engine: engineConfigFrom(config), observer: new Observer(observerConfigFrom(config)), store, batchSize: 512 });
  /** Runs every outcome through the pipeline; returns the seconds it took. */
  async function run() {
    const started = process.hrtime.bigint();
    for (const outcome of outcomes) if (pipeline.handle(outcome)) await pipeline.flush();
    await pipeline.flush();
    return Number(process.hrtime.bigint() - started) / 1e9;
  }
  return { config, store, pipeline, run };
}
