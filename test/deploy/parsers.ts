/**
 * Small, strict readers for the deployment files in deploy/: YAML (multi-document), env files,
 * systemd units, Dockerfiles and .dockerignore allow-lists, plus helpers shared by the deploy
 * tests. No Docker, kubectl or systemd is needed; where a real tool exists the tests use it too.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SECRET_KEYS } from '../../src/config/redact.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const DEPLOY = join(ROOT, 'deploy');

export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Every file under `dir`, as paths relative to `dir`, sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}

export function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

export { hasTool } from '../helpers/tools.js';

// ---- YAML -----------------------------------------------------------------------------------

export type Json = Record<string, unknown>;

/**
 * Every document of a YAML file as plain data; throws on any syntax error or warning (with the
 * file and position), on a duplicated key, and on an empty document between `---` lines.
 * `merge`: YAML 1.1 merge keys (`<<: *anchor`), which Docker Compose understands.
 */
export function yamlDocuments(path: string, options: { merge?: boolean } = {}): unknown[] {
  const docs = parseAllDocuments(read(path), { uniqueKeys: true, prettyErrors: true, merge: options.merge ?? false });
  if (!Array.isArray(docs)) throw new Error(`${path}: not a YAML stream`);
  const out: unknown[] = [];
  docs.forEach((doc, i) => {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) throw new Error(`${path} (document ${i + 1}): ${problems.map((p) => p.message).join('; ')}`);
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) {
      // A trailing comment-only document is fine; an empty one in the middle is a stray `---`.
      if (doc.contents !== null || i < docs.length - 1) throw new Error(`${path}: document ${i + 1} is empty`);
      return;
    }
    out.push(value);
  });
  return out;
}

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `obj.a.b[0].c` by path; undefined when any step is missing. */
export function dig(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

// ---- env files ------------------------------------------------------------------------------

/**
 * KEY=value lines as `docker --env-file`, compose's env_file, systemd's EnvironmentFile and
 * `kubectl create secret --from-env-file` all read them when values are plain: `#` comments,
 * blank lines, no quotes, no `export`. Anything else is an error, so the file works for all four.
 */
export function parseEnvFile(text: string, source: string): Record<string, string> {
  const env: Record<string, string> = {};
  text.split('\n').forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`${source}:${i + 1}: not NAME=value: ${line}`);
    const [, name, value] = m as unknown as [string, string, string];
    if (/^["']/.test(value)) throw new Error(`${source}:${i + 1}: quoted value (the readers disagree on quotes)`);
    if (value.includes('$')) throw new Error(`${source}:${i + 1}: "$" in a value (compose would expand it)`);
    if (value !== value.trim()) throw new Error(`${source}:${i + 1}: blanks around the value`);
    if (name in env) throw new Error(`${source}:${i + 1}: ${name} given twice`);
    env[name] = value;
  });
  return env;
}

// ---- systemd units --------------------------------------------------------------------------

export interface UnitFile {
  /** Section name → its assignments in order (a key may repeat). */
  sections: Map<string, Array<{ key: string; value: string; line: number }>>;
  errors: string[];
}

