/** SNMPv2-MIB system group, so `snmpwalk` with no OID and NMS discovery find the agent. */
import { Oids, SnmpV2 } from '../mib.js';
import type { Oid } from '../oid.js';
import { integer, objectId, text, timeTicks, type SnmpValue } from '../values.js';
import { InstanceList } from './instance-list.js';
import type { Instance, MibRegion } from './region.js';

export interface SystemInfo {
  descr: string;
  name: string;
  contact?: string;
  location?: string;
}

export class SystemGroupRegion implements MibRegion {
  readonly prefix: Oid = [1, 3, 6, 1, 2, 1, 1];
  private readonly list: InstanceList;

  constructor(info: SystemInfo, startedAt = performance.now()) {
    this.list = new InstanceList([
      { oid: SnmpV2.sysDescr, value: text(info.descr) },
      { oid: SnmpV2.sysObjectID, value: objectId(Oids.root) },
      { oid: SnmpV2.sysUpTime, value: () => timeTicks((performance.now() - startedAt) / 10) },
      { oid: SnmpV2.sysContact, value: text(info.contact ?? '') },
      { oid: SnmpV2.sysName, value: text(info.name) },
      { oid: SnmpV2.sysLocation, value: text(info.location ?? '') },
      // Applications (layer 7), per RFC 3418.
      { oid: SnmpV2.sysServices, value: integer(64) },
    ]);
  }

  get(oid: Oid): SnmpValue | undefined {
    return this.list.get(oid);
  }

  next(oid: Oid): Instance | undefined {
    return this.list.next(oid);
  }
}
