/**
 * The Redis keyspace of one site (docs/redis-keyspace.md). Every key carries the hash tag
 * `{dxgw:<site>}`, so all of a site's keys live in one cluster slot and every Lua script
 * touches one slot only (DESIGN §1 "Keyspace per site").
 */
import { DxgwError } from '../../errors/codes.js';
import { parseIp } from '../../packet/addresses.js';

export interface SiteKeys {
  /** `{dxgw:<site>}`: the hash tag, also the prefix of every key. */
  readonly tag: string;
  /** Hash `<vr>|<mac>` → `<vr>|<ip>`. */
  readonly macIndex: string;
  /** Hash `<vr>|<clientId>` → `<vr>|<ip>`. */
  readonly clientIdIndex: string;
  /** Hash interface name → `<vr>|<ip>`. */
  readonly interfaceIndex: string;
  /** Sorted set `<vr>|<ip>` scored by expiresAt (ms); infinite leases are not in it. */
  readonly expiry: string;
  /** Hash `<vr>|<ip>` → last event seq of that address (outlives bindings). */
  readonly seq: string;
  /** Stream of committed events: fields seq, id, lane, body. */
  readonly outbox: string;
  /** Hash event id → stream id of its outbox entry (the resync cursor); trimmed with the stream. */
  readonly outboxIds: string;
  /** String: the last stream id the bridge moved into the queues (`{dxgw:<site>}:outbox:bridge`). */
  readonly bridgeCheckpoint: string;
  /** String: the newest stream id the outbox trimmer removed (absent: nothing trimmed yet). */
  readonly outboxTrimmed: string;
  /** Hash counter name → integer. */
  readonly stats: string;
  /** Prefix of the lease hashes: `{dxgw:<site>}:lease:`. */
  readonly leasePrefix: string;
  /** SCAN MATCH pattern of the lease hashes (the prefix glob-escaped, then `*`). */
  readonly leasePattern: string;
  /** `{dxgw:<site>}:lease:<vr>:<ip>` */
  lease(vr: string, ip: string): string;
}

/** Site names become part of a hash tag: braces would end or nest it. */
export function validateSite(site: string): void {
  if (site.length === 0 || /[{}\s]/.test(site)) {
    throw new DxgwError('DXGW_CONFIG_INVALID', `site name ${JSON.stringify(site)} must be non-empty, without braces or spaces`, {
      key: 'site',
    });
  }
}

/** Lanes and index values are `<vr>|<…>` split at the first '|': a vr must not contain one. */
export function validateVr(vr: string): void {
  if (vr.includes('|')) {
    throw new DxgwError('DXGW_CONFIG_INVALID', `virtual router name ${JSON.stringify(vr)} must not contain '|'`, { key: 'vr' });
  }
}

/** Escapes a literal for a SCAN MATCH glob. */
export const globEscape = (s: string): string => s.replace(/[*?[\]\\]/g, '\\$&');

export function siteKeys(site: string): SiteKeys {
  validateSite(site);
  const tag = `{dxgw:${site}}`;
  const leasePrefix = `${tag}:lease:`;
  return {
    tag,
    macIndex: `${tag}:idx:mac`,
    clientIdIndex: `${tag}:idx:cid`,
    interfaceIndex: `${tag}:idx:if`,
    expiry: `${tag}:expiry`,
    seq: `${tag}:seq`,
    outbox: `${tag}:outbox`,
    outboxIds: `${tag}:outbox:ids`,
    bridgeCheckpoint: `${tag}:outbox:bridge`,
    outboxTrimmed: `${tag}:outbox:trimmed`,
    stats: `${tag}:stats`,
    leasePrefix,
    leasePattern: `${globEscape(leasePrefix)}*`,
    lease: (vr, ip) => `${leasePrefix}${vr}:${ip}`,
  };
}

/** The lane of an address: `<vr>|<ip>` (seq hash field, timer member, index value, outbox field). */
export function laneOf(vr: string, ip: string): string {
  return `${vr}|${ip}`;
}

/** Splits a lane at its first '|' (vr names never contain one); undefined when there is none. */
export function parseLane(lane: string): { vr: string; ip: string } | undefined {
  const bar = lane.indexOf('|');
  return bar < 0 ? undefined : { vr: lane.slice(0, bar), ip: lane.slice(bar + 1) };
}

/**
 * (vr, ip) of a lease key `<prefix><vr>:<ip>`. A vr may contain ':' (JunosE `router:vrf`
 * names) when the address is a dotted quad: the split is at the last ':' then. Otherwise
 * (an IPv6 text) it is at the first ':', which needs a vr without ':'.
 */
export function parseLeaseKey(keys: SiteKeys, key: string): { vr: string; ip: string } | undefined {
  if (!key.startsWith(keys.leasePrefix)) return undefined;
  const rest = key.slice(keys.leasePrefix.length);
  const last = rest.lastIndexOf(':');
  if (last < 0) return undefined;
  if (parseIp(rest.slice(last + 1)) !== undefined) return { vr: rest.slice(0, last), ip: rest.slice(last + 1) };
  const first = rest.indexOf(':');
  return { vr: rest.slice(0, first), ip: rest.slice(first + 1) };
}
