/**
 * A real, throwaway FreeRADIUS 3 for tests (DESIGN §5 "Real parts in tests"), configured in
 * a private temp directory (never /etc/freeradius): radiusd.conf, clients.conf and a
 * `dictionary` that includes the stock ones, listening on 127.0.0.1 only, on free UDP ports.
 * Every request it receives is written by the `detail` module, attributes by name, to
 * `<dir>/detail`, which `records()` parses: what FreeRADIUS decoded, not what we meant.
 *
 *   const fr = await startFreeRadius();                    // acct on fr.port, secret fr.secret
 *   const fr = await startFreeRadius({ listen: ['acct', 'coa'] });  // fr.ports.coa too
 *   (await fr.waitForRecords(1))[0]!.get('Acct-Status-Type')       // 'Start'
 *   await fr.stop();
 *
 * It runs `freeradius -X` (foreground, one thread, debug log kept for `output()`) under a
 * `sh` watchdog holding our stdin, so it dies with this process whatever way that ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type ListenType = 'acct' | 'auth' | 'coa';

/** Server sections the helper fills; pass one to replace its body. */
export type SectionName = 'authorize' | 'authenticate' | 'post-auth' | 'preacct' | 'accounting' | 'recv-coa' | 'send-coa';

export interface FreeRadiusOptions {
  /** Shared secret of the default client 127.0.0.1 (default 'testing123'). */
  secret?: string;
  /** Clients instead of the default one. */
  clients?: Array<{ ipaddr: string; secret: string }>;
  /** Which listeners to open, each on its own free port (default ['acct']). */
  listen?: ListenType[];
  /** Extra dictionary lines, after the stock dictionaries. */
  dictionary?: string;
  /** Replacement bodies for sections of the server (every section logs to the detail file by default). */
  sections?: Partial<Record<SectionName, string>>;
  binary?: string;
  /** Wait for "Ready to process requests" (default 15 s). */
  startTimeoutMs?: number;
}

export interface DetailRecord {
  /** The header line FreeRADIUS wrote (receive time). */
  header: string;
  /** Attribute name and value as printed, quotes of strings removed, in order. */
  attributes: Array<[name: string, value: string]>;
  get(name: string): string | undefined;
  all(name: string): string[];
}

export interface FreeRadius {
  readonly host: '127.0.0.1';
  readonly secret: string;
  /** Port of the first listener (acct by default). */
  readonly port: number;
  readonly ports: Readonly<Partial<Record<ListenType, number>>>;
  readonly dir: string;
  readonly detailFile: string;
  /** Every request so far, in arrival order. */
  records(): DetailRecord[];
  /** Polls until at least `count` records exist. */
  waitForRecords(count: number, timeoutMs?: number): Promise<DetailRecord[]>;
  /** The tail of FreeRADIUS's debug output (decoded packets, errors). */
  output(): string;
  /** Kills it and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

const BINARY = '/usr/sbin/freeradius';
const READY = 'Ready to process requests';

// Watchdog: the server in the background; EOF on our stdin (we closed it, or died) kills it.
const WATCHDOG = `exec 3<&0
"$0" "$@" </dev/null &
r=$!
( cat <&3 >/dev/null; kill -s KILL "$r" 2>/dev/null ) &
wait "$r"`;

const live = new Set<ChildProcess>();
let exitHook = false;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `count` distinct UDP ports that were free a moment ago (FreeRADIUS listens on UDP, so probe UDP). */
async function freeUdpPorts(count: number): Promise<number[]> {
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const socket = createSocket('udp4');
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, '127.0.0.1', () => resolve());
      });
    }
    return sockets.map((s) => s.address().port);
  } finally {
    await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

const DEFAULT_SECTIONS: Record<SectionName, string> = {
  authorize: 'detail\nupdate control {\n  &Auth-Type := Accept\n}',
  authenticate: '',
  'post-auth': '',
  preacct: '',
  accounting: 'detail',
  'recv-coa': 'detail\nok',
  'send-coa': 'ok',
};

const SECTIONS_FOR: Record<ListenType, SectionName[]> = {
  acct: ['preacct', 'accounting'],
  auth: ['authorize', 'authenticate', 'post-auth'],
  coa: ['recv-coa', 'send-coa'],
};

const block = (name: string, body: string): string => `  ${name} {\n${body ? `${body.replace(/^/gm, '    ')}\n` : ''}  }`;

function radiusdConf(dir: string, listens: Array<[ListenType, number]>, sections: Partial<Record<SectionName, string>>): string {
  const used = [...new Set(listens.flatMap(([type]) => SECTIONS_FOR[type]))];
  return `# Written by test/helpers/freeradius.ts for one test run.
prefix = /usr
exec_prefix = /usr
sbindir = /usr/sbin
libdir = /usr/lib/freeradius
confdir = ${dir}
raddbdir = ${dir}
modconfdir = ${dir}
sysconfdir = ${dir}
localstatedir = ${dir}
logdir = ${dir}
radacctdir = ${dir}
run_dir = ${dir}
db_dir = ${dir}
pidfile = ${dir}/radiusd.pid
name = freeradius
max_request_time = 30
cleanup_delay = 5
max_requests = 16384
hostname_lookups = no
proxy_requests = no
log {
  destination = stdout
  colourise = no
}
security {
  allow_core_dumps = no
  max_attributes = 200
  reject_delay = 0
  status_server = no
}
$INCLUDE clients.conf
modules {
  always ok {
    rcode = ok
  }
  detail {
    filename = ${dir}/detail
    escape_filenames = no
    permissions = 0600
    header = "%t"
    locking = no
    log_packet_header = no
  }
}
server default {
${listens.map(([type, port]) => `  listen {\n    type = ${type}\n    ipaddr = 127.0.0.1\n    port = ${port}\n  }`).join('\n')}
${used.map((name) => block(name, sections[name] ?? DEFAULT_SECTIONS[name])).join('\n')}
}
`;
}

/** Detail file → records: a header line, then `\tName = value` lines, a blank line between records. */
export function parseDetail(text: string): DetailRecord[] {
  const records: DetailRecord[] = [];
  for (const chunk of text.split(/\n\s*\n/)) {
    const lines = chunk.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) continue;
    const attributes: Array<[string, string]> = [];
    for (const line of lines.slice(1)) {
      const m = /^\s+(\S+) = (.*)$/.exec(line);
      if (!m) continue;
      const raw = m[2]!;
      attributes.push([m[1]!, raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw]);
    }
    records.push({
      header: lines[0]!,
      attributes,
      get: (name) => attributes.find(([n]) => n === name)?.[1],
      all: (name) => attributes.filter(([n]) => n === name).map(([, v]) => v),
    });
  }
  return records;
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  output: () => string;
}

