/**
 * With no `redis.url`, dxgw runs its own redis-server: loopback only, a free port, AOF with
 * fsync every second under `redis.dataDir`, so bindings, timers and queued notifications
 * survive a restart. Stopped last at shutdown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { DxgwError } from '../errors/codes.js';

// Background jobs of a non-interactive shell read /dev/null: keep our pipe on fd 3 for them.
const WATCHDOG = `exec 3<&0
"$0" "$@" </dev/null &
r=$!
( read -r _ <&3; kill -TERM "$r" 2>/dev/null ) &
wait "$r"`;

/** Where a running embedded Redis leaves its URL, so the CLI (bindings, notifications) finds it. */
export const URL_FILE = 'dxgw-redis.url';

/** The URL of the embedded Redis running on `dataDir`, when one is. */
export function embeddedRedisUrl(dataDir: string): string | undefined {
  const file = join(resolve(dataDir), URL_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}

export interface EmbeddedRedis {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

export async function startEmbeddedRedis(dataDir: string, binary = 'redis-server'): Promise<EmbeddedRedis> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--protected-mode', 'yes'];
  // Its own process group, so a Ctrl-C or a group signal does not kill Redis before dxgw has
  // flushed into it; a watchdog shell kills it when our stdin pipe closes (dxgw exited in any
  // way, even SIGKILL), so it never outlives us.
  const child: ChildProcess = spawn('sh', ['-c', WATCHDOG, binary, ...args], { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const spawnError = new Promise<Error>((r) => child.once('error', r));
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // not up yet: the loop retries
    try {
      await probe.connect();
      // AOF replay at start answers LOADING until done.
      if ((await probe.ping()) === 'PONG') {
        probe.disconnect();
        break;
      }
    } catch {
      probe.disconnect();
    }
    const failed = await Promise.race([exited.then((code) => `exited with ${code}`), spawnError.then((e) => e.message), new Promise<null>((r) => setTimeout(() => r(null), 100))]);
    if (failed !== null || Date.now() > deadline) {
      child.stdin?.end();
      child.kill('SIGKILL');
      throw new DxgwError('DXGW_REDIS_EMBEDDED_FAILED', `embedded redis-server (${binary}) did not start: ${failed ?? 'no answer in 15 s'} ${stderr.trim().split('\n').pop() ?? ''}`.trim(), { key: 'redis.url' });
    }
  }
  writeFileSync(join(dir, URL_FILE), `${url}\n`);
  return {
    url,
    async stop() {
      rmSync(join(dir, URL_FILE), { force: true });
      if (child.exitCode !== null) return;
      child.stdin?.end(); // the watchdog sends SIGTERM: redis-server flushes the AOF and exits
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
    },
  };
}
