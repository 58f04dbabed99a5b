/**
 * The mirror's compact form of a binding: only what dxgwBindingTable serves (no DHCP
 * options, attributes or history), so 100k rows stay small. Its `key` is the row's index
 * OID as a string of char codes: every sub-identifier of the index is below 256, so plain
 * string comparison orders rows exactly as SNMP orders their OIDs.
 */
import type { Binding, BindingState } from '../leases/binding.js';
import { MAX_NAME_LENGTH } from './mib.js';
import { ipIndex, stringIndex, type Oid } from './oid.js';

export interface BindingRow {
  readonly key: string;
  readonly vr: string;
  readonly ip: string;
  readonly sessionId: string;
  readonly rev: number;
  readonly mac: string;
  readonly clientId: string | null;
  readonly giaddr: string;
  readonly circuitId: string | null;
  readonly remoteId: string | null;
  readonly state: BindingState;
  readonly interfaceName: string | null;
  readonly profile: string | null;
  readonly leaseStart: number;
  readonly leaseSeconds: number;
  readonly expiresAt: number | null;
}

/** The row index of (vr, ip), or undefined when the MIB cannot index it (vr too long, bad ip). */
export function rowIndex(vr: string, ip: string): number[] | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return undefined;
  const vrPart = stringIndex(vr);
  const ipPart = ipIndex(ip);
  if (vrPart[0]! < 1 || vrPart[0]! > MAX_NAME_LENGTH || ipPart.some((o) => o > 255)) return undefined;
  return [...vrPart, ...ipPart];
}

export const indexKey = (index: Oid): string => String.fromCharCode(...index);

/**
 * Key to search with for an arbitrary OID suffix from a request: sub-identifiers above 255
 * sort after every row's, so they become 256 and what follows them cannot matter.
 */
export function searchKey(suffix: Oid): string {
  let key = '';
  for (const subid of suffix) {
    if (subid > 255) return key + String.fromCharCode(256);
    key += String.fromCharCode(subid);
  }
  return key;
}

export function rowFromBinding(b: Binding): BindingRow | undefined {
  const index = rowIndex(b.vr, b.ip);
  if (!index) return undefined;
  return {
    key: indexKey(index),
    vr: b.vr,
    ip: b.ip,
    sessionId: b.sessionId,
    rev: b.rev,
    mac: b.mac,
    clientId: b.clientId,
    giaddr: b.giaddr,
    circuitId: b.circuitId,
    remoteId: b.remoteId,
    state: b.state,
    interfaceName: b.interfaceName,
    profile: b.profile,
    leaseStart: b.leaseStart,
    leaseSeconds: b.leaseSeconds,
    expiresAt: b.expiresAt,
  };
}
