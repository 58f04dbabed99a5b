/**
 * Configuration (docs/config.md): one YAML file plus DXGW_* environment overrides, validated
 * at start against one zod schema that carries every default.
 *
 *   const config = loadConfig(path);              // DxgwConfig: plain, printable data
 *   const { routeMap, interfaceName } = compileConfig(config);  // compiled once, hot path
 *   log.info({ config: redactConfig(config) });
 *
 * Errors are ConfigError (a DxgwError): DXGW_CONFIG_UNREADABLE for a missing file or bad
 * YAML, DXGW_CONFIG_INVALID for values; `.issues` lists every `{ key, message }`.
 */
export { loadConfig, parseConfig } from './load.js';
export { readConfigFile, parseYamlText } from './read.js';
export { compileConfig, type CompiledConfig } from './compile.js';
export { redactConfig, REDACTED, SECRET_KEYS } from './redact.js';
export { applyEnvOverrides, ENV_PREFIX, RESERVED_ENV, type EnvOverride } from './env.js';
export { ConfigError, type ConfigIssue } from './issues.js';
export { isLoopback, parseListen, type ListenAddress } from './listen.js';
export { configSchema, type DxgwConfig, type DxgwConfigInput } from './schema.js';
export type { HttpSinkConfig, RadiusSinkConfig, SinkConfig, SnmpSinkConfig } from './schema-sinks.js';
