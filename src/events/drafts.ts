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

const HEX8 = /^[0-9a-fA-F]{8}$/;

/** Option 1 (Subnet Mask) of the ACK as a dotted quad; null when absent or not 4 bytes (hostile input). */
export function subnetMaskOf(serverOptions: Readonly<Record<string, string>>): string | null {
  const hex = serverOptions['1'];
  if (hex === undefined || !HEX8.test(hex)) return null;
  const n = parseInt(hex, 16);
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * The drafts of one transition share what they say about the binding (subscriber,
 * interface, lease): built once, never mutated (stores serialise or stamp them).
 */
function drafts(types: readonly EventType[], b: Binding, time: number, reason: DeleteReason | null): EventDraft[] {
  const subscriber = subscriberOf(b);
  const iface = b.interfaceName === null ? null : { name: b.interfaceName, profile: b.profile, vr: b.interfaceVr ?? b.vr };
  const lease = { seconds: b.leaseSeconds, startedAt: b.leaseStart, expiresAt: b.expiresAt, subnetMask: subnetMaskOf(b.serverOptions) };
  return types.map((type) => ({
    type,
    time,
    sessionId: b.sessionId,
    reason,
    subscriber,
    interface: iface,
    lease,
    activatedAt: b.activatedAt,
    loginName: b.loginName,
    attributes: b.attributes,
    dhcpOptions: type === 'address-added' ? { client: b.clientOptions, server: b.serverOptions } : null,
  }));
}

const ACTIVATION: readonly EventType[] = ['interface-created', 'address-added'];
const RENEWAL: readonly EventType[] = ['address-renewed'];
const CHANGE: readonly EventType[] = ['interface-changed'];
const DELETION: readonly EventType[] = ['interface-deleted', 'address-deleted'];

export function activationEvents(b: Binding, time: number): EventDraft[] {
  return drafts(ACTIVATION, b, time, null);
}

export function renewalEvents(b: Binding, time: number): EventDraft[] {
  return drafts(RENEWAL, b, time, null);
}

export function changeEvents(b: Binding, time: number): EventDraft[] {
  return drafts(CHANGE, b, time, null);
}

/** A binding that never became active leaves silently (DESIGN §2). */
export function deletionEvents(b: Binding, time: number, reason: DeleteReason): EventDraft[] {
  if (b.state !== 'active') return [];
  return drafts(DELETION, b, time, reason);
}
