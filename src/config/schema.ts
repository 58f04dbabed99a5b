/**
 * The configuration schema: one place for every key, its type and its default
 * (docs/config.md is its reference). Objects are strict so a typo is an error, not a
 * silently ignored key. Sections default to `{}` through `prefault`, which runs the inner
 * defaults (zod's `default` would skip them).
 */
import { z } from 'zod';
import { DEFAULT_VR } from '../leases/binding.js';
import { parseTemplate } from '../routemap/template.js';
import type { ConfigIssue } from './issues.js';
import { isLoopback, parseListen } from './listen.js';
import { dhcpOptionCode, ipv4, ipv4Prefix, listen, name, secret } from './primitives.js';
import { outboxSchema } from './schema-outbox.js';
import { routeMapSchema } from './schema-routemap.js';
import { sinksSchema } from './schema-sinks.js';

const MiB = 1024 * 1024;

const redis = z.strictObject({
  /** Omitted: dxgw starts an embedded redis-server with its data in dataDir. */
  url: z
    .string()
    .refine((v) => /^rediss?:\/\/[^\s]*$/.test(v) && URL.canParse(v), { error: (iss) => `${JSON.stringify(iss.input)} is not a redis:// or rediss:// URL` })
    .optional(),
  dataDir: z.string().min(1).default('./.dxgw/redis'),
});

const capture = z.strictObject({
  /** Omitted: no live capture (replay only). */
  interface: z.string().min(1).optional(),
  /** Extra BPF (tcpdump syntax), and-ed with dxgw's own DHCP/data filter. */
  filter: z.string().optional(),
  // Whole frames: a DHCP message may be 576+ bytes and relays append option 82 at the end.
  snapLength: z.number().int().min(64).max(262_144).default(1600),
  /** The DHCP handle's kernel buffer. */
  bufferSize: z.number().int().min(MiB).max(2048 * MiB).default(32 * MiB),
  /** The data handle's own kernel buffer (activation.mode first-packet): a flood overflows it, never the DHCP one. */
  dataBufferSize: z.number().int().min(MiB).max(2048 * MiB).default(8 * MiB),
  promiscuous: z.boolean().default(true),
  /** A handle that dropped nothing for this long ends its drop episode (dxgwCaptureDropsCleared). */
  dropsClearedAfterMs: z.number().int().min(0).max(86_400_000).default(60_000),
  virtualRouter: name.default(DEFAULT_VR),
  subscriberPrefixes: z.array(ipv4Prefix).default([]),
});

/** The IPFIX / NetFlow v9 collector of `activation.source: flows` (src/flows). */
const flows = z.strictObject({
  /** UDP host:port the exporters send to. */
  listen,
  /** Exporter addresses accepted; empty: any. */
  exporters: z.array(ipv4).default([]),
  /** A template not refreshed this long is forgotten (RFC 7011 §8.4). */
  templateTimeoutSeconds: z.number().int().min(10).max(86_400).default(1800),
  /** Templates held at most, over all exporters. */
  maxTemplates: z.number().int().min(16).max(1_000_000).default(4096),
});

const activation = z
  .strictObject({
    mode: z.enum(['first-packet', 'ack']).default('first-packet'),
    /** Also require the data packet's source MAC to be the binding's chaddr. */
    matchMac: z.boolean().default(false),
    /** Where first-packet activation looks for the subscriber's data: captured packets or flow records. */
    source: z.enum(['capture', 'flows']).default('capture'),
    flows: flows.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.source !== 'flows') return;
    if (a.flows === undefined) ctx.addIssue({ code: 'custom', path: ['flows'], message: 'is required with activation.source: flows (at least flows.listen)' });
    if (a.mode === 'ack') ctx.addIssue({ code: 'custom', path: ['source'], message: 'flows activates on data, but activation.mode is ack (activation at the ACK): use mode first-packet' });
  });

const trust = z.strictObject({
  giaddrs: z.array(ipv4).default([]),
  servers: z.array(ipv4).default([]),
});

const interfaces = z.strictObject({
  nameTemplate: z
    .string()
    .default('ip{ipDashed}')
    .superRefine((text, ctx) => {
      const issues: ConfigIssue[] = [];
      const template = parseTemplate(text, '', issues);
      for (const issue of issues) ctx.addIssue({ code: 'custom', message: issue.message });
      // The name must tell subscribers of the site apart; the address is what does.
      if (template && !template.placeholders.some((p) => p === 'ip' || p === 'ipDashed')) {
        ctx.addIssue({ code: 'custom', message: `template ${JSON.stringify(text)} must contain {ip} or {ipDashed} so every subscriber gets its own interface name` });
      }
    }),
  defaultProfile: z.string().min(1).nullable().default(null),
  /** A DHCP option whose value (text) names the interface profile. */
  profileOption: dhcpOptionCode.nullable().default(null),
});

