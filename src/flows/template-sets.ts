/**
 * Template and options-template sets of both protocols (RFC 7011 §3.4.1–3.4.2, RFC 3954
 * §5.2–6.1) into the template cache. A record that cannot be trusted stops its set when its
 * length is unknown (the following bytes cannot be framed), and is skipped when it is known.
 */
import type { FlowErrorReason } from './reasons.js';
import { ENTERPRISE_BIT, MIN_DATA_SET_ID } from './spec.js';
import { makeTemplate, type TemplateField } from './template.js';
import type { TemplateCache } from './template-cache.js';

export interface SetContext {
  buf: Buffer;
  session: string;
  now: number;
  cache: TemplateCache;
  error: (reason: FlowErrorReason) => void;
}

function store(ctx: SetContext, id: number, options: boolean, fields: TemplateField[]): void {
  const template = makeTemplate(id, options, fields);
  if (template.minLength === 0) return ctx.error('template-zero-length');
  for (let i = 0; i < template.badLengths; i++) ctx.error('bad-field-length');
  if (!ctx.cache.set(ctx.session, template, ctx.now)) ctx.error('template-limit');
}

/** Field specifiers from `at`; undefined when they run past `end`. */
function readFields(buf: Buffer, at: number, end: number, count: number, enterprise: boolean): { fields: TemplateField[]; next: number } | undefined {
  const fields: TemplateField[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 4 > end) return undefined;
    let id = buf.readUInt16BE(at);
    const length = buf.readUInt16BE(at + 2);
    at += 4;
    let number = 0;
    if (enterprise && id & ENTERPRISE_BIT) {
      if (at + 4 > end) return undefined;
      number = buf.readUInt32BE(at);
      id &= ~ENTERPRISE_BIT;
      at += 4;
    }
    fields.push({ id, enterprise: number, length });
  }
  return { fields, next: at };
}

/** IPFIX set 2 (templates) or 3 (options templates), body from `at` to `end`. */
export function ipfixTemplateSet(ctx: SetContext, setId: number, at: number, end: number, options: boolean): void {
  const { buf } = ctx;
  // Anything shorter than a 4-byte withdrawal record is padding (RFC 7011 §3.3.1).
  while (end - at >= 4) {
    const id = buf.readUInt16BE(at);
    const count = buf.readUInt16BE(at + 2);
    if (count === 0) {
      // Withdrawal (§8.1): of one template, or with the set id, of all of its kind.
      if (id === setId) ctx.cache.withdrawAll(ctx.session, options);
      else if (id < MIN_DATA_SET_ID) return ctx.error('template-bad-id');
      else ctx.cache.withdraw(ctx.session, id);
      at += 4;
      continue;
    }
    if (id < MIN_DATA_SET_ID) return ctx.error('template-bad-id');
    const header = options ? 6 : 4;
    if (at + header > end) return ctx.error('template-truncated');
    const scopeCount = options ? buf.readUInt16BE(at + 4) : 0;
    const read = readFields(buf, at + header, end, count, true);
    if (!read) return ctx.error('template-truncated');
    at = read.next;
    // §3.4.2.2: an options template has at least one scope field, and no more than it has fields.
    if (options && (scopeCount === 0 || scopeCount > count)) ctx.error('template-malformed');
    else store(ctx, id, options, read.fields);
  }
}

/** NetFlow v9 FlowSet 0 (templates). */
export function v9TemplateSet(ctx: SetContext, at: number, end: number): void {
  const { buf } = ctx;
  while (end - at >= 4) {
    const id = buf.readUInt16BE(at);
    const count = buf.readUInt16BE(at + 2);
    if (id < MIN_DATA_SET_ID) return ctx.error('template-bad-id');
    const read = readFields(buf, at + 4, end, count, false);
    if (!read) return ctx.error('template-truncated');
    at = read.next;
    // v9 has no withdrawal: a template without fields describes nothing.
    if (count === 0) ctx.error('template-malformed');
    else store(ctx, id, false, read.fields);
  }
}

/** NetFlow v9 FlowSet 1 (options templates): id, scope length, option length (bytes), then the fields. */
export function v9OptionsTemplateSet(ctx: SetContext, at: number, end: number): void {
  const { buf } = ctx;
  while (end - at >= 6) {
    const id = buf.readUInt16BE(at);
    const scopeLength = buf.readUInt16BE(at + 2);
    const optionLength = buf.readUInt16BE(at + 4);
    if (id < MIN_DATA_SET_ID) return ctx.error('template-bad-id');
    if (scopeLength % 4 !== 0 || optionLength % 4 !== 0 || scopeLength + optionLength === 0) return ctx.error('template-malformed');
    const read = readFields(buf, at + 6, end, (scopeLength + optionLength) / 4, false);
    if (!read) return ctx.error('template-truncated');
    at = read.next;
    store(ctx, id, true, read.fields);
  }
}
