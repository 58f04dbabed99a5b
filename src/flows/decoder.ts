/**
 * NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) messages → flow records. One decoder per
 * collector: it owns the template cache and counts every problem by a stable reason
 * (reasons.ts). Never throws on wire input.
 */
import type { FlowRecord } from './flow-record.js';
import { readRecord, readSystemInit, recordLength, type TimeBase } from './record-reader.js';
import { FLOW_ERROR_REASONS, zeroCounts, type FlowErrorReason } from './reasons.js';
import {
  IPFIX,
  IPFIX_HEADER_LENGTH,
  IPFIX_OPTIONS_TEMPLATE_SET,
  IPFIX_TEMPLATE_SET,
  MIN_DATA_SET_ID,
  NETFLOW_V9,
  SET_HEADER_LENGTH,
  V9_HEADER_LENGTH,
  V9_OPTIONS_TEMPLATE_SET,
  V9_TEMPLATE_SET,
} from './spec.js';
import { TemplateCache } from './template-cache.js';
import { ipfixTemplateSet, v9OptionsTemplateSet, v9TemplateSet, type SetContext } from './template-sets.js';

export interface FlowDecoderOptions {
  /** A template not refreshed this long is forgotten (RFC 7011 §8.4). */
  templateTimeoutMs: number;
  /** Templates held at most, over all exporters. */
  templateLimit: number;
}

export interface FlowDecoderStats {
  datagrams: number;
  /** Data records read (options records excluded). */
  records: number;
  optionsRecords: number;
  templates: number;
  templatesExpired: number;
  templatesWithdrawn: number;
  errors: Record<FlowErrorReason, number>;
}

interface Message {
  version: number;
  session: string;
  time: () => TimeBase;
}

export class FlowDecoder {
  readonly cache: TemplateCache;
  readonly errors = zeroCounts(FLOW_ERROR_REASONS);
  private datagrams = 0;
  private records = 0;
  private optionsRecords = 0;

  constructor(options: FlowDecoderOptions) {
    this.cache = new TemplateCache(options.templateTimeoutMs, options.templateLimit);
  }

  error(reason: FlowErrorReason): void {
    this.errors[reason]++;
  }

  stats(): FlowDecoderStats {
    return {
      datagrams: this.datagrams,
      records: this.records,
      optionsRecords: this.optionsRecords,
      templates: this.cache.size,
      templatesExpired: this.cache.expired,
      templatesWithdrawn: this.cache.withdrawn,
      errors: { ...this.errors },
    };
  }

  /** One UDP datagram from `address`:`port`, received at `now` (ms). */
  decode(buf: Buffer, address: string, port: number, now: number): FlowRecord[] {
    this.datagrams++;
    if (buf.length < 2) return this.fail('datagram-too-short');
    const version = buf.readUInt16BE(0);
    if (version === NETFLOW_V9) {
      if (buf.length < V9_HEADER_LENGTH) return this.fail('datagram-too-short');
      const exportMs = buf.readUInt32BE(8) * 1000;
      const uptimeMs = buf.readUInt32BE(4);
      // RFC 3954 §5.1: templates belong to the exporter's address and source id.
      const message: Message = { version, session: `9|${address}|${buf.readUInt32BE(16)}`, time: () => ({ exportMs, uptimeMs }) };
      return this.sets(buf, V9_HEADER_LENGTH, buf.length, message, now);
    }
    if (version === IPFIX) {
      if (buf.length < IPFIX_HEADER_LENGTH) return this.fail('datagram-too-short');
      if (buf.readUInt16BE(2) !== buf.length) return this.fail('bad-message-length');
      const exportMs = buf.readUInt32BE(4) * 1000;
      // RFC 7011 §8: over UDP, a Transport Session is the exporter's address and port; then the observation domain.
      const session = `10|${address}|${port}|${buf.readUInt32BE(12)}`;
      const time = (): TimeBase => {
        const init = this.cache.systemInit(session);
        return { exportMs, uptimeMs: init === undefined ? undefined : exportMs - init };
      };
      return this.sets(buf, IPFIX_HEADER_LENGTH, buf.length, { version, session, time }, now);
    }
    return this.fail('unsupported-version');
  }

  private fail(reason: FlowErrorReason): FlowRecord[] {
    this.error(reason);
    return [];
  }

  private sets(buf: Buffer, at: number, end: number, message: Message, now: number): FlowRecord[] {
    const out: FlowRecord[] = [];
    const ctx: SetContext = { buf, session: message.session, now, cache: this.cache, error: (r) => this.error(r) };
    const v9 = message.version === NETFLOW_V9;
    while (at < end) {
      if (end - at < SET_HEADER_LENGTH) {
        this.fail('set-too-short');
        return out;
      }
      const id = buf.readUInt16BE(at);
      const length = buf.readUInt16BE(at + 2);
      if (length < SET_HEADER_LENGTH) {
        this.fail('set-too-short');
        return out;
      }
      if (at + length > end) {
        this.fail('set-overrun');
        return out;
      }
      const body = at + SET_HEADER_LENGTH;
      const setEnd = at + length;
      at = setEnd;
      if (id >= MIN_DATA_SET_ID) this.dataSet(ctx, id, body, setEnd, message, out);
      else if (v9 && id === V9_TEMPLATE_SET) v9TemplateSet(ctx, body, setEnd);
      else if (v9 && id === V9_OPTIONS_TEMPLATE_SET) v9OptionsTemplateSet(ctx, body, setEnd);
      else if (!v9 && (id === IPFIX_TEMPLATE_SET || id === IPFIX_OPTIONS_TEMPLATE_SET)) ipfixTemplateSet(ctx, id, body, setEnd, id === IPFIX_OPTIONS_TEMPLATE_SET);
      else this.error('reserved-set-id');
    }
    return out;
  }

  private dataSet(ctx: SetContext, id: number, at: number, end: number, message: Message, out: FlowRecord[]): void {
    const template = this.cache.get(message.session, id, ctx.now);
    // Not held for a later template: see docs/adr/0007-flow-activation.md.
    if (!template) return this.error('unknown-template');
    const time = template.options ? undefined : message.time();
    // Whatever is left that is shorter than a record is padding (RFC 7011 §3.3.1, RFC 3954 §5.3).
    while (end - at >= template.minLength) {
      const length = recordLength(ctx.buf, at, end, template);
      if (length < 0) return this.error('record-truncated');
      if (time) {
        out.push(readRecord(ctx.buf, at, template, time));
        this.records++;
      } else {
        const init = message.version === IPFIX ? readSystemInit(ctx.buf, at, template) : undefined;
        if (init !== undefined) this.cache.setSystemInit(message.session, init);
        this.optionsRecords++;
      }
      at += length;
    }
  }
}
