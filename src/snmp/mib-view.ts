/**
 * The agent's whole MIB view: non-overlapping regions in OID order. Answers GET, GETNEXT and
 * GETBULK varbind lists; GETBULK is bounded by repetitions, varbind count and an estimate of
 * the encoded size, so a max-repetitions of 1,000,000 costs no more than a full datagram.
 */
import { compareOids, startsWith, tryParseOid, type Oid } from './oid.js';
import type { Instance, MibRegion } from './regions/region.js';
import { T, type SnmpValue } from './values.js';

export interface Varbind {
  oid: string;
  /** `oid` as sub-identifiers, when known (the BER encoder then skips parsing it). */
  parts?: Oid;
  type: number;
  value: unknown;
}

export interface BulkLimits {
  /** max-repetitions above this is lowered to it. */
  maxRepetitions: number;
  /** At most this many varbinds in one response. */
  maxVarbinds: number;
  /** Stop adding repetitions once the varbinds' estimated encoding reaches this many bytes. */
  sizeBudget: number;
}

export class MibView {
  private readonly regions: MibRegion[];

  constructor(regions: MibRegion[]) {
    this.regions = [...regions].sort((a, b) => compareOids(a.prefix, b.prefix));
  }

  regionFor(oid: Oid): MibRegion | undefined {
    return this.regions.find((r) => startsWith(oid, r.prefix));
  }

  get(oidText: string): Varbind {
    const oid = tryParseOid(oidText);
    const region = oid && this.regionFor(oid);
    if (!oid || !region) return { oid: oidText, type: T.NoSuchObject, value: null };
    const value = region.get(oid);
    return value ? { oid: oidText, type: value.type, value: value.value } : { oid: oidText, type: T.NoSuchInstance, value: null };
  }

  /** The first instance after `oid` in the whole view. */
  nextInstance(oid: Oid): Instance | undefined {
    for (const region of this.regions) {
      if (compareOids(oid, region.prefix) > 0 && !startsWith(oid, region.prefix)) continue;
      const found = region.next(oid);
      if (found) return found;
    }
    return undefined;
  }

  next(oidText: string): Varbind {
    const oid = tryParseOid(oidText);
    const found = oid && this.nextInstance(oid);
    return found ? toVarbind(found) : { oid: oidText, type: T.EndOfMibView, value: null };
  }

  bulk(requested: Varbind[], nonRepeaters: number, maxRepetitions: number, limits: BulkLimits): Varbind[] {
    const n = clamp(nonRepeaters, 0, requested.length);
    const m = clamp(maxRepetitions, 0, limits.maxRepetitions);
    const out: Varbind[] = [];
    let size = 0;
    for (let i = 0; i < n; i++) out.push(this.next(requested[i]!.oid));
    const cursors: Array<Oid | undefined> = requested.slice(n).map((v) => tryParseOid(v.oid));
    const texts = requested.slice(n).map((v) => v.oid);
    if (cursors.length === 0) return out;
    for (let r = 0; r < m; r++) {
      let allEnded = true;
      for (let j = 0; j < cursors.length; j++) {
        const cursor = cursors[j];
        const found = cursor && this.nextInstance(cursor);
        if (found) {
          cursors[j] = found.oid;
          texts[j] = found.text;
          allEnded = false;
          out.push(toVarbind(found));
        } else {
          cursors[j] = undefined;
          out.push({ oid: texts[j]!, type: T.EndOfMibView, value: null });
        }
        size += estimateSize(out[out.length - 1]!);
      }
      if (allEnded || out.length >= limits.maxVarbinds || size >= limits.sizeBudget) break;
    }
    return out.length > limits.maxVarbinds ? out.slice(0, Math.max(limits.maxVarbinds, n)) : out;
  }
}

const toVarbind = (i: Instance): Varbind => ({ oid: i.text, parts: i.oid, type: i.value.type, value: i.value.value });

const clamp = (v: number, lo: number, hi: number): number => (Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.floor(v))) : lo);

/** Rough BER size of a varbind: sequence and tag/length overhead, OID sub-ids, value bytes. */
export function estimateSize(v: Varbind): number {
  return 8 + Math.ceil(v.oid.length / 2.5) + valueSize({ type: v.type, value: v.value });
}

function valueSize(v: SnmpValue): number {
  if (Buffer.isBuffer(v.value)) return v.value.length;
  if (typeof v.value === 'string') return v.value.length;
  return 5;
}
