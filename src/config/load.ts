/**
 * Loading: file (or nothing) → environment overrides → schema (defaults, checks) → DxgwConfig.
 * Every problem found is reported at once in a ConfigError (DXGW_CONFIG_INVALID), one
 * `key: message` per line; a problem in a value set from the environment names the variable.
 */
import { applyEnvOverrides, type EnvOverride } from './env.js';
import { ConfigError, type ConfigIssue } from './issues.js';
import { readConfigFile } from './read.js';
import { configSchema, type DxgwConfig } from './schema.js';
import { fromZodIssues } from './zod-issues.js';

function validate(input: unknown): { config: DxgwConfig; issues?: undefined } | { config?: undefined; issues: ConfigIssue[] } {
  const result = configSchema.safeParse(input, { reportInput: true });
  return result.success ? { config: result.data } : { issues: fromZodIssues(configSchema, result.error.issues) };
}

/** Validates already-parsed data (e.g. from a test or another loader); `source` names it in errors. */
export function parseConfig(input: unknown, source = 'config'): DxgwConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError('DXGW_CONFIG_INVALID', [{ key: '', message: `${source}: the configuration must be a mapping of keys` }], { source });
  }
  const { config, issues } = validate(input);
  if (issues) throw new ConfigError('DXGW_CONFIG_INVALID', issues, { source });
  return config;
}

/** Points an issue inside an overridden key at the variable that set it. */
function blame(issue: ConfigIssue, applied: readonly EnvOverride[]): ConfigIssue {
  const override = applied.find(({ key }) => issue.key === key || issue.key.startsWith(`${key}.`) || issue.key.startsWith(`${key}[`));
  return override ? { key: issue.key, message: `${issue.message} (set by ${override.variable})` } : issue;
}

/** Reads `path` (or starts from defaults when undefined), applies DXGW_* overrides from `env`, validates. */
export function loadConfig(path: string | undefined, env: Record<string, string | undefined> = process.env): DxgwConfig {
  const source = path ?? 'defaults';
  const raw = path === undefined ? {} : readConfigFile(path);
  const { config: merged, applied, issues: envIssues } = applyEnvOverrides(raw, env);
  const { config, issues } = validate(merged);
  const all = [...envIssues, ...(issues ?? []).map((issue) => blame(issue, applied))];
  if (all.length > 0 || !config) throw new ConfigError('DXGW_CONFIG_INVALID', all, { source });
  return config;
}
