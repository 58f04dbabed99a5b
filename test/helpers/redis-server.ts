/**
 * A real, throwaway `redis-server` for tests (DESIGN §5 "Real parts in tests"): a free port
 * on 127.0.0.1 (never 6379), its own temporary directory, no persistence unless asked for.
 *
 *   const redis = await startRedisServer();          // { url, port, dir, stop, restart }
 *   const client = new Redis(redis.url);
 *   await redis.stop();
 *
 * The server runs under a tiny `sh` watchdog that holds our stdin: when this process goes
 * away in any way (normal exit, crash, SIGKILL of a vitest worker) the pipe closes and the
 * watchdog kills redis-server, so no server outlives its test run. `stop()`/`restart()` are
 * explicit; a process 'exit' hook stops whatever is still running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServerOptions {
  /** Append-only file in the temp dir (appendfsync always), so `restart()` keeps the data. */
  appendonly?: boolean;
  /** Extra `--name value` arguments for redis-server. */
  args?: string[];
  /** redis-server binary (default: `redis-server` on PATH). */
  binary?: string;
  /** How long to wait for PING to answer (default 10 s). */
  startTimeoutMs?: number;
}

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The server's working directory (AOF/RDB files), removed by `stop()`. */
  readonly dir: string;
  /** Stops the server and removes its directory. Idempotent. */
  stop(): Promise<void>;
  /**
   * Stops the server (SIGKILL by default: a crash; 'SIGTERM' shuts down cleanly) and starts
   * it again on the same port and directory. With `appendonly` the data survives.
   */
  restart(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
}

// Watchdog: redis-server in the background; the first line on stdin (or EOF, when the parent
// is gone) names the signal it gets. Exits with redis-server's exit code.
const WATCHDOG = `exec 3<&0
"$0" "$@" </dev/null &
r=$!
( read -r sig <&3; kill -s "\${sig:-KILL}" "$r" 2>/dev/null ) &
wait "$r"`;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.stdin?.destroy(); // the watchdog kills its redis-server
  });
}

/** A port nobody listens on right now (the OS picks it; we close it again). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port === 6379 || port === 0 ? freePort().then(resolve, reject) : resolve(port)));
    });
  });
}

/** Resolves true once the server answers PING with PONG (not -LOADING). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Running {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

function launch(binary: string, args: string[]): Running {
  const child = spawn('sh', ['-c', WATCHDOG, binary, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.stdin!.on('error', () => {}); // EPIPE when the watchdog is already gone
  live.add(child);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      child.stdin!.destroy(); // lets the watchdog's reader end
      resolve(code);
    });
  });
  return { child, exited, output: () => output };
}

async function stopRunning(running: Running, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.stdin!.write(`${signal.slice(3)}\n`);
  const timeout = sleep(10_000).then(() => 'timeout' as const);
  if ((await Promise.race([running.exited, timeout])) === 'timeout') {
    running.child.kill('SIGKILL');
    await running.exited;
  }
}

/** Starts redis-server on `port`; resolves once PING answers, or rejects with its output. */
async function startOn(binary: string, port: number, args: string[], timeoutMs: number): Promise<Running> {
  const running = launch(binary, ['--port', String(port), ...args]);
  let exitCode: number | null | undefined;
  void running.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`redis-server exited (${exitCode}) on port ${port}:\n${running.output()}`);
    if (await ping(port)) return running;
    if (Date.now() > deadline) {
      await stopRunning(running, 'SIGKILL');
      throw new Error(`redis-server did not answer PING on port ${port} within ${timeoutMs} ms:\n${running.output()}`);
    }
    await sleep(20);
  }
}

const inUse = (err: unknown): boolean => /in use|bind|listening socket/i.test(String(err));

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? 'redis-server';
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-redis-'));
  const args = [
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', options.appendonly ? 'yes' : 'no',
    ...(options.appendonly ? ['--appendfsync', 'always'] : []),
    '--logfile', '',
    '--daemonize', 'no',
    ...(options.args ?? []),
  ];
  installExitHook();

  let port = 0;
  let running: Running | undefined;
  for (let attempt = 1; !running; attempt++) {
    port = await freePort();
    try {
      running = await startOn(binary, port, args, timeoutMs);
    } catch (err) {
      // Another process took the port between our probe and redis-server's bind: try another.
      if (attempt >= 5 || !inUse(err)) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (running) await stopRunning(running, options.appendonly ? 'SIGTERM' : 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
    async restart(signal = 'SIGKILL') {
      if (stopped) throw new Error('redis-server was stopped');
      if (running) await stopRunning(running, signal);
      running = undefined;
      // Same port (clients reconnect to the same url): retry while the old socket lingers.
      for (let attempt = 1; !running; attempt++) {
        try {
          running = await startOn(binary, port, args, timeoutMs);
        } catch (err) {
          if (attempt >= 50 || !inUse(err)) throw err;
          await sleep(100);
        }
      }
    },
  };
}