function launch(binary: string, dir: string): Running {
  installExitHook();
  // TZ=UTC: Event-Timestamp and detail headers print the same everywhere.
  const child = spawn('sh', ['-c', WATCHDOG, binary, '-X', '-d', dir], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC' } });
  let output = '';
  const keep = (data: Buffer): void => {
    output = (output + data.toString('utf8')).slice(-200_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.stdin!.on('error', () => {}); // EPIPE once the watchdog is gone
  live.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      live.delete(child);
      child.stdin!.destroy();
      resolve();
    }),
  );
  return { child, exited, output: () => output };
}

function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const child of live) child.stdin?.destroy(); // EOF: the watchdog kills FreeRADIUS
  });
}

async function kill(running: Running): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.stdin!.end();
  await Promise.race([running.exited, sleep(5000).then(() => running.child.kill('SIGKILL'))]);
  await running.exited;
}

/** Resolves once FreeRADIUS says it is ready; rejects with its output if it exits or hangs. */
async function ready(running: Running, timeoutMs: number): Promise<void> {
  let gone = false;
  void running.exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (!running.output().includes(READY)) {
    if (gone) throw new Error(`freeradius exited before it was ready:\n${running.output().slice(-3000)}`);
    if (Date.now() > deadline) {
      await kill(running);
      throw new Error(`freeradius not ready within ${timeoutMs} ms:\n${running.output().slice(-3000)}`);
    }
    await sleep(20);
  }
}

export async function startFreeRadius(options: FreeRadiusOptions = {}): Promise<FreeRadius> {
  const binary = options.binary ?? BINARY;
  if (!existsSync(binary)) throw new Error(`${binary} not found (apt-get install freeradius)`);
  const secret = options.secret ?? 'testing123';
  const types = options.listen ?? ['acct'];
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-freeradius-'));
  const clients = options.clients ?? [{ ipaddr: '127.0.0.1', secret }];
  writeFileSync(join(dir, 'clients.conf'), clients.map((c, i) => `client c${i} {\n  ipaddr = ${c.ipaddr}\n  secret = "${c.secret}"\n}\n`).join(''));
  writeFileSync(join(dir, 'dictionary'), `$INCLUDE /usr/share/freeradius/dictionary\n${options.dictionary ?? ''}\n`);
  const detailFile = join(dir, 'detail');

  let running: Running | undefined;
  let ports: Partial<Record<ListenType, number>> = {};
  for (let attempt = 1; !running; attempt++) {
    const free = await freeUdpPorts(types.length);
    const listens = types.map((t, i) => [t, free[i]!] as [ListenType, number]);
    ports = Object.fromEntries(listens);
    writeFileSync(join(dir, 'radiusd.conf'), radiusdConf(dir, listens, options.sections ?? {}));
    const candidate = launch(binary, dir);
    try {
      await ready(candidate, options.startTimeoutMs ?? 15_000);
      running = candidate;
    } catch (err) {
      // Someone took a port between our probe and FreeRADIUS's bind: try other ports.
      if (attempt >= 5 || !/in use|Failed binding/i.test(candidate.output())) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  const records = (): DetailRecord[] => (existsSync(detailFile) ? parseDetail(readFileSync(detailFile, 'utf8')) : []);
  let stopped = false;
  const server = running;
  return {
    host: '127.0.0.1',
    secret,
    port: ports[types[0]!]!,
    ports,
    dir,
    detailFile,
    records,
    async waitForRecords(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const now = records();
        if (now.length >= count) return now;
        if (Date.now() > deadline) throw new Error(`${now.length} of ${count} detail records after ${timeoutMs} ms:\n${server.output().slice(-3000)}`);
        await sleep(20);
      }
    },
    output: () => server.output(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill(server);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
