/**
 * dxgwBindingTable served from the mirror's sorted rows: GET is a map lookup, GETNEXT a
 * binary search (column-major, as SNMP orders a table: every row of column 3, then of 4 …).
 * SET: only dxgwBindingRowStatus = destroy(6), which clears the binding through the same
 * BindingService as `dxgw bindings clear` (so the same deletion events go out).
 */
import snmp from 'net-snmp';
import type { BindingFilter } from '../../leases/store.js';
import type { BindingMirror } from '../binding-mirror.js';
import { indexKey, searchKey, type BindingRow } from '../binding-row.js';
import { BindingColumn, BindingStateValue, Oids, RowStatusValue } from '../mib.js';
import { compareOids, readIpIndex, readStringIndex, startsWith, type Oid } from '../oid.js';
import { dateAndTime, hexBytes, integer, ipAddress, octets, T, text, unsigned32, type SnmpValue } from '../values.js';
import type { Instance, MibRegion, SetCheck } from './region.js';

/** What a destroy calls: BindingService.clear (keyed on address and hardware address). */
export interface BindingClearer {
  clear(filter: BindingFilter): Promise<{ cleared: number }>;
}

const COLUMNS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14] as const;
/** Column position, row position, and the row (to notice the rows changed under the cursor). */
type Cursor = { c: number; at: number; row: BindingRow };
const FOREVER = 0xffffffff;
const E = snmp.ErrorStatus;

export class BindingTableRegion implements MibRegion {
  readonly prefix: Oid = Oids.bindingEntry;
  private readonly columnOids = COLUMNS.map((c) => [...Oids.bindingEntry, c]);

  constructor(
    private readonly mirror: BindingMirror,
    /** Without one the table is read-only (every SET is notWritable). */
    private readonly clearer?: BindingClearer,
  ) {}

  get(oid: Oid): SnmpValue | undefined {
    const p = this.prefix.length;
    if (oid.length <= p + 1 || !startsWith(oid, this.prefix)) return undefined;
    const col = COLUMNS.indexOf(oid[p]! as (typeof COLUMNS)[number]);
    const index = oid.slice(p + 1);
    if (col < 0 || index.some((s) => s > 255)) return undefined;
    const row = this.mirror.rows.get(indexKey(index));
    return row && this.value(COLUMNS[col]!, row, this.mirror.clock());
  }

  next(oid: Oid): Instance | undefined {
    const rows = this.mirror.rows;
    if (rows.size === 0) return undefined;
    const p = this.prefix.length;
    let column = 0;
    let key = '';
    if (startsWith(oid, this.prefix)) {
      if (oid.length > p) {
        column = oid[p]!;
        key = searchKey(oid.slice(p + 1));
      }
    } else if (compareOids(oid, this.prefix) > 0) {
      return undefined;
    }
    const now = this.mirror.clock();
    for (let c = 0; c < COLUMNS.length; c++) {
      if (COLUMNS[c]! < column) continue;
      const at = COLUMNS[c] === column ? rows.upperBound(key) : 0;
      const row = rows.at(at);
      if (row) return this.instance(c, at, row, now);
    }
    return undefined;
  }

  /** Same column, next row; past the last row, the next column's first. */
  nextAfter(previous: Instance): Instance | undefined {
    const cursor = previous.cursor as Cursor | undefined;
    const rows = this.mirror.rows;
    if (!cursor || rows.at(cursor.at) !== cursor.row) return this.next(previous.oid);
    const now = this.mirror.clock();
    const row = rows.at(cursor.at + 1);
    if (row) return this.instance(cursor.c, cursor.at + 1, row, now);
    const first = rows.at(0);
    return first && cursor.c + 1 < COLUMNS.length ? this.instance(cursor.c + 1, 0, first, now) : undefined;
  }

  checkSet(oid: Oid, type: number, value: unknown): SetCheck {
    const p = this.prefix.length;
    if (!this.clearer || oid[p] !== BindingColumn.rowStatus) return { error: E.NotWritable };
    const vr = readStringIndex(oid, p + 1);
    const ip = vr && readIpIndex(oid, vr.end);
    if (!vr || !ip || ip.end !== oid.length) return { error: E.NoCreation };
    if (type !== T.Integer) return { error: E.WrongType };
    const row = this.mirror.rows.get(indexKey(oid.slice(p + 1)));
    if (value === RowStatusValue.active && row) return { commit: async () => {} };
    if (value !== RowStatusValue.destroy) return { error: E.WrongValue };
    const clearer = this.clearer;
    return {
      commit: async () => {
        // Keyed on (address, MAC) as the manager saw the row: a re-allocated address is left alone.
        await clearer.clear(row ? { vr: vr.text, ip: ip.ip, mac: row.mac } : { vr: vr.text, ip: ip.ip });
        await this.mirror.refresh(vr.text, ip.ip);
      },
    };
  }

  private instance(c: number, at: number, row: BindingRow, now: number): Instance {
    return new RowInstance(this.columnOids[c]!, row.key, this.value(COLUMNS[c]!, row, now), { c, at, row });
  }

  private value(column: number, row: BindingRow, now: number): SnmpValue {
    switch (column) {
      case BindingColumn.macAddress:
        return octets(hexBytes(row.mac));
      case BindingColumn.clientId:
        return octets(hexBytes(row.clientId));
      case BindingColumn.giaddr:
        return ipAddress(row.giaddr);
      case BindingColumn.circuitId:
        return octets(hexBytes(row.circuitId));
      case BindingColumn.remoteId:
        return octets(hexBytes(row.remoteId));
      case BindingColumn.state:
        return integer(BindingStateValue[row.state]);
      case BindingColumn.interfaceName:
        return text(row.interfaceName);
      case BindingColumn.profile:
        return text(row.profile);
      case BindingColumn.leaseStart:
        return octets(dateAndTime(row.leaseStart));
      case BindingColumn.leaseSeconds:
        return unsigned32(row.leaseSeconds);
      case BindingColumn.secondsRemaining:
        // Rounded as `dxgw bindings` rounds it.
        return unsigned32(row.expiresAt === null ? FOREVER : Math.max(0, Math.round((row.expiresAt - now) / 1000)));
      default:
        return integer(RowStatusValue.active);
    }
  }
}

/** A cell: its OID array is built only if something asks (a walk's encoder uses prefix + key). */
class RowInstance implements Instance {
  private full: Oid | undefined;

  constructor(
    readonly prefix: Oid,
    readonly key: string,
    readonly value: SnmpValue,
    readonly cursor: Cursor,
  ) {}

  get oid(): Oid {
    if (!this.full) {
      const oid = this.prefix.slice();
      for (let i = 0; i < this.key.length; i++) oid.push(this.key.charCodeAt(i));
      this.full = oid;
    }
    return this.full;
  }
}
