/**
 * Route map compilation and evaluation (JunosE semantics): entries are tried in ascending
 * sequence number; the first whose match clauses all hold decides; a permit entry applies
 * its set clauses, a deny entry refuses; no entry matching refuses. An absent or empty route
 * map permits everything and sets nothing.
 *
 * Everything that can be wrong is found at compile time (bad prefix, MAC, regex, template,
 * duplicate sequence number), so evaluate() only tests precompiled predicates.
 */
import type { ConfigIssue } from '../config/issues.js';
import { throwIfIssues } from '../config/issues.js';
import { compileMatch, type Predicate } from './match.js';
import { SubjectView } from './subject-view.js';
import { parseTemplate, type Template } from './template.js';
import type { RouteMap, RouteMapDecision, RouteMapEntryConfig, RouteMapSetConfig, RouteMapSubject } from './types.js';

interface CompiledSet {
  interfaceProfile: string | null;
  virtualRouter: string | null;
  interfaceName: Template | null;
  loginName: Template | null;
  attributes: [string, Template][];
}

interface CompiledEntry {
  seq: number;
  permit: boolean;
  match: Predicate[];
  set: CompiledSet;
}

const NO_SET: CompiledSet = { interfaceProfile: null, virtualRouter: null, interfaceName: null, loginName: null, attributes: [] };

function nonEmpty(value: string | undefined, key: string, issues: ConfigIssue[]): string | null {
  if (value === undefined) return null;
  if (value.trim() === '') issues.push({ key, message: 'must not be empty' });
  return value;
}

function compileSet(set: RouteMapSetConfig | undefined, key: string, issues: ConfigIssue[]): CompiledSet {
  if (set === undefined) return NO_SET;
  const template = (text: string | undefined, name: string) => (text === undefined ? null : (parseTemplate(text, `${key}.${name}`, issues) ?? null));
  const attributes: [string, Template][] = [];
  for (const [name, value] of Object.entries(set.attributes ?? {})) {
    const attrKey = `${key}.attributes.${name}`;
    if (name.trim() === '') issues.push({ key: attrKey, message: 'attribute names must not be empty' });
    const compiled = parseTemplate(String(value), attrKey, issues);
    if (compiled) attributes.push([name, compiled]);
  }
  return {
    interfaceProfile: nonEmpty(set.interfaceProfile, `${key}.interfaceProfile`, issues),
    virtualRouter: nonEmpty(set.virtualRouter, `${key}.virtualRouter`, issues),
    interfaceName: template(set.interfaceName, 'interfaceName'),
    loginName: template(set.loginName, 'loginName'),
    attributes,
  };
}

function compileEntries(entries: readonly RouteMapEntryConfig[], keyPath: string, issues: ConfigIssue[]): CompiledEntry[] {
  const seen = new Map<number, number>();
  const compiled: CompiledEntry[] = [];
  entries.forEach((entry, index) => {
    const key = `${keyPath}[${index}]`;
    if (!Number.isInteger(entry.seq) || entry.seq < 1 || entry.seq > 65535) {
      issues.push({ key: `${key}.seq`, message: `${JSON.stringify(entry.seq)} is not a sequence number (1-65535)` });
    } else if (seen.has(entry.seq)) {
      issues.push({ key: `${key}.seq`, message: `sequence number ${entry.seq} is already used by ${keyPath}[${seen.get(entry.seq)}]` });
    } else {
      seen.set(entry.seq, index);
    }
    if (entry.action !== 'permit' && entry.action !== 'deny') issues.push({ key: `${key}.action`, message: `${JSON.stringify(entry.action)} is neither permit nor deny` });
    if (entry.action === 'deny' && entry.set !== undefined) issues.push({ key: `${key}.set`, message: 'a deny entry sets nothing; remove its set clauses' });
    compiled.push({ seq: entry.seq, permit: entry.action === 'permit', match: compileMatch(entry.match, `${key}.match`, issues), set: compileSet(entry.set, `${key}.set`, issues) });
  });
  return compiled.sort((a, b) => a.seq - b.seq);
}

function decision(permit: boolean, entry: number | null): RouteMapDecision {
  return { permit, entry, interfaceProfile: null, virtualRouter: null, interfaceName: null, loginName: null, attributes: {} };
}

function apply(entry: CompiledEntry, subject: RouteMapSubject): RouteMapDecision {
  const out = decision(true, entry.seq);
  const set = entry.set;
  out.interfaceProfile = set.interfaceProfile;
  out.virtualRouter = set.virtualRouter;
  out.interfaceName = set.interfaceName ? set.interfaceName.render(subject) : null;
  out.loginName = set.loginName ? set.loginName.render(subject) : null;
  for (const [name, template] of set.attributes) out.attributes[name] = template.render(subject);
  return out;
}

function build(entries: CompiledEntry[]): RouteMap {
  if (entries.length === 0) return { configured: false, evaluate: () => decision(true, null) };
  return {
    configured: true,
    evaluate(subject) {
      const view = new SubjectView(subject);
      for (const entry of entries) {
        if (!entry.match.every((predicate) => predicate(view))) continue;
        return entry.permit ? apply(entry, subject) : decision(false, entry.seq);
      }
      return decision(false, null);
    },
  };
}

/** Problems with `entries`, each naming its key path under `keyPath`; empty when it compiles. */
export function checkRouteMap(entries: readonly RouteMapEntryConfig[] | undefined, keyPath = 'routeMap'): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  compileEntries(entries ?? [], keyPath, issues);
  return issues;
}

/** Compiles a route map, or throws DXGW_CONFIG_INVALID (a ConfigError listing every problem). */
export function compileRouteMap(entries: readonly RouteMapEntryConfig[] | undefined, keyPath = 'routeMap'): RouteMap {
  const issues: ConfigIssue[] = [];
  const compiled = compileEntries(entries ?? [], keyPath, issues);
  throwIfIssues(issues);
  return build(compiled);
}
