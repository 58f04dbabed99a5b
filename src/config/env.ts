/**
 * Environment overrides: `DXGW_<KEY>[__<KEY>...]` sets one key, `__` between levels.
 * A segment matches a key case-insensitively with `_` ignored (DXGW_CAPTURE__SNAP_LENGTH →
 * capture.snapLength); a number selects an item of a list the file already has
 * (DXGW_SINKS__0__SECRET). Text keys take the value verbatim (a token "0123" stays text);
 * other keys parse it as YAML (`true`, `5000`, `null`, `[192.0.2.1, 192.0.2.2]`), so a whole
 * list is replaced with a flow sequence. A variable naming no key is an error, except the
 * few DXGW_* variables that are not configuration (RESERVED_ENV).
 */
import { parse as parseYaml } from 'yaml';
import type { ConfigIssue } from './issues.js';
import { keyPath } from './issues.js';
import { configSchema } from './schema.js';
import { childOf, isArray, isText, keysOf } from './schema-walk.js';

export const ENV_PREFIX = 'DXGW_';

/** DXGW_* variables read by other parts of dxgw, not configuration keys. */
export const RESERVED_ENV: ReadonlySet<string> = new Set(['DXGW_CONFIG', 'DXGW_SKIP_SYSTEM_PACKAGES']);

export interface EnvOverride {
  variable: string;
  /** Key path it set, e.g. `sinks[0].secret`. */
  key: string;
}

export interface EnvResult {
  config: Record<string, unknown>;
  applied: EnvOverride[];
  issues: ConfigIssue[];
}

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return value !== null && typeof value === 'object';
}

/** Applies overrides to a copy of `raw` (the parsed file, or {}). */
export function applyEnvOverrides(raw: Record<string, unknown>, env: Record<string, string | undefined>): EnvResult {
  const config = structuredClone(raw);
  const applied: EnvOverride[] = [];
  const issues: ConfigIssue[] = [];
  // Sorted, so DXGW_SINKS (a whole list) lands before DXGW_SINKS__0__SECRET edits an item of it.
  const variables = Object.keys(env)
    .filter((name) => name.startsWith(ENV_PREFIX) && !RESERVED_ENV.has(name) && env[name] !== undefined)
    .sort();
  for (const variable of variables) {
    const problem = applyOne(config, variable, env[variable]!, applied);
    if (problem !== undefined) issues.push({ key: variable, message: problem });
  }
  return { config, applied, issues };
}

type Schema = Parameters<typeof childOf>[0];

/** The key path a variable names, checked against the schema alone; or what is wrong. */
function resolve(variable: string): { path: (string | number)[]; leaf: Schema } | string {
  let schema: Schema = configSchema;
  const path: (string | number)[] = [];
  for (const segment of variable.slice(ENV_PREFIX.length).split('__')) {
    let key: string | number;
    if (/^\d+$/.test(segment) && isArray(schema)) {
      key = Number(segment);
    } else {
      const wanted = segment.replace(/_/g, '').toLowerCase();
      const found = wanted === '' ? undefined : keysOf(schema).find((k) => k.toLowerCase() === wanted);
      if (found === undefined) return `names no configuration key (${path.length ? `${keyPath(path)} has no key` : 'there is no top-level key'} "${segment.toLowerCase()}")`;
      key = found;
    }
    const child = childOf(schema, key);
    if (child === undefined) return `names no configuration key (${keyPath(path)} has no key "${key}")`;
    path.push(key);
    schema = child;
  }
  return { path, leaf: schema };
}

/** Sets one variable's value in `config`; returns what is wrong, if anything. */
function applyOne(config: Record<string, unknown>, variable: string, value: string, applied: EnvOverride[]): string | undefined {
  const resolved = resolve(variable);
  if (typeof resolved === 'string') return resolved;
  const { path, leaf } = resolved;
  const parsed = parseValue(value, isText(leaf));
  if (parsed.error !== undefined) return parsed.error;
  let container: Container = config;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const bag = container as Record<string | number, unknown>;
    const nextKey = path[i + 1]!;
    if (bag[key] === undefined || bag[key] === null) {
      if (typeof nextKey === 'number') return `${keyPath(path.slice(0, i + 1))} is not in the file, so it has no item ${nextKey} to change`;
      bag[key] = {};
    }
    const next = bag[key];
    if (!isContainer(next)) return `cannot set a key inside ${keyPath(path.slice(0, i + 1))}: the file gives it a plain value`;
    if (typeof nextKey === 'number' && (!Array.isArray(next) || nextKey >= next.length)) {
      return `${keyPath(path.slice(0, i + 1))} has no item ${nextKey} in the file (overrides change list items, they do not add them)`;
    }
    container = next;
  }
  (container as Record<string | number, unknown>)[path[path.length - 1]!] = parsed.value;
  applied.push({ variable, key: keyPath(path) });
  return undefined;
}

function parseValue(value: string, text: boolean): { value?: unknown; error?: string } {
  if (text) return { value };
  try {
    return { value: parseYaml(value) as unknown };
  } catch (error) {
    return { error: `${JSON.stringify(value)} is not a YAML value: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}` };
  }
}
