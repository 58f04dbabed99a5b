/**
 * Northbound sinks: one BullMQ queue each, named by `name` (so names are unique and safe in
 * queue names and job ids). `events` filters which subscriber events a sink receives.
 */
import { z } from 'zod';
import { EVENT_TYPES } from '../events/event.js';
import { enumValue } from '../radius/dictionary.js';
import { host, ipv4, name, port, secret } from './primitives.js';

const common = {
  name,
  events: z.array(z.enum(EVENT_TYPES)).min(1, { error: 'list at least one event type, or leave the key out for all' }).default([...EVENT_TYPES]),
  /** Deliveries in flight at once for this sink (per delivery process); 16 when left out. */
  concurrency: z.number().int().min(1).max(256).optional(),
};

/** Opt-in batch mode (HTTP): one POST carries up to maxEvents events as a JSON array. */
const batch = z.strictObject({
  maxEvents: z.number().int().min(1).max(5000).default(100),
  /** How long the bridge may hold new events back to fill a batch (docs/notifications.md). */
  maxDelayMs: z.number().int().min(0).max(10_000).default(20),
});

const httpUrl = z.url({ protocol: /^https?$/, error: (iss) => `${JSON.stringify(iss.input)} is not an http(s) URL` });

export const httpSink = z.strictObject({
  ...common,
  type: z.literal('http'),
  url: httpUrl,
  /** HMAC-SHA256 key for the signature header. */
  secret,
  timeoutMs: z.number().int().min(100).max(600_000).default(5000),
  batch: batch.optional(),
  /** PEM bundle to trust instead of the system CAs (private PKI). */
  caFile: z.string().min(1).optional(),
});

export const radiusSink = z.strictObject({
  ...common,
  type: z.literal('radius'),
  servers: z
    .array(z.strictObject({ host, port: port.default(1813), secret }))
    .min(1, { error: 'list at least one accounting server' }),
  nasIdentifier: z.string().min(1).max(253),
  nasIp: ipv4,
  /** Interim-Update on every renewal. */
  interim: z.boolean().default(true),
  /** Wait for each Accounting-Response, and retransmissions per server before failing over. */
  timeoutMs: z.number().int().min(100).max(60_000).default(3000),
  retries: z.number().int().min(0).max(10).default(2),
  /**
   * Accounting-On when the store holds none of this NAS's sessions (a new or lost store),
   * Accounting-Off at a graceful stop only when it holds none either (docs/radius.md).
   */
  accountingOnOff: z.boolean().default(true),
  /** NAS-Port-Type: a VALUE name of the FreeRADIUS dictionary (Ethernet, xDSL, …) or its number. */
  nasPortType: z
    .union([
      z.string().refine((name) => enumValue('NAS-Port-Type', name) !== undefined, { error: (iss) => `${JSON.stringify(iss.input)} is not a NAS-Port-Type name (e.g. Ethernet, xDSL, Cable, Virtual) nor a number` }),
      z.number().int().min(0).max(0xffffffff),
    ])
    .default('Ethernet'),
});

const snmpTarget = z
  .strictObject({
    host,
    port: port.default(162),
    // `version: 3` unquoted is a YAML number; take it as "3".
    version: z.union([z.enum(['2c', '3']), z.literal(3).transform(() => '3' as const)]).default('2c'),
    /** v2c only. */
    community: z.string().min(1).optional(),
    /** v3 only: a name from snmp.users. */
    user: z.string().min(1).optional(),
    inform: z.boolean().default(false),
  })
  .superRefine((t, ctx) => {
    if (t.version === '2c' && t.community === undefined) ctx.addIssue({ code: 'custom', path: ['community'], message: 'is required for version 2c' });
    if (t.version === '2c' && t.user !== undefined) ctx.addIssue({ code: 'custom', path: ['user'], message: 'is for version 3 only' });
    if (t.version === '3' && t.user === undefined) ctx.addIssue({ code: 'custom', path: ['user'], message: 'is required for version 3 (a name from snmp.users)' });
    if (t.version === '3' && t.community !== undefined) ctx.addIssue({ code: 'custom', path: ['community'], message: 'is for version 2c only' });
  });

export const snmpSink = z.strictObject({
  ...common,
  type: z.literal('snmp'),
  targets: z.array(snmpTarget).min(1, { error: 'list at least one notification target' }),
});

export const sinkSchema = z.discriminatedUnion('type', [httpSink, radiusSink, snmpSink]);

export const sinksSchema = z
  .array(sinkSchema)
  .default([])
  .superRefine((sinks, ctx) => {
    const seen = new Map<string, number>();
    sinks.forEach((sink, i) => {
      const first = seen.get(sink.name);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `${JSON.stringify(sink.name)} is already the name of sinks[${first}]` });
      else seen.set(sink.name, i);
    });
  });

export type SinkConfig = z.infer<typeof sinkSchema>;
export type HttpSinkConfig = z.infer<typeof httpSink>;
export type RadiusSinkConfig = z.infer<typeof radiusSink>;
export type SnmpSinkConfig = z.infer<typeof snmpSink>;
export type BatchConfig = z.infer<typeof batch>;