/** systemd.syntax(7): [Section] headers, Key=Value, # and ; comments, trailing-\ continuation. */
export function parseUnit(text: string): UnitFile {
  const sections: UnitFile['sections'] = new Map();
  const errors: string[] = [];
  let current: string | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i]!.trim()}`;
    const header = /^\[([A-Za-z0-9-]+)\]$/.exec(line);
    if (header) {
      current = header[1]!;
      if (sections.has(current)) errors.push(`line ${start}: section [${current}] given twice`);
      sections.set(current, []);
      continue;
    }
    const assignment = /^([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*)$/.exec(line);
    if (!assignment) {
      errors.push(`line ${start}: not a Key=Value line: ${line}`);
      continue;
    }
    if (current === undefined) {
      errors.push(`line ${start}: ${assignment[1]} outside any section`);
      continue;
    }
    sections.get(current)!.push({ key: assignment[1]!, value: assignment[2]!.trim(), line: start });
  }
  return { sections, errors };
}

/** Keys this project's units may use, by section (systemd.unit(5), .service(5), .exec(5), .kill(5)). */
export const KNOWN_UNIT_KEYS: Record<string, ReadonlySet<string>> = {
  Unit: new Set(['Description', 'Documentation', 'Wants', 'Requires', 'Requisite', 'BindsTo', 'PartOf', 'After', 'Before', 'Conflicts', 'ConditionPathExists', 'AssertPathExists', 'StartLimitIntervalSec', 'StartLimitBurst', 'StartLimitAction']),
  Service: new Set([
    'Type', 'User', 'Group', 'SupplementaryGroups', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost',
    'Environment', 'EnvironmentFile', 'WorkingDirectory', 'StateDirectory', 'StateDirectoryMode', 'RuntimeDirectory', 'RuntimeDirectoryMode', 'LogsDirectory', 'ConfigurationDirectory',
    'SyslogIdentifier', 'StandardOutput', 'StandardError', 'Restart', 'RestartSec', 'RestartPreventExitStatus', 'SuccessExitStatus', 'TimeoutStartSec', 'TimeoutStopSec', 'KillMode', 'KillSignal', 'SendSIGKILL', 'FinalKillSignal',
    'LimitNOFILE', 'LimitMEMLOCK', 'MemoryMax', 'MemoryHigh', 'CPUQuota', 'TasksMax', 'OOMPolicy', 'WatchdogSec', 'NotifyAccess',
    'AmbientCapabilities', 'CapabilityBoundingSet', 'NoNewPrivileges', 'SecureBits',
    'ProtectSystem', 'ProtectHome', 'PrivateTmp', 'PrivateDevices', 'PrivateIPC', 'PrivateNetwork', 'PrivateUsers', 'PrivateMounts', 'RemoveIPC',
    'ProtectKernelTunables', 'ProtectKernelModules', 'ProtectKernelLogs', 'ProtectControlGroups', 'ProtectClock', 'ProtectHostname', 'ProtectProc', 'ProcSubset',
    'ReadWritePaths', 'ReadOnlyPaths', 'InaccessiblePaths', 'TemporaryFileSystem', 'BindPaths', 'BindReadOnlyPaths',
    'RestrictAddressFamilies', 'RestrictNamespaces', 'RestrictRealtime', 'RestrictSUIDSGID', 'LockPersonality', 'MemoryDenyWriteExecute',
    'SystemCallArchitectures', 'SystemCallFilter', 'SystemCallErrorNumber', 'UMask', 'DevicePolicy', 'DeviceAllow', 'IPAddressAllow', 'IPAddressDeny', 'KeyringMode', 'DynamicUser',
  ]),
  Install: new Set(['WantedBy', 'RequiredBy', 'Alias', 'Also', 'DefaultInstance']),
};

/** The last value of `key` in `section` (what systemd uses for single-valued keys). */
export function unitValue(unit: UnitFile, section: string, key: string): string | undefined {
  return unit.sections.get(section)?.filter((a) => a.key === key).at(-1)?.value;
}

export function unitValues(unit: UnitFile, section: string, key: string): string[] {
  return unit.sections.get(section)?.filter((a) => a.key === key).map((a) => a.value) ?? [];
}

/** A systemd time span ("30s", "5min", "1min 30s", "10") in seconds. */
export function timespanSeconds(text: string): number {
  const units: Record<string, number> = { '': 1, s: 1, sec: 1, second: 1, seconds: 1, m: 60, min: 60, minute: 60, minutes: 60, h: 3600, hr: 3600, hour: 3600, hours: 3600, ms: 0.001, msec: 0.001 };
  let total = 0;
  const parts = text.trim().split(/\s+/);
  for (const part of parts) {
    const m = /^(\d+(?:\.\d+)?)([a-z]*)$/.exec(part);
    if (!m || units[m[2]!] === undefined) throw new Error(`not a time span: ${text}`);
    total += Number(m[1]) * units[m[2]!]!;
  }
  return total;
}

// ---- Dockerfile -----------------------------------------------------------------------------

export interface Instruction {
  keyword: string;
  /** Arguments text, continuation lines joined. */
  args: string;
  /** Parsed JSON array when the arguments are in exec form. */
  json?: string[];
  /** `--name=value` flags before the arguments (COPY --from=…, FROM --platform=…). */
  flags: Record<string, string>;
  line: number;
}

export const DOCKERFILE_INSTRUCTIONS: ReadonlySet<string> = new Set([
  'FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
]);

/**
 * Dockerfile reference syntax: parser directives (`# syntax=…`) only at the very top, `#`
 * comment lines (also inside a continued instruction), `\` line continuation, and
 * instructions in either case. Heredocs are not used in this project and are refused.
 */
export function parseDockerfile(text: string): { directives: Record<string, string>; instructions: Instruction[] } {
  const directives: Record<string, string> = {};
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/.exec(lines[i]!);
    if (!m) break;
    directives[m[1]!] = m[2]!;
  }
  for (; i < lines.length; i++) {
    const start = i + 1;
    const first = lines[i]!.trim();
    if (first === '' || first.startsWith('#')) continue;
    let text = first;
    while (text.endsWith('\\')) {
      text = text.slice(0, -1).trimEnd();
      i++;
      while (i < lines.length && (lines[i]!.trim() === '' || lines[i]!.trim().startsWith('#'))) i++;
      if (i >= lines.length) throw new Error(`line ${start}: continuation runs past the end of the file`);
      text += ` ${lines[i]!.trim()}`;
    }
    const m = /^([A-Za-z]+)(?:\s+(.*))?$/.exec(text);
    if (!m) throw new Error(`line ${start}: not an instruction: ${text}`);
    let rest = (m[2] ?? '').trim();
    if (rest.includes('<<')) throw new Error(`line ${start}: heredocs are not supported by this check`);
    const keyword = m[1]!.toUpperCase();
    const flags: Record<string, string> = {};
    // Flags come first for FROM/COPY/ADD/RUN/HEALTHCHECK options (--from=, --interval=, ...).
    for (;;) {
      const flag = /^--([a-z-]+)(?:=(\S+))?\s*/.exec(rest);
      if (!flag) break;
      flags[flag[1]!] = flag[2] ?? 'true';
      rest = rest.slice(flag[0].length);
    }
    const instruction: Instruction = { keyword, args: rest, flags, line: start };
    const exec = keyword === 'HEALTHCHECK' ? /^CMD\s+(\[.*\])$/s.exec(rest)?.[1] : rest;
    if (exec?.startsWith('[')) {
      try {
        const parsed = JSON.parse(exec) as unknown;
        if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) instruction.json = parsed as string[];
      } catch {
        // Not JSON: shell form starting with "[", Docker treats it as shell form too.
      }
    }
    instructions.push(instruction);
  }
  return { directives, instructions };
}

/** Splits a parsed Dockerfile into its stages (each starts at a FROM). */
export function dockerStages(instructions: Instruction[]): Array<{ image: string; name: string | undefined; instructions: Instruction[] }> {
  const stages: Array<{ image: string; name: string | undefined; instructions: Instruction[] }> = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!m) throw new Error(`line ${instruction.line}: FROM ${instruction.args}`);
      stages.push({ image: m[1]!, name: m[2], instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/** `name:tag` / `name:tag@sha256:…` / `name@sha256:…` → its parts (registry ports kept in the name). */
export function imageReference(ref: string): { name: string; tag: string | undefined; digest: string | undefined } {
  const [withoutDigest, digest] = ref.split('@') as [string, string | undefined];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash) return { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest };
  return { name: withoutDigest, tag: undefined, digest };
}

/**
 * The subset of .dockerignore syntax this project uses: `*` (everything), and plain paths
 * (a file or a folder, optional trailing `/`), each optionally negated with `!`. The last
 * matching line decides, and a line matching a parent folder matches what is inside it — as
 * Docker's own matcher does for these forms.
 */
export function dockerIgnore(text: string): { ignored(path: string): boolean; patterns: string[] } {
  const patterns = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  for (const p of patterns) {
    const bare = p.replace(/^!/, '').replace(/\/$/, '');
    if (bare !== '*' && !/^[\w.-]+(\/[\w.-]+)*$/.test(bare)) throw new Error(`dockerignore pattern outside the checked subset: ${p}`);
  }
  const matches = (pattern: string, path: string) => {
    const bare = pattern.replace(/\/$/, '');
    if (bare === '*') return true;
    return path === bare || path.startsWith(`${bare}/`);
  };
  return {
    patterns,
    ignored(path: string) {
      let ignored = false;
      for (const p of patterns) {
        const negated = p.startsWith('!');
        if (matches(negated ? p.slice(1) : p, path)) ignored = !negated;
      }
      return ignored;
    },
  };
}

// ---- Kubernetes -----------------------------------------------------------------------------

/**
 * A container's environment as Kubernetes builds it: every key of the envFrom Secrets, then
 * `env` in order with `$(VAR)` references expanded (`$$` escapes) and fieldRefs resolved from
 * `fields` (fake values for the downward API).
 */
export function containerEnv(container: Json, secrets: Map<string, Record<string, string>>, fields: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of (container.envFrom as Json[] | undefined) ?? []) {
    const name = dig(source, 'secretRef', 'name') as string | undefined;
    if (name === undefined) throw new Error('only envFrom.secretRef is used in these manifests');
    const data = secrets.get(name);
    if (!data) throw new Error(`envFrom names Secret ${name}, which no manifest defines`);
    Object.assign(env, data);
  }
  for (const item of (container.env as Json[] | undefined) ?? []) {
    const name = item.name as string;
    if (typeof item.value === 'string') {
      env[name] = item.value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, ref: string | undefined) => (ref === undefined ? '$' : (env[ref] ?? all)));
    } else if (dig(item, 'valueFrom', 'fieldRef', 'fieldPath') !== undefined) {
      const path = dig(item, 'valueFrom', 'fieldRef', 'fieldPath') as string;
      if (fields[path] === undefined) throw new Error(`no fake value for fieldRef ${path}`);
      env[name] = fields[path]!;
    } else if (dig(item, 'valueFrom', 'secretKeyRef') !== undefined) {
      const ref = dig(item, 'valueFrom', 'secretKeyRef') as Json;
      const value = secrets.get(ref.name as string)?.[ref.key as string];
      if (value === undefined) throw new Error(`secretKeyRef ${String(ref.name)}/${String(ref.key)} is not defined`);
      env[name] = value;
    } else {
      throw new Error(`env ${name}: neither value nor a known valueFrom`);
    }
  }
  return env;
}

// ---- misc -----------------------------------------------------------------------------------

let scratch: string | undefined;

// Registered in the root suite of every test file that imports this module (vitest evaluates
// it once per file): the scratch folder goes when the file's tests are done.
afterAll(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

/** Writes `text` to `name` in a fresh folder under this test file's scratch folder (removed after its tests). */
export function tempFile(name: string, text: string): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'dxgw-deploy-'));
  const path = join(mkdtempSync(join(scratch, 'f-')), name);
  writeFileSync(path, text);
  return path;
}

/** `--flag value` from an argument list. */
export function argValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The environment of this process without any DXGW_* variable, so only what a test sets counts. */
export function cleanEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => !e[0].startsWith('DXGW_') && e[1] !== undefined));
}

/** No value under a secret-bearing key (empty lists allowed), and no password in a URL. */
export function expectNoSecrets(value: unknown, where: string, key?: string): void {
  if (key !== undefined && SECRET_KEYS.has(key)) {
    expect(Array.isArray(value) && value.length === 0, `${where}: ${key} holds a secret`).toBe(true);
    return;
  }
  if (typeof value === 'string' && /^rediss?:\/\//.test(value)) expect(new URL(value).password, `${where}: password in ${value}`).toBe('');
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      expectNoSecrets(v, `${where}[${i}]`);
    });
  }
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) expectNoSecrets(v, `${where}.${k}`, k);
}
