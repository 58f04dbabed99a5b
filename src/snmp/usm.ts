/**
 * SNMPv3 USM users from `snmp.users`, and the engine ID. DES is accepted only when Node's
 * OpenSSL legacy provider is loaded: DES is broken, and asking the operator to start Node
 * with --openssl-legacy-provider makes that an explicit choice (net-snmp 3.29 itself would
 * fall back to a JavaScript DES; we do not let it decide silently).
 */
import { createCipheriv } from 'node:crypto';
import { hostname } from 'node:os';
import snmp from 'net-snmp';
import type { DxgwConfig } from '../config/schema.js';
import { DxgwError } from '../errors/codes.js';
import { Oids } from './mib.js';

export type SnmpUserConfig = DxgwConfig['snmp']['users'][number];

/** True when OpenSSL will do DES-CBC (Node started with --openssl-legacy-provider). */
export function desAvailable(): boolean {
  try {
    createCipheriv('des-cbc', Buffer.alloc(8), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
}

/** Throws DXGW_CONFIG_INVALID naming the first user that asks for DES when it is unavailable. */
export function assertPrivProtocolsUsable(users: readonly SnmpUserConfig[], names?: ReadonlySet<string>): void {
  if (desAvailable()) return;
  users.forEach((u, i) => {
    if (u.privProtocol !== 'des' || (names && !names.has(u.name))) return;
    throw new DxgwError(
      'DXGW_CONFIG_INVALID',
      `SNMPv3 user ${JSON.stringify(u.name)} uses privProtocol des, which needs Node's legacy OpenSSL provider: ` +
        'run node with --openssl-legacy-provider (e.g. NODE_OPTIONS=--openssl-legacy-provider), or better, use aes',
      { key: `snmp.users[${i}].privProtocol` },
    );
  });
}

const AUTH = {
  sha: snmp.AuthProtocols.sha,
  sha224: snmp.AuthProtocols.sha224,
  sha256: snmp.AuthProtocols.sha256,
  sha384: snmp.AuthProtocols.sha384,
  sha512: snmp.AuthProtocols.sha512,
} as const;

const PRIV = {
  aes: snmp.PrivProtocols.aes,
  aes256b: snmp.PrivProtocols.aes256b,
  aes256r: snmp.PrivProtocols.aes256r,
  des: snmp.PrivProtocols.des,
} as const;

export function netSnmpUser(u: SnmpUserConfig): snmp.User {
  const user: snmp.User = {
    name: u.name,
    level: u.privProtocol ? snmp.SecurityLevel.authPriv : snmp.SecurityLevel.authNoPriv,
    authProtocol: AUTH[u.authProtocol],
    authKey: u.authKey,
  };
  if (u.privProtocol && u.privKey) {
    user.privProtocol = PRIV[u.privProtocol];
    user.privKey = u.privKey;
  }
  return user;
}

/**
 * RFC 3411 SnmpEngineID, text format: 0x80 + the MIB root's enterprise number, 0x04, then
 * `label` (at most 27 bytes). Default label: dxgw:<site>@<host>, unique per process host.
 */
export function engineIdFor(site: string, label = `dxgw:${site}@${hostname()}`): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE((0x80000000 | Oids.root[6]!) >>> 0, 0);
  head[4] = 4;
  return Buffer.concat([head, Buffer.from(label, 'utf8').subarray(0, 27)]);
}
