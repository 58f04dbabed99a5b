/**
 * Match clauses → predicates. All clauses of an entry must hold; within one clause a list
 * means "any of" (except `option`, whose list items must all hold: each names an option).
 */
import type { ConfigIssue } from '../config/issues.js';
import { macMatches, parseMacPattern } from './mac.js';
import { parsePrefix, prefixContains } from './prefix.js';
import { compileRegex } from './regex.js';
import type { SubjectView } from './subject-view.js';
import type { OneOrMany, OptionMatchConfig, RouteMapMatchConfig } from './types.js';

export type Predicate = (view: SubjectView) => boolean;

/** Each alternative with the key path that names it (`x` for a scalar, `x[i]` for a list item). */
function alternatives<T>(value: OneOrMany<T>, key: string): { item: T; key: string }[] {
  return Array.isArray(value) ? value.map((item, i) => ({ item, key: `${key}[${i}]` })) : [{ item: value, key }];
}

function compileList<T, C>(value: OneOrMany<T>, key: string, issues: ConfigIssue[], parse: (item: T) => C | string): C[] {
  const out: C[] = [];
  const items = alternatives(value, key);
  if (items.length === 0) issues.push({ key, message: 'an empty list can never match; remove the clause instead' });
  for (const { item, key: itemKey } of items) {
    const parsed = parse(item);
    if (typeof parsed === 'string') issues.push({ key: itemKey, message: parsed });
    else out.push(parsed);
  }
  return out;
}

function regexClause(value: OneOrMany<string>, key: string, issues: ConfigIssue[], flags: string, get: (view: SubjectView) => string | null): Predicate {
  const regexes = compileList(value, key, issues, (pattern) => compileRegex(pattern, flags));
  return (view) => {
    const text = get(view);
    if (text === null) return false;
    for (const regex of regexes) if (regex.test(text)) return true;
    return false;
  };
}

function prefixClause(value: OneOrMany<string>, key: string, issues: ConfigIssue[], get: (view: SubjectView) => number | null): Predicate {
  const prefixes = compileList(value, key, issues, parsePrefix);
  return (view) => {
    const ip = get(view);
    if (ip === null) return false;
    for (const prefix of prefixes) if (prefixContains(prefix, ip)) return true;
    return false;
  };
}

function optionClause(config: OptionMatchConfig, key: string, issues: ConfigIssue[]): Predicate | undefined {
  const before = issues.length;
  const { code, present } = config;
  if (!Number.isInteger(code) || code < 1 || code > 254) issues.push({ key: `${key}.code`, message: `${JSON.stringify(code)} is not a DHCP option code (1-254)` });
  const hasValueTest = config.regex !== undefined || config.hex !== undefined;
  if (present === false && hasValueTest) issues.push({ key: `${key}.present`, message: 'present: false cannot be combined with regex or hex' });
  let regex: RegExp | undefined;
  if (config.regex !== undefined) {
    const compiled = compileRegex(config.regex, 'i');
    if (typeof compiled === 'string') issues.push({ key: `${key}.regex`, message: compiled });
    else regex = compiled;
  }
  let hex: string | undefined;
  if (config.hex !== undefined) {
    hex = config.hex.replace(/[-.: ]/g, '').toLowerCase();
    if (!/^([0-9a-f]{2})*$/.test(hex)) issues.push({ key: `${key}.hex`, message: `${JSON.stringify(config.hex)} is not a hex byte string` });
  }
  if (issues.length > before) return undefined;
  const codeKey = String(code);
  if (present === false) return (view) => view.option(codeKey) === null;
  return (view) => {
    const value = view.option(codeKey);
    if (value === null) return false;
    if (hex !== undefined && value.toLowerCase() !== hex) return false;
    return regex === undefined || regex.test(value);
  };
}

/** Compiles every clause of `match`; the result holds when they all do. */
export function compileMatch(match: RouteMapMatchConfig | undefined, key: string, issues: ConfigIssue[]): Predicate[] {
  if (match === undefined) return [];
  const out: Predicate[] = [];
  const k = (name: string) => `${key}.${name}`;
  if (match.address !== undefined) out.push(prefixClause(match.address, k('address'), issues, (v) => v.ip));
  if (match.giaddr !== undefined) out.push(prefixClause(match.giaddr, k('giaddr'), issues, (v) => v.giaddr));
  if (match.mac !== undefined) {
    const patterns = compileList(match.mac, k('mac'), issues, parseMacPattern);
    out.push((view) => {
      const mac = view.mac;
      return mac !== null && patterns.some((pattern) => macMatches(pattern, mac));
    });
  }
  // Text regexes are case-sensitive as written; hex regexes ignore case (hex has no meaningful case).
  if (match.circuitId !== undefined) out.push(regexClause(match.circuitId, k('circuitId'), issues, '', (v) => v.circuitId));
  if (match.circuitIdHex !== undefined) out.push(regexClause(match.circuitIdHex, k('circuitIdHex'), issues, 'i', (v) => str(v.subject.circuitId)));
  if (match.remoteId !== undefined) out.push(regexClause(match.remoteId, k('remoteId'), issues, '', (v) => v.remoteId));
  if (match.remoteIdHex !== undefined) out.push(regexClause(match.remoteIdHex, k('remoteIdHex'), issues, 'i', (v) => str(v.subject.remoteId)));
  if (match.vendorClass !== undefined) out.push(regexClause(match.vendorClass, k('vendorClass'), issues, '', (v) => str(v.subject.vendorClass)));
  if (match.clientId !== undefined) out.push(regexClause(match.clientId, k('clientId'), issues, 'i', (v) => str(v.subject.clientId)));
  if (match.option !== undefined) {
    if (Array.isArray(match.option) && match.option.length === 0) issues.push({ key: k('option'), message: 'an empty list; remove the clause instead' });
    for (const { item, key: itemKey } of alternatives(match.option, k('option'))) {
      const predicate = optionClause(item, itemKey, issues);
      if (predicate) out.push(predicate);
    }
  }
  return out;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
