/** Reading the YAML file: unreadable files and YAML syntax errors are DXGW_CONFIG_UNREADABLE. */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue } from './issues.js';

function unreadable(issues: ConfigIssue[], source: string, cause?: unknown): ConfigError {
  return new ConfigError('DXGW_CONFIG_UNREADABLE', issues, { source, cause });
}

/** Parses YAML text into plain data; every syntax error is named by `source:line:column`. */
export function parseYamlText(text: string, source: string): Record<string, unknown> {
  // uniqueKeys: a key given twice is almost always a mistake; maxAliasCount guards alias bombs.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error) => {
      const at = error.linePos?.[0];
      const what = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      return { key: '', message: `${source}${at ? `:${at.line}:${at.col}` : ''}: ${what}` };
    });
    throw unreadable(issues, source, doc.errors[0]);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw unreadable([{ key: '', message: `${source}: ${error instanceof Error ? error.message : String(error)}` }], source, error);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError('DXGW_CONFIG_INVALID', [{ key: '', message: `${source}: the document must be a mapping of keys (site:, redis:, ...), not ${Array.isArray(value) ? 'a list' : 'a plain value'}` }], { source });
  }
  return value as Record<string, unknown>;
}

export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String((error as Error).message);
    throw unreadable([{ key: '', message: `cannot read config file ${path}: ${reason}` }], path, error);
  }
  return parseYamlText(text, path);
}
