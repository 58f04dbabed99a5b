/**
 * The shape of `routeMap` entries. Values (prefixes, MACs, regexes, templates) are checked by
 * the route-map compiler itself, run here as a refinement so its problems are reported
 * together with the rest of the file's.
 */
import { z } from 'zod';
import { checkRouteMap } from '../routemap/compile.js';
import type { RouteMapEntryConfig } from '../routemap/types.js';
import { dhcpOptionCode, text } from './primitives.js';

const oneOrMany = z.union([z.string(), z.array(z.string())]);

const optionMatch = z.strictObject({
  code: dhcpOptionCode,
  regex: z.string().optional(),
  hex: z.string().optional(),
  present: z.boolean().optional(),
});

const match = z.strictObject({
  address: oneOrMany.optional(),
  giaddr: oneOrMany.optional(),
  mac: oneOrMany.optional(),
  circuitId: oneOrMany.optional(),
  circuitIdHex: oneOrMany.optional(),
  remoteId: oneOrMany.optional(),
  remoteIdHex: oneOrMany.optional(),
  vendorClass: oneOrMany.optional(),
  clientId: oneOrMany.optional(),
  option: z.union([optionMatch, z.array(optionMatch)]).optional(),
});

const set = z.strictObject({
  interfaceProfile: z.string().optional(),
  virtualRouter: z.string().optional(),
  interfaceName: z.string().optional(),
  loginName: z.string().optional(),
  attributes: z.record(z.string(), text).optional(),
});

const entry = z.strictObject({
  seq: z.number().int().min(1).max(65535),
  action: z.enum(['permit', 'deny']),
  description: z.string().optional(),
  match: match.optional(),
  set: set.optional(),
});

export const routeMapSchema = z
  .array(entry)
  .default([])
  .superRefine((entries, ctx) => {
    // The compiler names full key paths itself; `params.key` carries them through zod.
    for (const issue of checkRouteMap(entries, 'routeMap')) ctx.addIssue({ code: 'custom', message: issue.message, params: { key: issue.key } });
  });

// Compile-time proof that the schema's output is what the compiler takes.
const _fits: (e: z.infer<typeof entry>) => RouteMapEntryConfig = (e) => e;
void _fits;
