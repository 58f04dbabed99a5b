/**
 * Debian's net-snmp tools as the NMS in tests: snmpwalk/snmpbulkwalk/snmptable/snmpget/
 * snmpset against the agent, snmptrapd (own config and persistent dir in a temp dir, on an
 * ephemeral port) as the notification receiver, smilint for the MIB.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const MIBS_DIR = join(REPO, 'mibs');
/** Load DXGW-MIB (and the SNMPv2 base modules next to it) on top of the tools' defaults. */
export const MIB_ARGS = ['-M', `+:${MIBS_DIR}`, '-m', '+DXGW-MIB'];

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a tool to completion; never rejects on a non-zero exit (timeouts are results too).
 * Each run gets its own persistent dir (engine boots, caches) instead of /var/lib/snmp.
 */
export function runTool(tool: string, args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ToolResult> {
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-snmp-tools-'));
  return new Promise((done) => {
    execFile(
      tool,
      args,
      { timeout: options.timeoutMs ?? 60_000, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, SNMP_PERSISTENT_DIR: dir, ...options.env } },
      (error, stdout, stderr) => {
        rmSync(dir, { recursive: true, force: true });
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** `-v2c -c <community>` or `-v3 -l authPriv -u … -a … -A … -x … -X …` for the tools. */
export function v2c(community: string): string[] {
  return ['-v2c', '-c', community];
}

export interface V3Credentials {
  user: string;
  auth: 'SHA' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';
  authKey: string;
  priv?: 'AES' | 'DES';
  privKey?: string;
}

export function v3(c: V3Credentials): string[] {
  const args = ['-v3', '-u', c.user, '-a', c.auth, '-A', c.authKey];
  return c.priv ? [...args, '-l', 'authPriv', '-x', c.priv, '-X', c.privKey ?? ''] : [...args, '-l', 'authNoPriv'];
}

/** Quick-fail options: one try, short timeout (for "gets no data" checks). */
export const NO_RETRIES = ['-r', '0', '-t', '1'];

/** A UDP port nobody listens on right now. */
export function freeUdpPort(): Promise<number> {
  return new Promise((done, fail) => {
    const socket = createSocket('udp4');
    socket.once('error', fail);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => done(port));
    });
  });
}

/** Sends raw bytes to a UDP port (malformed-packet tests). */
export function sendUdp(port: number, payload: Buffer): Promise<void> {
  return new Promise((done, fail) => {
    const socket = createSocket('udp4');
    socket.send(payload, port, '127.0.0.1', (error) => {
      socket.close();
      if (error) fail(error);
      else done();
    });
  });
}

export interface TrapdOptions {
  /** Communities whose notifications are logged. */
  communities?: string[];
  /** `createUser` lines, e.g. `-e 0x8000… dxgw SHA-256 secret123 AES secret456`. */
  createUsers?: string[];
  /** Users whose v3 notifications are logged (authUser log). */
  users?: string[];
  /** snmptrapd's own engine ID (for informs), hex without 0x. */
  engineId?: string;
}

export interface Trapd {
  port: number;
  /** Each received notification as one line: `NOTIFY <security> :: <varbind> ;; <varbind> …`. */
  readonly lines: string[];
  output(): string;
  waitFor(predicate: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

const FORMAT = 'NOTIFY %P :: %V ;; %v\\n';

export async function startTrapd(options: TrapdOptions = {}): Promise<Trapd> {
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-trapd-'));
  const conf = [
    ...(options.engineId ? [`engineID 0x${options.engineId}`] : []),
    ...(options.createUsers ?? []).map((u) => `createUser ${u}`),
    ...(options.communities ?? []).map((c) => `authCommunity log ${c}`),
    ...(options.users ?? []).map((u) => `authUser log ${u}`),
    `format2 ${FORMAT}`,
    `format1 ${FORMAT}`,
  ].join('\n');
  writeFileSync(join(dir, 'snmptrapd.conf'), `${conf}\n`);
  const port = await freeUdpPort();
  const child: ChildProcess = spawn(
    'snmptrapd',
    ['-f', '-Lo', '-C', '-c', join(dir, 'snmptrapd.conf'), ...MIB_ARGS, '-F', FORMAT.replace('\\n', '\n'), `udp:127.0.0.1:${port}`],
    { env: { ...process.env, SNMP_PERSISTENT_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer): void => {
    out += chunk.toString('utf8');
    const parts = out.split('\n');
    out = parts.pop()!;
    for (const line of parts) if (line.startsWith('NOTIFY')) lines.push(line);
    for (const w of waiters.splice(0)) w();
  };
  let log = '';
  child.stdout!.on('data', (c: Buffer) => {
    log += c.toString('utf8');
    onData(c);
  });
  child.stderr!.on('data', (c: Buffer) => (log += c.toString('utf8')));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  // No snmptrapd outlives the test process, even when a test never reaches stop().
  const reap = (): void => void child.kill('SIGKILL');
  process.once('exit', reap);

  const trapd: Trapd = {
    port,
    lines,
    output: () => log,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = lines.find(predicate);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`snmptrapd: no matching notification within ${timeoutMs} ms; output:\n${log}`);
        await new Promise<void>((done) => {
          waiters.push(done);
          setTimeout(done, 100);
        });
      }
    },
    async stop() {
      process.off('exit', reap);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // snmptrapd prints "NET-SNMP version …" once it listens; if it never does, it goes.
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => {
      void trapd.stop();
      fail(new Error(`snmptrapd did not start:\n${log}`));
    }, 10_000);
    const check = (): void => {
      if (/NET-SNMP version/.test(log)) {
        clearTimeout(timer);
        done();
      } else if (child.exitCode !== null) {
        clearTimeout(timer);
        void trapd.stop();
        fail(new Error(`snmptrapd exited:\n${log}`));
      } else setTimeout(check, 50);
    };
    check();
  });
  return trapd;
}
