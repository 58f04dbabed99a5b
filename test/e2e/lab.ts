/**
 * The namespace lab (test/lab/lib.sh) driven from the end-to-end tests, with dxgw and its
 * peers running live in it.
 *
 * Design: the lab's relay namespace `<prefix>-rly` holds br0 (client side) and up0 (server
 * side, relayed DHCP with option 82, unicast renewals, the subscribers' routed traffic).
 * libpcap can only capture in its own namespace, so `dxgw run` runs there
 * (`ip netns exec <prefix>-rly node bin/dxgw.js run …`), and so does everything it talks to:
 * a redis-server with AOF, the SAE stand-in (http-receiver.mjs), FreeRADIUS (the shared
 * helper, started through an `ip netns exec` wrapper) and snmptrapd — all on that
 * namespace's own loopback. Nothing is reachable from the host or sent outside the lab's
 * namespaces; the test process reads their output files (same filesystem) and runs the CLI
 * and the net-snmp tools in the namespace. `lab_down` removes every namespace and so kills
 * every process in them, whatever state a failed test left (down() in afterAll, and a
 * process 'exit' hook; an interrupted run's leftovers go at the next lab_up of the prefix).
 * (A veth from the host to the relay namespace was the alternative: the shared helpers bind
 * 127.0.0.1 on the host only, so it would have needed NAT to the host's loopback.)
 *
 * Capture points: up0 sees the relayed copies that carry option 82 (circuit-id "relay0"),
 * so most tests capture there; br0 (client side: dhcrelay strips option 82 towards clients)
 * is used by the 50-client test. "any" is tested too (lifecycle.test.ts).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DXGW } from '../helpers/cli.js';
import { startFreeRadius, type FreeRadius } from '../helpers/freeradius.js';
import { MIB_ARGS } from '../helpers/snmp-tools.js';
import { requireTool } from '../helpers/tools.js';

export const REPO = resolve(import.meta.dirname, '..', '..');
const LIB = join(REPO, 'test', 'lab', 'lib.sh');
const RECEIVER = join(import.meta.dirname, 'http-receiver.mjs');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Tools every e2e file needs; in CI a missing one (or not being root) fails the run. */
export function e2eCanRun(extra: string[] = []): boolean {
  const tools = ['ip', 'ss', 'perl', 'dhcrelay', 'udhcpc', 'redis-server', 'redis-cli', 'freeradius', ...extra];
  const ok = tools.every(requireTool);
  const root = process.getuid?.() === 0;
  if (process.env.CI && !root) throw new Error('the e2e tests need root (network namespaces) in CI');
  return ok && root;
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Result> {
  return new Promise((done) => {
    execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, cwd: REPO }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** Polls `check` until it returns something truthy; the error names `what` and the last `detail()`. */
export async function waitUntil<T>(what: string, check: () => T | Promise<T>, options: WaitOptions & { detail?: () => string } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${options.detail ? `\n${options.detail()}` : ''}`);
    await sleep(options.intervalMs ?? 100);
  }
}

const labs = new Set<Lab>();
let exitHook = false;

export class Lab {
  readonly prefix: string;
  /** lib.sh's $LAB_DIR: configs, logs, pid files, leases; removed by down(). */
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly leftovers: string[] = [];
  private workDir: string | undefined;

  constructor(prefix: string) {
    this.prefix = prefix;
    this.dir = join(process.env.TMPDIR ?? '/tmp', `dxlab-${prefix}`);
    this.env = { ...process.env, LAB_PREFIX: prefix, LAB_DIR: this.dir };
  }

  /** Temp dir of the test's own files (configs, FreeRADIUS wrapper), outside the lab dir. */
  get work(): string {
    this.workDir ??= mkdtempSync(join(tmpdir(), `dxgw-e2e-${this.prefix}-`));
    return this.workDir;
  }

  private track(): void {
    labs.add(this);
    if (!exitHook) {
      exitHook = true;
      // Whatever happens to the test run, no namespace (and so no daemon) is left behind.
      process.once('exit', () => {
        for (const lab of labs) lab.downSync();
      });
    }
  }

  ns(key: string): string {
    return `${this.prefix}-${key}`;
  }

  /** Runs a lib.sh function (or any command) with lib.sh sourced: lab.call('lab_udhcpc', 'c1'). */
  async call(fn: string, ...args: string[]): Promise<string> {
    return this.script('"$@"', [fn, ...args]);
  }

  /** Runs bash with lib.sh sourced and `set -euo pipefail`; rejects with the output on failure. */
  async script(text: string, args: string[] = [], timeoutMs = 120_000): Promise<string> {
    this.track();
    const r = await run('bash', ['-c', `set -euo pipefail; source ${JSON.stringify(LIB)}; ${text}`, 'lab', ...args], this.env, timeoutMs);
    if (r.code !== 0) throw new Error(`lab ${this.prefix}: \`${[text, ...args].join(' ')}\` failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout.trim();
  }

  /** `ip netns exec <prefix>-<key> CMD…`, never rejecting. */
  exec(key: string, argv: string[], timeoutMs = 60_000): Promise<Result> {
    return run('ip', ['netns', 'exec', this.ns(key), ...argv], process.env, timeoutMs);
  }

  /** The dxgw CLI in the relay namespace (it reaches Redis there). */
  async cli(args: string[]): Promise<Result> {
    return this.exec('rly', [process.execPath, DXGW, ...args]);
  }

  // biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON, read loosely by the assertions
  async bindings(config: string): Promise<Array<Record<string, any>>> {
    const r = await this.cli(['bindings', 'list', '--json', '--config', config]);
    if (r.code !== 0) throw new Error(`dxgw bindings failed (${r.code}): ${r.stderr}`);
    return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }

  log(id: string): string {
    const p = join(this.dir, `${id}.log`);
    return existsSync(p) ? readFileSync(p, 'utf8') : '';
  }

  /** The client script's events of a client ("bound 192.0.2.10", "renew …"). */
  clientEvents(name: string): string[] {
    const p = join(this.dir, `${name}.events`);
    return existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean) : [];
  }

  async down(): Promise<void> {
    await run('bash', ['-c', `source ${JSON.stringify(LIB)}; lab_down`], this.env, 60_000);
    this.removeFiles();
    labs.delete(this);
  }

  downSync(): void {
    try {
      execFileSync('bash', ['-c', `source ${JSON.stringify(LIB)}; lab_down`], { env: this.env, stdio: 'ignore', timeout: 60_000 });
    } catch {
      // best effort on the way out
    }
    this.removeFiles();
  }

  private removeFiles(): void {
    for (const dir of [this.workDir, ...this.leftovers.splice(0)]) if (dir) rmSync(dir, { recursive: true, force: true });
    this.workDir = undefined;
  }

  // --- services in the relay namespace -------------------------------------------------

  /** redis-server with AOF (appendfsync always) under the lab dir, on the namespace's loopback. */
  async startRedis(port: number): Promise<void> {
    await this.script(
      `mkdir -p "$LAB_DIR/redis"
       lab_bg redis rly redis-server --bind 127.0.0.1 --port "$1" --dir "$LAB_DIR/redis" --appendonly yes --appendfsync always --save '' --protected-mode no
       lab_wait_listen rly tcp "$1"`,
      [String(port)],
    );
    await waitUntil('redis PONG', async () => (await this.exec('rly', ['redis-cli', '-p', String(port), 'ping'])).stdout.trim() === 'PONG', { timeoutMs: 10_000, detail: () => this.log('redis') });
  }

  /** SIGKILL, as a crash: whatever was fsynced to the AOF is what comes back. */
  async killRedis(): Promise<void> {
    await this.call('lab_kill', 'redis', 'KILL');
  }

  async redisCli(port: number, ...args: string[]): Promise<string> {
    return (await this.exec('rly', ['redis-cli', '-p', String(port), ...args])).stdout.trim();
  }

  async startReceiver(port: number, secret: string): Promise<Receiver> {
    const file = join(this.dir, 'http-events.jsonl');
    await this.script(`lab_bg http rly "$1" "$2" 127.0.0.1 "$3" "$4" "$5"; lab_wait_listen rly tcp "$3"`, [process.execPath, RECEIVER, String(port), secret, file]);
    return new Receiver(file, `http://127.0.0.1:${port}/events`);
  }

  /** The shared FreeRADIUS helper, its server started inside the relay namespace. */
  async startFreeRadius(secret: string): Promise<FreeRadius> {
    const wrapper = join(this.work, 'freeradius-in-ns');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${this.ns('rly')} /usr/sbin/freeradius "$@"\n`);
    chmodSync(wrapper, 0o755);
    const radius = await startFreeRadius({ secret, binary: wrapper });
    this.leftovers.push(radius.dir); // its stop() removes it; an interrupted run may not call stop()
    return radius;
  }

  /** snmptrapd in the relay namespace: every notification as one line in its log. */
  async startTrapd(port: number, community: string): Promise<Trapd> {
    const dir = join(this.work, 'snmptrapd');
    mkdirSync(dir, { recursive: true });
    const format = 'NOTIFY %P :: %V ;; %v\\n';
    writeFileSync(join(dir, 'snmptrapd.conf'), `authCommunity log ${community}\nformat2 ${format}\nformat1 ${format}\n`);
    const log = join(dir, 'traps.log');
    await this.script(
      `lab_bg trapd rly env SNMP_PERSISTENT_DIR="$1" snmptrapd -f -Lf "$2" -C -c "$1/snmptrapd.conf" "$4" "$5" "$6" "$7" udp:127.0.0.1:"$3"
       lab_wait_listen rly udp "$3"`,
      [dir, log, String(port), ...MIB_ARGS],
    );
    return new Trapd(log);
  }

  /** snmpwalk/snmptable/… of Debian's net-snmp, run in the relay namespace with DXGW-MIB loaded. */
  async snmp(tool: string, args: string[]): Promise<Result> {
    const dir = mkdtempSync(join(this.work, 'snmp-'));
    try {
      return await run('ip', ['netns', 'exec', this.ns('rly'), tool, ...MIB_ARGS, ...args], { ...process.env, SNMP_PERSISTENT_DIR: dir }, 30_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async packetSockets(): Promise<number> {
    return Number(await this.call('lab_packet_sockets', 'rly'));
  }

  /**
   * `dxgw run --config FILE` inside the relay namespace. Resolves once it logged "api
   * listening" and its capture has really opened (one more packet socket in the namespace:
   * "capture started" is logged before libpcap opens the interface).
   */
  async startDaemon(config: string): Promise<Daemon> {
    const before = await this.packetSockets();
    const daemon = new Daemon(spawn('ip', ['netns', 'exec', this.ns('rly'), process.execPath, DXGW, 'run', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'], cwd: REPO }));
    try {
      await waitUntil('dxgw ready', () => {
        if (daemon.exitCode() !== undefined) throw new Error(`dxgw exited (${daemon.exitCode()}):\n${daemon.log()}`);
        if (/"level":60/.test(daemon.log())) throw new Error(`dxgw failed:\n${daemon.log()}`);
        return /"api listening"/.test(daemon.log()) && /"delivery started"/.test(daemon.log());
      }, { timeoutMs: 30_000, detail: () => daemon.log() });
      await waitUntil('dxgw capture open', async () => {
        if (/"level":60/.test(daemon.log())) throw new Error(`dxgw failed:\n${daemon.log()}`);
        return (await this.packetSockets()) > before;
      }, { timeoutMs: 15_000, detail: () => daemon.log() });
    } catch (error) {
      await daemon.stop('SIGKILL');
      throw error;
    }
    return daemon;
  }
}

export class Daemon {
  private output = '';
  private code: number | null | undefined;
  /** The exit as a shell shows it: the code, or 128 + signal number for a signal (134 = SIGABRT). */
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    this.exited = new Promise((r) =>
      child.once('exit', (code, signal) => {
        this.code = code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : null);
        r(this.code);
      }),
    );
  }

  log(): string {
    return this.output;
  }

  /** Parsed pino lines. */
  // biome-ignore lint/suspicious/noExplicitAny: log lines, read loosely by the assertions
  lines(): Array<Record<string, any>> {
    return this.output.split('\n').flatMap((l) => {
      try {
        return l.startsWith('{') ? [JSON.parse(l)] : [];
      } catch {
        return [];
      }
    });
  }

  exitCode(): number | null | undefined {
    return this.code;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.code === undefined) this.child.kill(signal);
    return this.exited;
  }
}

export interface SaeRecord {
  event: {
    id: string;
    type: string;
    seq: number;
    sessionId: string;
    reason: string | null;
    time: string;
    subscriber: { vr: string; ip: string; mac: string; clientId: string | null; giaddr: string; circuitId: string | null; remoteId: string | null };
    interface: { name: string } | null;
    lease: { seconds: number; startedAt: string; expiresAt: string | null };
    dhcpOptions?: unknown;
  };
  signatureOk: boolean;
}

/** What http-receiver.mjs recorded (every POST, in arrival order). */
export class Receiver {
  constructor(
    readonly file: string,
    readonly url: string,
  ) {}

  all(): SaeRecord[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SaeRecord);
  }

  /** First delivery of each event id. */
  events(filter: (e: SaeRecord['event']) => boolean = () => true): Array<SaeRecord['event']> {
    const seen = new Set<string>();
    return this.all()
      .filter((r) => {
        if (seen.has(r.event.id)) return false;
        seen.add(r.event.id);
        return true;
      })
      .map((r) => r.event)
      .filter(filter);
  }

  forIp(ip: string): Array<SaeRecord['event']> {
    return this.events((e) => e.subscriber.ip === ip);
  }

  async waitFor(what: string, predicate: (events: Array<SaeRecord['event']>) => boolean, timeoutMs = 30_000): Promise<void> {
    await waitUntil(what, () => predicate(this.events()), { timeoutMs, detail: () => this.events().map((e) => `${e.subscriber.ip} ${e.type} ${e.reason ?? ''}`).join('\n') });
  }
}

export class Trapd {
  constructor(readonly file: string) {}

  lines(): string[] {
    return existsSync(this.file) ? readFileSync(this.file, 'utf8').split('\n').filter((l) => l.startsWith('NOTIFY')) : [];
  }
}

/** Ports inside the relay namespace (its own port space: nothing on the host can collide). */
export const PORTS = { redis: 16379, http: 18080, api: 18081, snmp: 11161, trap: 11162 } as const;

export function macHex(text: string): string {
  return [...Buffer.from(text)].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

export function configFile(lab: Lab, config: object, name = 'dxgw.yaml'): string {
  const path = join(lab.work, name);
  writeFileSync(path, JSON.stringify(config, null, 2)); // JSON is YAML
  return path;
}
