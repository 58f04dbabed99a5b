/**
 * The lease store's Lua scripts (src/leases/lua/<verb>-<numKeys>.lua, BullMQ style): read
 * from disk once, `--- @include "name"` lines replaced by src/leases/lua/includes/name.lua,
 * and registered on a client with `defineCommand` (EVALSHA, with ioredis' automatic EVAL
 * fallback on NOSCRIPT, inside pipelines too).
 *
 * `tsc` does not copy .lua files to dist/: the folder is looked up next to this module
 * (src/leases/lua when run from source) and then in the project's src/ (from dist/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

export interface ScriptDef {
  /** ioredis command name defined on the client. */
  readonly command: string;
  readonly file: string;
  /** Undefined: the number of keys varies, the caller passes numkeys first. */
  readonly numberOfKeys?: number;
}

export const SCRIPTS = {
  commit: { command: 'dxgwLeaseCommit', file: 'commit-transitions.lua' },
  claim: { command: 'dxgwLeaseClaimExpired', file: 'claim-expired-1.lua', numberOfKeys: 1 },
  trim: { command: 'dxgwOutboxTrim', file: 'trim-outbox-4.lua', numberOfKeys: 4 },
} as const satisfies Record<string, ScriptDef>;

const CANDIDATE_DIRS = ['../lua/', '../../../src/leases/lua/'];

let luaDir: string | undefined;

export function findLuaDir(): string {
  if (luaDir) return luaDir;
  const tried: string[] = [];
  for (const rel of CANDIDATE_DIRS) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    tried.push(dir);
    if (existsSync(`${dir}${SCRIPTS.commit.file}`)) return (luaDir = dir);
  }
  throw new Error(`lease store Lua scripts not found; looked in ${tried.join(', ')}`);
}

const sources = new Map<string, string>();

/** A script's text with its includes expanded (each include once). */
export function loadScript(file: string): string {
  const cached = sources.get(file);
  if (cached !== undefined) return cached;
  const dir = findLuaDir();
  const included = new Set<string>();
  const expand = (text: string): string =>
    text.replace(/^--- @include "([\w-]+)"$/gm, (_, name: string) => {
      if (included.has(name)) return '';
      included.add(name);
      return expand(readFileSync(`${dir}includes/${name}.lua`, 'utf8'));
    });
  const text = expand(readFileSync(`${dir}${file}`, 'utf8'));
  sources.set(file, text);
  return text;
}

/** Defines every lease script as a command on the client (idempotent). */
export function defineLeaseScripts(redis: Redis): void {
  for (const def of Object.values(SCRIPTS) as ScriptDef[]) {
    const lua = loadScript(def.file);
    redis.defineCommand(def.command, def.numberOfKeys === undefined ? { lua } : { numberOfKeys: def.numberOfKeys, lua });
  }
}

/** The script commands as they appear on a client or pipeline after `defineLeaseScripts`. */
export type ScriptArg = string | number | Buffer;
export interface LeaseScriptCommands<R> {
  /** numkeys, then the keys, then the arguments. */
  dxgwLeaseCommit(...args: ScriptArg[]): R;
  dxgwLeaseClaimExpired(...args: ScriptArg[]): R;
  dxgwOutboxTrim(...args: ScriptArg[]): R;
}
