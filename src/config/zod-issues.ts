/** zod issues → ConfigIssues: one line per problem, in the words an operator needs. */
import type { z } from 'zod';
import type { ConfigIssue } from './issues.js';
import { keyPath } from './issues.js';
import { keysOf, schemaAt } from './schema-walk.js';
import { closest } from './suggest.js';

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

// zod's own wording starts like this; anything else is a message written in our schema.
const GENERIC = /^(Too small|Too big|Invalid)/;

function message(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  if (!GENERIC.test(issue.message) && issue.code !== 'invalid_type') return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined ? 'is required' : `expected ${issue.expected}, got ${describeValue(input)}`;
    case 'invalid_value':
      return `${JSON.stringify(input)} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union': {
      // Unions of literals (e.g. version "2c" | "3" | 3): list what each branch accepts.
      const values = issue.errors.flat().flatMap((e) => (e.code === 'invalid_value' ? e.values : []));
      if (values.length > 0) return `${JSON.stringify(input)} is not one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
      return `${describeValue(input)} is none of the accepted forms`;
    }
    case 'too_small':
      if (issue.origin === 'array') return `needs at least ${issue.minimum} item(s)`;
      if (issue.origin === 'string') return `must be at least ${issue.minimum} character(s)`;
      return `${JSON.stringify(input)} is below the minimum ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `takes at most ${issue.maximum} item(s)`;
      if (issue.origin === 'string') return `must be at most ${issue.maximum} character(s)`;
      return `${JSON.stringify(input)} is above the maximum ${issue.maximum}`;
    case 'not_multiple_of':
      return `${JSON.stringify(input)} is not a multiple of ${issue.divisor}`;
    default:
      return issue.message;
  }
}

export function fromZodIssues(schema: z.core.$ZodType, issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const union = issue as { discriminator?: string; options?: unknown[]; input?: unknown };
    if (issue.code === 'invalid_union' && union.discriminator !== undefined) {
      // Reported with the whole object as input; the fault is its discriminator key.
      const discriminator = union.discriminator;
      const at = path.at(-1) === discriminator ? path : [...path, discriminator];
      const input = union.input;
      const value = input !== null && typeof input === 'object' ? (input as Record<string, unknown>)[discriminator] : undefined;
      const options = (union.options ?? []).map((v) => JSON.stringify(v)).join(', ');
      out.push({ key: keyPath(at), message: value === undefined ? `is required (one of ${options})` : `${JSON.stringify(value)} is not one of ${options}` });
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      const here = schemaAt(schema, path);
      const known = here ? keysOf(here) : [];
      for (const key of issue.keys) {
        const hint = closest(key, known);
        out.push({ key: keyPath([...path, key]), message: `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}` });
      }
      continue;
    }
    const custom = issue.code === 'custom' ? (issue.params as { key?: string } | undefined)?.key : undefined;
    out.push({ key: custom ?? keyPath(path), message: message(issue) });
  }
  return out;
}
