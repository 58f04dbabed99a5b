/**
 * Name templates: literal text with `{placeholder}`s, compiled once (unknown placeholders are
 * a config error at load) and rendered per subscriber. `{{` and `}}` stand for literal braces.
 * Shared by the route map's set clauses and the default interface-name template.
 */
import type { ConfigIssue } from '../config/issues.js';
import { throwIfIssues } from '../config/issues.js';
import { displayText } from './hex.js';

export const TEMPLATE_PLACEHOLDERS = ['ip', 'ipDashed', 'mac', 'macPlain', 'vr', 'giaddr', 'vlan', 'vlans', 'circuitId', 'remoteId', 'clientId'] as const;
export type Placeholder = (typeof TEMPLATE_PLACEHOLDERS)[number];

/** What a template can show; a Binding and a RouteMapSubject both fit. */
export interface TemplateSubject {
  vr: string;
  ip: string;
  giaddr: string;
  mac: string;
  clientId: string | null;
  circuitId: string | null;
  remoteId: string | null;
  vlans: readonly number[];
}

export interface Template {
  readonly source: string;
  readonly placeholders: readonly Placeholder[];
  render(subject: TemplateSubject): string;
}

const VALUES: Record<Placeholder, (s: TemplateSubject) => string> = {
  ip: (s) => s.ip,
  ipDashed: (s) => s.ip.replaceAll('.', '-'),
  mac: (s) => s.mac,
  macPlain: (s) => s.mac.replace(/[-.:]/g, ''),
  vr: (s) => s.vr,
  giaddr: (s) => s.giaddr,
  vlan: (s) => (s.vlans.length > 0 ? String(s.vlans[s.vlans.length - 1]) : ''),
  vlans: (s) => s.vlans.join('.'),
  circuitId: (s) => displayText(s.circuitId),
  remoteId: (s) => displayText(s.remoteId),
  clientId: (s) => s.clientId ?? '',
};

const KNOWN = new Set<string>(TEMPLATE_PLACEHOLDERS);

/** Compiles `text`, adding problems to `issues` under `key`; undefined when it is bad. */
export function parseTemplate(text: string, key: string, issues: ConfigIssue[]): Template | undefined {
  // Literal text as strings, placeholders as their value getters.
  const parts: (string | ((s: TemplateSubject) => string))[] = [];
  const placeholders: Placeholder[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if ((c === '{' || c === '}') && text[i + 1] === c) {
      literal += c;
      i += 2;
    } else if (c === '}') {
      issues.push({ key, message: `template ${JSON.stringify(text)} has an unmatched "}" (write "}}" for a literal brace)` });
      return undefined;
    } else if (c === '{') {
      const end = text.indexOf('}', i);
      const name = end === -1 ? '' : text.slice(i + 1, end);
      if (end === -1 || !KNOWN.has(name)) {
        const what = end === -1 ? 'an unclosed "{"' : `unknown placeholder {${name}}`;
        issues.push({ key, message: `template ${JSON.stringify(text)} has ${what}; placeholders are ${TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}` });
        return undefined;
      }
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push(VALUES[name as Placeholder]);
      placeholders.push(name as Placeholder);
      i = end + 1;
    } else {
      literal += c;
      i += 1;
    }
  }
  if (literal !== '') parts.push(literal);
  return {
    source: text,
    placeholders,
    render(subject) {
      let out = '';
      for (const part of parts) out += typeof part === 'string' ? part : part(subject);
      return out;
    },
  };
}

/** Compiles `text` or throws DXGW_CONFIG_INVALID naming `key`. */
export function compileTemplate(text: string, key: string): Template {
  const issues: ConfigIssue[] = [];
  const template = parseTemplate(text, key, issues);
  throwIfIssues(issues);
  return template!;
}

// Template strings handed to renderTemplate directly are compiled once and kept.
const cache = new Map<string, Template>();

/** Renders a compiled template, or a template string (compiled on first use; throws if bad). */
export function renderTemplate(template: Template | string, subject: TemplateSubject): string {
  if (typeof template !== 'string') return template.render(subject);
  let compiled = cache.get(template);
  if (!compiled) {
    compiled = compileTemplate(template, 'template');
    if (cache.size >= 256) cache.clear();
    cache.set(template, compiled);
  }
  return compiled.render(subject);
}
