/**
 * DXGW-MIB notifications from subscriber events. Binding objects carry the binding's index
 * (virtual router, address) as their instance, as Juniper-DHCP-MIB's notifications do, so
 * an NMS can look the row up; the reason and the delivery failure travel as .0 instances.
 */
import type { SubscriberEvent } from '../../events/event.js';
import { BindingColumn, BindingStateValue, DeleteReasonValue, MAX_NAME_LENGTH, Oids } from '../../snmp/mib.js';
import { formatOid, ipIndex, type Oid } from '../../snmp/oid.js';
import { hexBytes, integer, ipAddress, octets, text, unsigned32, type SnmpValue } from '../../snmp/values.js';

export interface NotificationVarbind {
  oid: string;
  type: number;
  value: unknown;
}

export interface Notification {
  /** snmpTrapOID.0: which notification. */
  oid: string;
  varbinds: NotificationVarbind[];
}

/** The binding's row index; a virtual router name beyond the MIB's 64 bytes is cut there. */
function bindingIndex(vr: string, ip: string): number[] {
  const name = Buffer.from(vr, 'utf8').subarray(0, MAX_NAME_LENGTH);
  const address = /^\d{1,3}(\.\d{1,3}){3}$/.test(ip) ? ipIndex(ip) : [0, 0, 0, 0];
  return [name.length, ...name, ...address];
}

const vb = (oid: Oid, v: SnmpValue): NotificationVarbind => ({ oid: formatOid(oid), type: v.type, value: v.value });

function bindingVarbinds(e: SubscriberEvent, columns: number[]): NotificationVarbind[] {
  const index = bindingIndex(e.subscriber.vr, e.subscriber.ip);
  const s = e.subscriber;
  const value = (column: number): SnmpValue => {
    switch (column) {
      case BindingColumn.macAddress:
        return octets(hexBytes(s.mac));
      case BindingColumn.clientId:
        return octets(hexBytes(s.clientId));
      case BindingColumn.giaddr:
        return ipAddress(s.giaddr);
      case BindingColumn.circuitId:
        return octets(hexBytes(s.circuitId));
      case BindingColumn.remoteId:
        return octets(hexBytes(s.remoteId));
      case BindingColumn.state:
        // Events exist only for active bindings (DESIGN §2).
        return integer(BindingStateValue.active);
      case BindingColumn.interfaceName:
        return text(e.interface?.name);
      case BindingColumn.profile:
        return text(e.interface?.profile);
      default:
        return unsigned32(e.lease.seconds);
    }
  };
  return columns.map((c) => vb([...Oids.bindingEntry, c, ...index], value(c)));
}

const C = BindingColumn;

/**
 * address-added → dxgwBindingCreated; address-deleted → dxgwBindingDeleted, then, for reason
 * replaced, dxgwDuplicateClient. Other events send nothing.
 */
export function notificationsFor(e: SubscriberEvent): Notification[] {
  if (e.type === 'address-added') {
    const columns = [C.macAddress, C.clientId, C.giaddr, C.circuitId, C.remoteId, C.state, C.interfaceName, C.profile, C.leaseSeconds];
    return [{ oid: formatOid(Oids.bindingCreated), varbinds: bindingVarbinds(e, columns) }];
  }
  if (e.type !== 'address-deleted') return [];
  const reason = e.reason ? DeleteReasonValue[e.reason] : undefined;
  const deleted: Notification = {
    oid: formatOid(Oids.bindingDeleted),
    varbinds: [
      ...bindingVarbinds(e, [C.macAddress, C.clientId, C.interfaceName]),
      ...(reason ? [vb([...Oids.notifyDeleteReason, 0], integer(reason))] : []),
    ],
  };
  if (e.reason !== 'replaced') return [deleted];
  return [deleted, { oid: formatOid(Oids.duplicateClient), varbinds: bindingVarbinds(e, [C.macAddress, C.clientId, C.interfaceName, C.circuitId]) }];
}

export function deliveryFailedNotification(sink: string, eventId: string, error: string): Notification {
  return {
    oid: formatOid(Oids.deliveryFailed),
    varbinds: [
      vb([...Oids.notifySinkName, 0], text(sink.slice(0, MAX_NAME_LENGTH) || '?', MAX_NAME_LENGTH)),
      vb([...Oids.notifyEventId, 0], text(eventId)),
      vb([...Oids.notifyError, 0], text(error)),
    ],
  };
}
