/** Subscriber events shaped like `dxgw replay` prints them, for the RADIUS sink tests. */
import type { SubscriberEvent } from '../../src/events/event.js';
import type { DeleteReason } from '../../src/leases/observation.js';

export interface Binding {
  ip: string;
  mac: string;
  sessionId: string;
  /** Activation (address-added) time, ms. */
  at: number;
  clientOptions?: Record<string, string>;
  loginName?: string | null;
  /** Route map `set attributes`. */
  attributes?: Record<string, string>;
  /** Option 82 circuit-id, colon hex (default "relay0"). */
  circuitId?: string | null;
  /** The ACK's subnet mask (option 1). */
  subnetMask?: string | null;
}

export const binding = (over: Partial<Binding> = {}): Binding => ({
  ip: '192.0.2.10',
  mac: '02:00:00:00:02:01',
  sessionId: '527e46ea59b877c6',
  at: Date.UTC(2023, 10, 14, 22, 13, 20),
  clientOptions: { '50': 'c000020a', '53': '03', '55': '011c03333a3b', '82': '010672656c617930' },
  circuitId: '72:65:6c:61:79:30',
  subnetMask: '255.255.255.0',
  ...over,
});

let seq = 0;

function event(b: Binding, type: SubscriberEvent['type'], time: number, leaseStart: number, reason: DeleteReason | null): SubscriberEvent {
  seq++;
  return {
    id: `${b.sessionId}-${seq}`,
    type,
    seq,
    site: 'default',
    time: new Date(time).toISOString(),
    sessionId: b.sessionId,
    reason,
    // No activation time: the session is timed from the lease start (the fallback these tests pin).
    activatedAt: null,
    subscriber: { vr: 'default', ip: b.ip, mac: b.mac, clientId: null, giaddr: '192.0.2.1', serverId: '198.51.100.1', circuitId: b.circuitId ?? null, remoteId: '01:02', vlans: [100] },
    interface: { name: `ip${b.ip.replace(/\./g, '-')}`, profile: null, vr: 'vr-customers' },
    lease: { seconds: 3600, startedAt: new Date(leaseStart).toISOString(), expiresAt: new Date(leaseStart + 3_600_000).toISOString(), subnetMask: b.subnetMask ?? null },
    loginName: b.loginName ?? null,
    attributes: b.attributes ?? {},
    dhcpOptions: type === 'address-added' ? { client: b.clientOptions ?? {}, server: { '1': 'ffffff00', '51': '00000e10' } } : null,
  };
}

/** address-added at `at` (lease began 100 ms before). */
export const added = (b: Binding): SubscriberEvent => event(b, 'address-added', b.at, b.at - 100, null);
/** address-renewed `after` ms after activation; the lease restarts then. */
export const renewed = (b: Binding, after = 1_800_000): SubscriberEvent => event(b, 'address-renewed', b.at + after, b.at + after, null);
/** address-deleted `after` ms after activation; the lease last started at `leaseAfter`. */
export const deleted = (b: Binding, reason: DeleteReason, after = 3_000_000, leaseAfter = 1_800_000): SubscriberEvent =>
  event(b, 'address-deleted', b.at + after, b.at + leaseAfter, reason);
export const interfaceCreated = (b: Binding): SubscriberEvent => event(b, 'interface-created', b.at, b.at - 100, null);
