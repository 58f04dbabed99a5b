/**
 * Binding rows in SNMP index order, with binary search: what makes a GETNEXT O(log n).
 * (net-snmp's own MIB store sorts every tree level's children again on each GETNEXT step,
 * which is what makes walking a large table slow there.) Inserts and deletes splice the
 * array (a memmove, microseconds at 100k rows); a bulk change rebuilds it with one sort.
 */
import type { BindingRow } from './binding-row.js';

export class SortedRows {
  private rows: BindingRow[] = [];
  private byKey = new Map<string, BindingRow>();

  get size(): number {
    return this.rows.length;
  }

  get(key: string): BindingRow | undefined {
    return this.byKey.get(key);
  }

  at(i: number): BindingRow | undefined {
    return this.rows[i];
  }

  values(): readonly BindingRow[] {
    return this.rows;
  }

  /** Index of the first row whose key is greater than `key`. */
  upperBound(key: string): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[mid]!.key <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Returns the row it replaced, if any. */
  upsert(row: BindingRow): BindingRow | undefined {
    const old = this.byKey.get(row.key);
    this.byKey.set(row.key, row);
    const at = this.lowerBound(row.key);
    if (old) this.rows[at] = row;
    else this.rows.splice(at, 0, row);
    return old;
  }

  delete(key: string): BindingRow | undefined {
    const old = this.byKey.get(key);
    if (!old) return undefined;
    this.byKey.delete(key);
    this.rows.splice(this.lowerBound(key), 1);
    return old;
  }

  /** Replaces everything (start-up load, resync with many changes): one sort. A Map by key is adopted as is. */
  replaceAll(rows: Iterable<BindingRow> | Map<string, BindingRow>): void {
    this.byKey = rows instanceof Map ? rows : new Map([...rows].map((r) => [r.key, r] as const));
    this.rows = [...this.byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[mid]!.key < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
