/**
 * DXGW-MIB notifications from subscriber events. Binding objects carry the binding's index
 * (virtual router, address) as their instance, as Juniper-DHCP-MIB's notifications do, so
 * an NMS can look the row up; the reason and a sink's failure and recovery travel as .0
 * instances (and the sink's failing-since as its sink table row).
 */
import type { SubscriberEvent } from '../../events/event.js';
import type { CaptureDropEpisode } from '../../run/capture-health.js';
import { BindingColumn, BindingStateValue, CaptureHandleValue, DeleteReasonValue, MAX_NAME_LENGTH, Oids, SinkColumn } from '../../snmp/mib.js';
import { formatOid, ipIndex, stringIndex, type Oid } from '../../snmp/oid.js';
import { dateAndTime, hexBytes, integer, ipAddress, octets, text, unsigned32, type SnmpValue } from '../../snmp/values.js';
import type { SinkEpisode, SinkRecovery } from '../sink-health.js';

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

const sinkName = (sink: string): NotificationVarbind => vb([...Oids.notifySinkName, 0], text(sink || '?', MAX_NAME_LENGTH));

/** dxgwDeliveryFailed: a sink started failing (once per episode); FailingSince carries the sink's row index. */
export function sinkFailingNotification(e: SinkEpisode): Notification {
  return {
    oid: formatOid(Oids.deliveryFailed),
    varbinds: [
      sinkName(e.sink),
      vb([...Oids.notifyFailures, 0], unsigned32(e.failures)),
      vb([...Oids.notifyGaveUp, 0], unsigned32(e.gaveUp)),
      vb([...Oids.notifyError, 0], text(e.lastError)),
      vb([...Oids.sinkEntry, SinkColumn.failingSince, ...stringIndex(e.sink)], octets(dateAndTime(e.since))),
    ],
  };
}

/** dxgwDeliveryRecovered: the episode's totals and length. */
export function sinkRecoveredNotification(r: SinkRecovery): Notification {
  return {
    oid: formatOid(Oids.deliveryRecovered),
    varbinds: [
      sinkName(r.sink),
      vb([...Oids.notifyFailures, 0], unsigned32(r.failures)),
      vb([...Oids.notifyGaveUp, 0], unsigned32(r.gaveUp)),
      vb([...Oids.notifyFailingSeconds, 0], unsigned32(Math.round(Math.max(0, r.recoveredAt - r.since) / 1000))),
    ],
  };
}

/** dxgwCaptureDropping: a capture handle started dropping (once per episode). */
export function captureDroppingNotification(e: CaptureDropEpisode): Notification {
  return {
    oid: formatOid(Oids.captureDropping),
    varbinds: [vb([...Oids.notifyCaptureHandle, 0], integer(CaptureHandleValue[e.handle])), vb([...Oids.notifyCaptureDrops, 0], unsigned32(e.drops))],
  };
}

/** dxgwCaptureDropsCleared: the episode's drops and length. */
export function captureDropsClearedNotification(e: CaptureDropEpisode): Notification {
  return {
    oid: formatOid(Oids.captureDropsCleared),
    varbinds: [
      vb([...Oids.notifyCaptureHandle, 0], integer(CaptureHandleValue[e.handle])),
      vb([...Oids.notifyCaptureDrops, 0], unsigned32(e.drops)),
      vb([...Oids.notifyDroppingSeconds, 0], unsigned32(Math.round(Math.max(0, e.lastDropAt - e.since) / 1000))),
    ],
  };
}
