/**
 * The accounting servers of one client: validated once, resolved to IPv4 addresses when the
 * client opens (responses are matched on the address/port they come from, so names must
 * become addresses). IPv4 only: the socket is udp4, as NAS-IP-Address is.
 */
import type { Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { RadiusConfigError } from './errors.js';
import { IdentifierPool } from './identifiers.js';

export interface RadiusServerConfig {
  host: string;
  port: number;
  secret: string;
}

/** Where a transmission waits for its answer. */
export interface Transmission {
  /** The Request Authenticator sent, needed to verify the Response Authenticator. */
  authenticator: Buffer;
  settle(identifier: number): void;
}

export interface ServerState {
  readonly config: RadiusServerConfig;
  /** `host:port` as configured, for messages. */
  readonly label: string;
  /** Resolved IPv4 address, set by resolveServers. */
  address: string | undefined;
  readonly ids: IdentifierPool;
  readonly outstanding: Map<number, Transmission>;
  /** Skipped (tried last) until then, after it failed a whole record. */
  deadUntil: number;
  /** The client's socket connected to this server, once open. */
  socket: Socket | undefined;
}

export function serverStates(servers: readonly RadiusServerConfig[]): ServerState[] {
  if (servers.length === 0) throw new RadiusConfigError('no RADIUS accounting server configured');
  const seen = new Set<string>();
  return servers.map((config, i) => {
    const label = `${config.host}:${config.port}`;
    if (typeof config.secret !== 'string' || config.secret.length === 0) throw new RadiusConfigError(`servers[${i}] (${label}) has an empty secret`);
    if (!Number.isInteger(config.port) || config.port < 1 || config.port > 65535) throw new RadiusConfigError(`servers[${i}] has a bad port ${config.port}`);
    if (typeof config.host !== 'string' || config.host.length === 0) throw new RadiusConfigError(`servers[${i}] has no host`);
    if (isIP(config.host) === 6) throw new RadiusConfigError(`servers[${i}] (${label}): IPv6 servers are not supported`);
    if (seen.has(label)) throw new RadiusConfigError(`servers[${i}] (${label}) is listed twice`);
    seen.add(label);
    return { config, label, address: isIP(config.host) === 4 ? config.host : undefined, ids: new IdentifierPool(), outstanding: new Map(), deadUntil: 0, socket: undefined };
  });
}

/** Resolves host names. A name that does not exist is a config error; a DNS hiccup is thrown as is (worth retrying). */
export async function resolveServers(servers: readonly ServerState[]): Promise<void> {
  for (const server of servers) {
    if (server.address !== undefined) continue;
    try {
      server.address = (await lookup(server.config.host, { family: 4 })).address;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') throw new RadiusConfigError(`RADIUS server ${server.label}: no IPv4 address for ${server.config.host}`, { cause: err });
      throw err;
    }
  }
}