const retry = z
  .strictObject({
    attempts: z.number().int().min(1).max(1000).default(10),
    backoffMs: z.number().int().min(10).default(1000),
    maxBackoffMs: z.number().int().min(10).default(300_000),
    /** A sink failing this long without a delivery is announced (SNMP dxgwDeliveryFailed); 0: at its first failure. */
    failingAfterMs: z.number().int().min(0).max(3_600_000).default(10_000),
  })
  .superRefine((r, ctx) => {
    if (r.maxBackoffMs < r.backoffMs) ctx.addIssue({ code: 'custom', path: ['maxBackoffMs'], message: `${r.maxBackoffMs} is below backoffMs (${r.backoffMs})` });
  });

const snmpUser = z
  .strictObject({
    name: z.string().min(1).max(32),
    authProtocol: z.enum(['sha', 'sha224', 'sha256', 'sha384', 'sha512']),
    // RFC 3414 §11.2: pass phrases shorter than 8 characters are refused by agents.
    authKey: z.string().min(8, { error: 'must be at least 8 characters' }),
    privProtocol: z.enum(['aes', 'aes256b', 'aes256r', 'des']).optional(),
    privKey: z.string().min(8, { error: 'must be at least 8 characters' }).optional(),
  })
  .superRefine((u, ctx) => {
    if ((u.privProtocol === undefined) !== (u.privKey === undefined)) {
      ctx.addIssue({ code: 'custom', path: [u.privKey === undefined ? 'privKey' : 'privProtocol'], message: 'privProtocol and privKey go together' });
    }
  });

const snmp = z.strictObject({
  enabled: z.boolean().default(false),
  listen: listen.default('127.0.0.1:1161'),
  /** Read-only v1/v2c communities. */
  communities: z.array(z.string().min(1)).default(['public']),
  v1v2c: z.boolean().default(true),
  users: z.array(snmpUser).default([]),
});

const api = z
  .strictObject({
    listen: listen.default('127.0.0.1:8080'),
    /** Bearer token; required when the API listens beyond loopback. */
    token: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  })
  .superRefine((a, ctx) => {
    const address = parseListen(a.listen);
    if (address && !isLoopback(address.host) && a.token === undefined) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: `is required because api.listen (${a.listen}) is not a loopback address` });
    }
  });

const dae = z
  .strictObject({
    enabled: z.boolean().default(false),
    listen: listen.default('127.0.0.1:3799'),
    clients: z.array(z.strictObject({ address: ipv4, secret })).default([]),
  })
  .superRefine((d, ctx) => {
    if (d.enabled && d.clients.length === 0) ctx.addIssue({ code: 'custom', path: ['clients'], message: 'list at least one client: with none every request is refused' });
  });

const log = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export const configSchema = z
  .strictObject({
    site: name.default('default'),
    redis: redis.prefault({}),
    capture: capture.prefault({}),
    activation: activation.prefault({}),
    trust: trust.prefault({}),
    interfaces: interfaces.prefault({}),
    routeMap: routeMapSchema,
    sinks: sinksSchema,
    retry: retry.prefault({}),
    outbox: outboxSchema.prefault({}),
    snmp: snmp.prefault({}),
    api: api.prefault({}),
    dae: dae.prefault({}),
    log: log.prefault({}),
  })
  .superRefine((c, ctx) => {
    // SNMPv3 notification targets name a user defined once under snmp.users.
    const users = new Set(c.snmp.users.map((u) => u.name));
    c.sinks.forEach((sink, i) => {
      if (sink.type !== 'snmp') return;
      sink.targets.forEach((t, j) => {
        if (t.user !== undefined && !users.has(t.user)) ctx.addIssue({ code: 'custom', path: ['sinks', i, 'targets', j, 'user'], message: `${JSON.stringify(t.user)} is not a user in snmp.users` });
      });
    });
  });

export type DxgwConfig = z.infer<typeof configSchema>;
/** What the file may hold (everything with a default is optional). */
export type DxgwConfigInput = z.input<typeof configSchema>;
