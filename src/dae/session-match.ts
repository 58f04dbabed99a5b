/**
 * Finds the binding a request names, by the values our RADIUS accounting sent for it
 * (src/delivery/sinks/radius-attributes.ts): a policy server copies them from the Start
 * record. Keep `accountingIdentity` in step with `accountingAttributes` there; a test
 * compares the two.
 */
import type { Binding } from '../leases/binding.js';
import type { BindingFilter, LeaseStore } from '../leases/store.js';
import type { SessionIdentification } from './attributes.js';
import { normalizeMac } from './mac.js';
import { nasPortId } from '../delivery/sinks/radius-attributes.js';

export interface AccountingIdentity {
  userName: string;
  acctSessionId: string;
  framedIp: string;
  callingStationId: string;
  /** The access port (option 82 circuit-id); absent when the relay sent none. */
  nasPortId: string | null;
  vr: string;
}

/** What accounting sends for a binding; a route map's `set attributes` may replace some. */
export function accountingIdentity(b: Binding): AccountingIdentity {
  const set = b.attributes;
  return {
    userName: set['User-Name'] || b.loginName || b.mac,
    acctSessionId: b.sessionId,
    framedIp: b.ip,
    callingStationId: set['Calling-Station-Id'] || b.mac,
    nasPortId: set['NAS-Port-Id'] || (nasPortId(b.circuitId) ?? null),
    vr: b.interfaceVr ?? b.vr,
  };
}

/** Exact, or the same MAC in another notation when what accounting sent is a MAC. */
function sameText(given: string, sent: string | null): boolean {
  if (sent === null) return false;
  if (given === sent) return true;
  const mac = normalizeMac(sent);
  return mac !== undefined && normalizeMac(given) === mac;
}

export function matches(b: Binding, want: SessionIdentification): boolean {
  const id = accountingIdentity(b);
  return (
    (want.acctSessionId === undefined || want.acctSessionId === id.acctSessionId) &&
    (want.framedIp === undefined || want.framedIp === id.framedIp) &&
    (want.userName === undefined || sameText(want.userName, id.userName)) &&
    (want.callingStationId === undefined || sameText(want.callingStationId, id.callingStationId)) &&
    (want.nasPortId === undefined || want.nasPortId === id.nasPortId) &&
    (want.vr === undefined || want.vr === id.vr)
  );
}

export const hasSessionIdentification = (want: SessionIdentification): boolean => Object.values(want).some((v) => v !== undefined);

/**
 * Every binding matching all the given attributes. An address is a direct store look-up;
 * otherwise the site's bindings are scanned (the store has no index by session id or access
 * port, and a route map may have replaced Calling-Station-Id or NAS-Port-Id, so even the MAC
 * index could miss). `vr` (the capture's virtual router) narrows every look-up.
 */
export async function findSessions(store: LeaseStore, want: SessionIdentification, vr?: string): Promise<Binding[]> {
  const scope: BindingFilter = vr === undefined ? {} : { vr };
  let candidates: Binding[] | undefined;
  if (want.framedIp !== undefined) candidates = await store.list({ ...scope, ip: want.framedIp });
  candidates ??= await store.list(scope);
  return candidates.filter((b) => matches(b, want));
}
