/** dxgwSinkTable from the last answer of the SinkCountersProvider (refreshed by the agent). */
import { MAX_NAME_LENGTH, Oids } from '../mib.js';
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
      entries.push(
        col(2, gauge32(s.waiting)),
        col(3, gauge32(s.delayed)),
        col(4, gauge32(s.failed)),
        col(5, counter64(s.delivered)),
        col(6, octets(s.lastErrorTime === null ? Buffer.alloc(0) : dateAndTime(s.lastErrorTime))),
        col(7, text(s.lastError)),
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
