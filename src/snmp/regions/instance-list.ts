/**
 * A small region from a list of instances (scalars, short tables), sorted once when built.
 * Statistics, the sink table and the system group rebuild theirs when their data changes.
 */
import { compareOids, type Oid } from '../oid.js';
import type { SnmpValue } from '../values.js';
import type { Instance } from './region.js';

export interface InstanceEntry {
  oid: Oid;
  /** A thunk for values that change on every read (sysUpTime). */
  value: SnmpValue | (() => SnmpValue);
}

export class InstanceList {
  private readonly entries: InstanceEntry[];

  constructor(entries: InstanceEntry[]) {
    this.entries = [...entries].sort((a, b) => compareOids(a.oid, b.oid));
  }

  get(oid: Oid): SnmpValue | undefined {
    const i = this.lowerBound(oid);
    const e = this.entries[i];
    return e && compareOids(e.oid, oid) === 0 ? resolve(e.value) : undefined;
  }

  next(oid: Oid): Instance | undefined {
    let i = this.lowerBound(oid);
    if (this.entries[i] && compareOids(this.entries[i]!.oid, oid) === 0) i++;
    const e = this.entries[i];
    return e && { oid: e.oid, value: resolve(e.value) };
  }

  private lowerBound(oid: Oid): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareOids(this.entries[mid]!.oid, oid) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const resolve = (v: InstanceEntry['value']): SnmpValue => (typeof v === 'function' ? v() : v);
