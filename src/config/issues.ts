/**
 * Configuration problems are collected, not thrown one at a time: an operator fixing a file
 * wants every mistake in one run. A ConfigError carries them all, one line each.
 */
import { DxgwError } from '../errors/codes.js';

export interface ConfigIssue {
  /** Key path such as `routeMap[1].match.address[0]`, or an environment variable name; '' for the whole document. */
  key: string;
  message: string;
}

/** `['routeMap', 1, 'match']` → `routeMap[1].match`. */
export function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** `key: message`, or the bare message for the document itself. */
export function formatIssue(issue: ConfigIssue): string {
  return issue.key === '' ? issue.message : `${issue.key}: ${issue.message}`;
}

export class ConfigError extends DxgwError {
  readonly issues: readonly ConfigIssue[];
  /** The file (or other source) the configuration came from, when known. */
  readonly source: string | undefined;

  constructor(code: 'DXGW_CONFIG_INVALID' | 'DXGW_CONFIG_UNREADABLE', issues: readonly ConfigIssue[], where: { source?: string; cause?: unknown } = {}) {
    const first = issues[0];
    super(code, issues.map(formatIssue).join('\n'), { ...(first && first.key !== '' ? { key: first.key } : {}), cause: where.cause });
    this.issues = issues;
    this.source = where.source;
  }

  /** One line per issue, each `CODE: key: message` (the key is already in the line). */
  override describe(): string {
    return this.issues.map((issue) => `${this.code}: ${formatIssue(issue)}`).join('\n');
  }
}

/** Throws the collected issues, if any. */
export function throwIfIssues(issues: readonly ConfigIssue[], source?: string): void {
  if (issues.length > 0) throw new ConfigError('DXGW_CONFIG_INVALID', issues, source === undefined ? {} : { source });
}
