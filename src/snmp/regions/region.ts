/**
 * A region answers for one subtree of the agent's MIB view. Regions never overlap; the
 * dispatcher (mib-view.ts) visits them in OID order, so a GETNEXT walks from one region into
 * the next exactly as it would through one tree.
 */
import type { Oid } from '../oid.js';
import type { SnmpValue } from '../values.js';

export interface Instance {
  /** May be computed on first access (table rows): read it only when needed. */
  readonly oid: Oid;
  value: SnmpValue;
  /** Table rows: the OID as column prefix + index char codes, which the encoder writes without `oid`. */
  prefix?: Oid;
  key?: string;
  /** Where the region found it, so the next step of a GETBULK needs no search. */
  cursor?: unknown;
}

/** What a SET on one varbind would do: an SNMP error status, or the change to make. */
export type SetCheck = { error: number } | { commit: () => Promise<void> };

export interface MibRegion {
  /** The subtree this region owns. */
  readonly prefix: Oid;
  /** The value of an instance under `prefix`, or undefined (noSuchInstance). */
  get(oid: Oid): SnmpValue | undefined;
  /** The first instance of this region whose OID is greater than `oid` (which may lie before the region). */
  next(oid: Oid): Instance | undefined;
  /**
   * The instance after `previous` (which this region returned during the same request):
   * a GETBULK's next repetition without searching again. Optional.
   */
  nextAfter?(previous: Instance): Instance | undefined;
  /** Regions with writable objects check (and later commit) SETs; the rest are read-only. */
  checkSet?(oid: Oid, type: number, value: unknown): SetCheck;
}
