/** Event drafts from bindings, in the seed's order: created → added; interface deleted → address deleted. */
import type { Binding } from '../leases/binding.js';
import type { DeleteReason } from '../leases/observation.js';
import type { EventDraft, EventType, SubscriberIdentity } from './event.js';

export function subscriberOf(b: Binding): SubscriberIdentity {
  return {
    vr: b.vr,
    ip: b.ip,
    mac: b.mac,
    clientId: b.clientId,
    giaddr: b.giaddr,
    serverId: b.serverId,
    circuitId: b.circuitId,
    remoteId: b.remoteId,
    vlans: b.vlans,
  };
}

/** Option 1 (Subnet Mask) of the ACK as a dotted quad; null when absent or not 4 bytes (hostile input). */
export function subnetMaskOf(serverOptions: Readonly<Record<string, string>>): string | null {
  const hex = serverOptions['1'];
  if (hex === undefined || !/^[0-9a-fA-F]{8}$/.test(hex)) return null;
  return [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
}

function draft(type: EventType, b: Binding, time: number, reason: DeleteReason | null): EventDraft {
  return {
    type,
    time,
    sessionId: b.sessionId,
    reason,
    subscriber: subscriberOf(b),
    interface: b.interfaceName === null ? null : { name: b.interfaceName, profile: b.profile, vr: b.interfaceVr ?? b.vr },
    lease: { seconds: b.leaseSeconds, startedAt: b.leaseStart, expiresAt: b.expiresAt, subnetMask: subnetMaskOf(b.serverOptions) },
    activatedAt: b.activatedAt,
    loginName: b.loginName,
    attributes: b.attributes,
    dhcpOptions: type === 'address-added' ? { client: b.clientOptions, server: b.serverOptions } : null,
  };
}

export function activationEvents(b: Binding, time: number): EventDraft[] {
  return [draft('interface-created', b, time, null), draft('address-added', b, time, null)];
}

export function renewalEvents(b: Binding, time: number): EventDraft[] {
  return [draft('address-renewed', b, time, null)];
}

export function changeEvents(b: Binding, time: number): EventDraft[] {
  return [draft('interface-changed', b, time, null)];
}

/** A binding that never became active leaves silently (DESIGN §2). */
export function deletionEvents(b: Binding, time: number, reason: DeleteReason): EventDraft[] {
  if (b.state !== 'active') return [];
  return [draft('interface-deleted', b, time, reason), draft('address-deleted', b, time, reason)];
}
