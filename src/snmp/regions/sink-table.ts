/** dxgwSinkTable from the last answer of the SinkCountersProvider (refreshed by the agent). */
import { MAX_NAME_LENGTH, Oids, SinkColumn as C } from '../mib.js';
import { stringIndex, type Oid } from '../oid.js';
import type { SinkCounters } from '../sink-counters.js';
import { counter64, dateAndTime, gauge32, octets, text, type SnmpValue } from '../values.js';
import { InstanceList, type InstanceEntry } from './instance-list.js';
import type { Instance, MibRegion } from './region.js';

export class SinkTableRegion implements MibRegion {
  readonly prefix: Oid = Oids.sinkEntry;
  private list = new InstanceList([]);

  update(sinks: SinkCounters[]): void {
    const entries: InstanceEntry[] = [];
    for (const s of sinks) {
      const index = stringIndex(s.name);
      if (index[0]! < 1 || index[0]! > MAX_NAME_LENGTH) continue;
      const col = (c: number, value: SnmpValue): InstanceEntry => ({ oid: [...Oids.sinkEntry, c, ...index], value });
      const optionalTime = (ms: number | null | undefined) => octets(ms === null || ms === undefined ? Buffer.alloc(0) : dateAndTime(ms));
      entries.push(
        col(C.waiting, gauge32(s.waiting)),
        col(C.delayed, gauge32(s.delayed)),
        col(C.failed, gauge32(s.failed)),
        col(C.delivered, counter64(s.delivered)),
        col(C.lastErrorTime, optionalTime(s.lastErrorTime)),
        col(C.lastError, text(s.lastError)),
        col(C.failingSince, optionalTime(s.failingSince)),
      );
    }
    this.list = new InstanceList(entries);
  }

  get(oid: Oid): SnmpValue | undefined {
    return this.list.get(oid);
  }

  next(oid: Oid): Instance | undefined {
    return this.list.next(oid);
  }
}
