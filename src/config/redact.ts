/**
 * Secrets out of logs and `config check --print`: values under secret-bearing keys become
 * "***", and a password inside a URL (redis://:pw@host) is masked. Matching is by key name
 * anywhere in the tree, so a new sink type with a `secret` is covered without change here.
 */

export const REDACTED = '***';

/** Keys whose values are credentials. `community`/`communities` are SNMP passwords in all but name. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['secret', 'token', 'authKey', 'privKey', 'community', 'communities']);

function maskUrl(value: string): string {
  if (!URL.canParse(value)) return value;
  const url = new URL(value);
  if (url.password === '') return value;
  url.password = REDACTED;
  return url.toString();
}

function redact(value: unknown, key: string | undefined): unknown {
  if (key !== undefined && SECRET_KEYS.has(key) && value !== undefined && value !== null) {
    return Array.isArray(value) ? value.map(() => REDACTED) : REDACTED;
  }
  if (typeof value === 'string' && key === 'url') return maskUrl(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, undefined));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redact(v, k);
    return out;
  }
  return value;
}

/** A deep copy of `config` with every secret replaced by "***". */
export function redactConfig<T>(config: T): T {
  return redact(config, undefined) as T;
}
