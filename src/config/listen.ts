/** `host:port` listen addresses, kept as strings in the config so it prints back as written. */
import { isIP } from 'node:net';

export interface ListenAddress {
  host: string;
  port: number;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An IPv4/IPv6 address or a DNS name. */
export function isHost(text: string): boolean {
  return isIP(text) !== 0 || HOSTNAME.test(text);
}

/** `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`, `0.0.0.0:8080`; port 0 picks a free port. */
export function parseListen(text: string): ListenAddress | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  if (m[1] !== undefined ? isIP(host) !== 6 : !isHost(host)) return undefined;
  return { host, port };
}

/** Only the machine itself can reach it: 127/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}
