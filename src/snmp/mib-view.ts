/**
 * The agent's whole MIB view: non-overlapping regions in OID order. Answers GET, GETNEXT and
 * GETBULK varbind lists; GETBULK is bounded by repetitions, varbind count and an estimate of
 * the encoded size, so a max-repetitions of 1,000,000 costs no more than a full datagram.
 */
import type { EncodableVarbind } from './ber.js';
import { compareOids, formatOid, startsWith, tryParseOid, type Oid } from './oid.js';
import type { Instance, MibRegion } from './regions/region.js';
import { T } from './values.js';

export type Varbind = EncodableVarbind;

export interface BulkLimits {
  /** max-repetitions above this is lowered to it. */
  maxRepetitions: number;
  /** At most this many varbinds in one response. */
  maxVarbinds: number;
  /** Stop adding repetitions once the varbinds' estimated encoding reaches this many bytes. */
  sizeBudget: number;
}

interface Found {
  instance: Instance;
  region: MibRegion;
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
    return value ? { oid: oidText, parts: oid, type: value.type, value: value.value } : { oid: oidText, parts: oid, type: T.NoSuchInstance, value: null };
  }

  next(oidText: string): Varbind {
    const oid = tryParseOid(oidText);
    const found = oid && this.nextInstance(oid);
    return found ? toVarbind(found.instance) : { oid: oidText, type: T.EndOfMibView, value: null };
  }

  bulk(requested: readonly Varbind[], nonRepeaters: number, maxRepetitions: number, limits: BulkLimits): Varbind[] {
    const n = clamp(nonRepeaters, 0, requested.length);
    const m = clamp(maxRepetitions, 0, limits.maxRepetitions);
    const out: Varbind[] = [];
    let size = 0;
    for (let i = 0; i < n; i++) out.push(this.next(requested[i]!.oid ?? ''));
    const repeaters = requested.slice(n);
    if (repeaters.length === 0) return out;
    // Per repeater: where it stands (the last instance returned, or the requested OID).
    const last: Array<Found | undefined> = repeaters.map(() => undefined);
    const start: Array<Oid | undefined> = repeaters.map((v) => tryParseOid(v.oid));
    const ended = repeaters.map((v) => v.oid ?? '');
    for (let r = 0; r < m; r++) {
      let allEnded = true;
      for (let j = 0; j < repeaters.length; j++) {
        const prev = last[j];
        const found = prev ? this.after(prev) : start[j] && this.nextInstance(start[j]!);
        if (found) {
          last[j] = found;
          allEnded = false;
          out.push(toVarbind(found.instance));
        } else {
          if (prev) ended[j] = formatOid(prev.instance.oid);
          last[j] = undefined;
          start[j] = undefined;
          out.push({ oid: ended[j], type: T.EndOfMibView, value: null });
        }
        size += estimateSize(out[out.length - 1]!);
      }
      if (allEnded || out.length >= limits.maxVarbinds || size >= limits.sizeBudget) break;
    }
    return out.length > limits.maxVarbinds ? out.slice(0, Math.max(limits.maxVarbinds, n)) : out;
  }

  /** The first instance after `oid` in the whole view. */
  nextInstance(oid: Oid): Found | undefined {
    for (const region of this.regions) {
      if (compareOids(oid, region.prefix) > 0 && !startsWith(oid, region.prefix)) continue;
      const instance = region.next(oid);
      if (instance) return { instance, region };
    }
    return undefined;
  }

  /** The instance after one this view just returned: the region's shortcut when it has one. */
  private after(prev: Found): Found | undefined {
    const instance = prev.region.nextAfter?.(prev.instance);
    return instance ? { instance, region: prev.region } : this.nextInstance(prev.instance.oid);
  }
}

const toVarbind = (i: Instance): Varbind =>
  i.prefix && i.key !== undefined ? { prefix: i.prefix, key: i.key, type: i.value.type, value: i.value.value } : { parts: i.oid, type: i.value.type, value: i.value.value };

const clamp = (v: number, lo: number, hi: number): number => (Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.floor(v))) : lo);

/** Rough BER size of a varbind: sequence and tag/length overhead, OID sub-ids, value bytes. */
export function estimateSize(v: Varbind): number {
  const oidBytes = v.prefix ? v.prefix.length + (v.key?.length ?? 0) + 4 : v.parts ? v.parts.length + 4 : Math.ceil((v.oid?.length ?? 0) / 2.5);
  const value = Buffer.isBuffer(v.value) ? v.value.length : typeof v.value === 'string' ? v.value.length : 5;
  return 8 + oidBytes + value;
}
