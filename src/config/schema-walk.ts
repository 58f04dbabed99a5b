/**
 * Navigating the zod schema by key path, for environment overrides (does this key exist?
 * is it text?) and for "did you mean" hints on unknown keys. Uses zod 4's `_zod.def`, the
 * introspection surface zod documents for library authors.
 */
import type { z } from 'zod';

type Schema = z.core.$ZodType;

interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  options?: Schema[];
  valueType?: Schema;
}

function def(schema: Schema): Def {
  return schema._zod.def as unknown as Def;
}

/** Strips optional/nullable/default/prefault/transform wrappers. */
export function unwrap(schema: Schema): Schema {
  let s = schema;
  for (;;) {
    const d = def(s);
    if (d.innerType) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else return s;
  }
}

/** The alternatives of a union (or the schema itself), unwrapped. */
function variants(schema: Schema): Schema[] {
  const s = unwrap(schema);
  const d = def(s);
  return d.type === 'union' && d.options ? d.options.flatMap(variants) : [s];
}

/** Keys an object (or any variant of a union of objects) accepts at `schema`. */
export function keysOf(schema: Schema): string[] {
  const keys = new Set<string>();
  for (const v of variants(schema)) for (const k of Object.keys(def(v).shape ?? {})) keys.add(k);
  return [...keys];
}

/** The child schema for `key` (a property name or an array index), or undefined if there is none. */
export function childOf(schema: Schema, key: string | number): Schema | undefined {
  for (const v of variants(schema)) {
    const d = def(v);
    if (typeof key === 'number' && d.type === 'array' && d.element) return d.element;
    if (typeof key === 'string' && d.shape && Object.hasOwn(d.shape, key)) return d.shape[key];
    if (typeof key === 'string' && d.type === 'record' && d.valueType) return d.valueType;
  }
  return undefined;
}

export function schemaAt(schema: Schema, path: readonly (string | number)[]): Schema | undefined {
  let s: Schema | undefined = schema;
  for (const key of path) {
    if (s === undefined) return undefined;
    s = childOf(s, key);
  }
  return s;
}

/** Is every variant at `schema` plain text (so an env value is taken verbatim, not as YAML)? */
export function isText(schema: Schema): boolean {
  return variants(schema).every((v) => def(v).type === 'string');
}

export function isArray(schema: Schema): boolean {
  return variants(schema).some((v) => def(v).type === 'array');
}
