/**
 * Drives the live load lab (test/lab/load.sh): dxgw capturing cap0 in `<prefix>-rly`, tcpreplay
 * sending from `<prefix>-gen`. Shared by the live load test and `npm run bench -- live`, so both
 * read the same figures the same way: bindings from /api/v1/stats, drops and frames per capture
 * handle from /metrics, offered packets from cap0's receive counter.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns something truthy; the error names `what` and the last `detail()`. */
export async function waitUntil<T>(what: string, check: () => T | Promise<T>, options: { timeoutMs?: number; intervalMs?: number; detail?: () => string } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${options.detail ? `\n${options.detail()}` : ''}`);
    await sleep(options.intervalMs ?? 100);
  }
}

/** A Prometheus series per capture handle; `unlabeled` is today's single-handle form. */
export interface HandleSeries {
  dhcp?: number;
  data?: number;
  unlabeled?: number;
  /** Every frame of the metric, whatever the labels. */
  total: number;
}

export interface CaptureMetrics {
  drops: HandleSeries;
  frames: HandleSeries;
  /** Drops of the handle that carries DHCP: its own series, or the single handle's. */
  dhcpDrops: number;
}

export function parseSeries(text: string, name: string): HandleSeries {
  const out: HandleSeries = { total: 0 };
  const re = new RegExp(`^${name}(?:\\{([^}]*)\\})?\\s+(\\S+)`, 'gm');
  for (const m of text.matchAll(re)) {
    const value = Number(m[2]);
    if (!Number.isFinite(value)) continue;
    out.total += value;
    const handle = /handle="([^"]*)"/.exec(m[1] ?? '')?.[1];
    if (handle === 'dhcp' || handle === 'data') out[handle] = (out[handle] ?? 0) + value;
    else out.unlabeled = (out.unlabeled ?? 0) + value;
  }
  return out;
}

export function parseCaptureMetrics(text: string): CaptureMetrics {
  const drops = parseSeries(text, 'dxgw_capture_drops');
  return { drops, frames: parseSeries(text, 'dxgw_capture_frames'), dhcpDrops: drops.dhcp ?? drops.total };
}

export interface ReplayStats {
  packets: number;
  seconds: number;
  /** tcpreplay's achieved rate. */
  pps: number;
}

/** tcpreplay's summary: "Actual: 4000 packets (…) sent in 2.00 seconds" and "Rated: … 1999.7 pps". */
export function parseTcpreplay(text: string): ReplayStats {
  const actual = /Actual:\s+(\d+)\s+packets.*?sent in\s+([\d.]+)\s+seconds/s.exec(text);
  const rated = /Rated:.*?([\d.]+)\s+pps/.exec(text);
  if (!actual) throw new Error(`no tcpreplay summary in:\n${text.slice(-2000)}`);
  return { packets: Number(actual[1]), seconds: Number(actual[2]), pps: rated ? Number(rated[1]) : 0 };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

export interface LoadLabOptions {
  /** Repository root (lib.sh, load.sh, bin/dxgw.js). */
  repo: string;
  /** Lab prefix, [A-Za-z0-9_]{1,10}: unique per run. */
  prefix: string;
  redisPort?: number;
  apiPort?: number;
}

export class LoadLab {
  readonly prefix: string;
  readonly dir: string;
  readonly work: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly repo: string;
  readonly redisPort: number;
  readonly apiPort: number;
  private dxgw: ChildProcess | undefined;
  private dxgwLog = '';
  private servicePids: string[] = [];

  constructor(options: LoadLabOptions) {
    this.repo = options.repo;
    this.prefix = options.prefix;
    this.dir = join(process.env.TMPDIR ?? '/tmp', `dxlab-${this.prefix}`);
    this.env = { ...process.env, LAB_PREFIX: this.prefix, LAB_DIR: this.dir };
    this.work = mkdtempSync(join(tmpdir(), `dxgw-load-${this.prefix}-`));
    this.redisPort = options.redisPort ?? 16379;
    this.apiPort = options.apiPort ?? 18081;
  }

  /** Bash with lib.sh and load.sh sourced, `set -euo pipefail`; rejects with the output on failure. */
  async script(text: string, args: string[] = [], timeoutMs = 120_000): Promise<string> {
    const lib = join(this.repo, 'test', 'lab');
    const r = await run('bash', ['-c', `set -euo pipefail; source "${lib}/lib.sh"; source "${lib}/load.sh"; ${text}`, 'load', ...args], this.env, timeoutMs);
    if (r.code !== 0) throw new Error(`load lab ${this.prefix}: \`${text}\` failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout.trim();
  }

  async up(): Promise<void> {
    await this.script('load_up');
    await this.script('load_redis "$1"', [String(this.redisPort)]);
  }

  /** `dxgw run` in the capture namespace, live on cap0; resolves once its capture is open. */
  async startDxgw(extra: { capture?: Record<string, unknown>; activation?: Record<string, unknown> } = {}): Promise<void> {
    const config = {
      site: 'load',
      redis: { url: `redis://127.0.0.1:${this.redisPort}` },
      capture: { interface: 'cap0', subscriberPrefixes: ['10.0.0.0/8'], ...extra.capture },
      activation: { ...extra.activation },
      api: { listen: `127.0.0.1:${this.apiPort}` },
    };
    const file = join(this.work, 'dxgw.yaml');
    writeFileSync(file, JSON.stringify(config, null, 2)); // JSON is YAML
    const sockets = async () => Number(await this.script('lab_packet_sockets rly'));
    const before = await sockets();
    this.dxgwLog = '';
    const child = spawn('ip', ['netns', 'exec', `${this.prefix}-rly`, process.execPath, join(this.repo, 'bin', 'dxgw.js'), 'run', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.repo });
    child.stdout!.on('data', (d) => (this.dxgwLog += d));
    child.stderr!.on('data', (d) => (this.dxgwLog += d));
    this.dxgw = child;
    const failed = () => child.exitCode !== null || /"level":60/.test(this.dxgwLog);
    await waitUntil('dxgw api and capture', async () => {
      if (failed()) throw new Error(`dxgw failed:\n${this.dxgwLog}`);
      return /"api listening"/.test(this.dxgwLog) && (await sockets()) > before;
    }, { timeoutMs: 30_000, detail: () => this.dxgwLog });
    // Only the services run there now (the API is read later, by processes in the namespace too).
    this.servicePids = (await run('ip', ['netns', 'pids', `${this.prefix}-rly`], process.env, 10_000)).stdout.split('\n').filter(Boolean);
  }

  log(): string {
    return this.dxgwLog;
  }

  async stopDxgw(): Promise<void> {
    const child = this.dxgw;
    this.dxgw = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }

  /** GET on the API, from inside the capture namespace (its loopback is not reachable from here). */
  private async get(path: string): Promise<string> {
    const code = 'fetch(process.argv[1]).then(async (r) => { if (!r.ok) throw new Error(String(r.status)); process.stdout.write(await r.text()); })';
    const r = await run('ip', ['netns', 'exec', `${this.prefix}-rly`, process.execPath, '-e', code, `http://127.0.0.1:${this.apiPort}${path}`], process.env, 30_000);
    if (r.code !== 0) throw new Error(`GET ${path} failed: ${r.stderr}`);
    return r.stdout;
  }

  async metrics(): Promise<CaptureMetrics> {
    return parseCaptureMetrics(await this.get('/metrics'));
  }

  async stats(): Promise<{ bindings: Record<string, number>; counters: Record<string, number> }> {
    return JSON.parse(await this.get('/api/v1/stats'));
  }

  async bindings(): Promise<number> {
    return (await this.stats()).bindings.total ?? 0;
  }

  /** CPU seconds used so far by the capture namespace's services (dxgw, its capture child, Redis). */
  async cpuSeconds(): Promise<number> {
    let ticks = 0;
    for (const pid of this.servicePids) {
      try {
        // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(f[11]) + Number(f[12]);
      } catch {
        // gone meanwhile
      }
    }
    return ticks / 100; // USER_HZ
  }

  /**
   * Waits until `target` bindings exist, or until the capture has drained what it had: neither
   * the bindings nor the capture's frame and drop counters moved for `quietMs`, and the capture
   * namespace's processes were idle meanwhile (a capture busy with a backlog posts no counters
   * until it is through, so quiet counters alone are not enough). Call it once the senders have
   * stopped; what is missing then is lost. Returns the bindings count.
   */
  async settle(target: number, { quietMs = 5000, timeoutMs = 600_000 } = {}): Promise<number> {
    let last = '';
    let since = Date.now();
    let cpuSince = await this.cpuSeconds();
    const done = await waitUntil(`${target} bindings, or a quiet capture for ${quietMs} ms`, async () => {
      const [bindings, m, cpu] = await Promise.all([this.bindings(), this.metrics(), this.cpuSeconds()]);
      const now = `${bindings}/${m.frames.total}/${m.drops.total}`;
      if (bindings >= target) return { bindings };
      const elapsed = Date.now() - since;
      // Busy: more than a tenth of a core since the counters last moved.
      if (now !== last || cpu - cpuSince > (elapsed / 1000) * 0.1) {
        [last, since, cpuSince] = [now, Date.now(), cpu];
        return undefined;
      }
      return elapsed > quietMs ? { bindings } : undefined;
    }, { timeoutMs, intervalMs: 250, detail: () => `last ${last}\n${this.dxgwLog.slice(-2000)}` });
    return done.bindings;
  }

  /** Frames cap0 has received (offered to the capture, whatever it kept). */
  async rx(): Promise<number> {
    return Number(await this.script('load_rx'));
  }

  /** tcpreplay FILE in the foreground, e.g. ['--pps=2000']; its own statistics. */
  async send(file: string, args: string[], timeoutMs = 600_000): Promise<ReplayStats> {
    return parseTcpreplay(await this.script('load_send "$@"', [file, ...args], timeoutMs));
  }

  async floodStart(id: string, file: string, args: string[]): Promise<void> {
    await this.script('load_flood_start "$@"', [id, file, ...args]);
  }

  async floodStop(id: string): Promise<ReplayStats> {
    return parseTcpreplay(await this.script('load_flood_stop "$1"', [id]));
  }

  writeCapture(name: string, data: Buffer): string {
    const path = join(this.work, name);
    writeFileSync(path, data);
    return path;
  }

  async down(): Promise<void> {
    await this.stopDxgw();
    await this.script('lab_down').catch(() => undefined);
    rmSync(this.work, { recursive: true, force: true });
  }
}
