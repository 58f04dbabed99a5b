/**
 * Observations: the facts the lease engine acts on. DHCP messages, data packets, timers and
 * operator actions all arrive as observations, so every way a binding ends produces the
 * same events (DESIGN §1 "One direction").
 */
export type DeleteReason = 'released' | 'expired' | 'nak' | 'declined' | 'cleared' | 'disconnected' | 'replaced';

export interface ClientIdentity {
  vr: string;
  mac: string;
  clientId: string | null;
}

/** A server ACK carrying a lease (yiaddr, or ciaddr for a renewal). */
export interface AckObservation extends ClientIdentity {
  kind: 'ack';
  time: number;
  ip: string;
  xid: number;
  /** ciaddr was set: the client renews/rebinds (RFC 2131 §4.3.2), as opposed to a DORA. */
  renewal: boolean;
  giaddr: string;
  serverId: string | null;
  circuitId: string | null;
  remoteId: string | null;
  vlans: number[];
  leaseSeconds: number;
  clientOptions: Record<string, string>;
  serverOptions: Record<string, string>;
}

/** RELEASE from the client (RFC 2131 §4.4.6): ciaddr is the address given back. */
export interface ReleaseObservation extends ClientIdentity {
  kind: 'release';
  time: number;
  ip: string;
}

/** DECLINE (RFC 2131 §4.4.3): option 50 is the address the client found in use. */
export interface DeclineObservation extends ClientIdentity {
  kind: 'decline';
  time: number;
  ip: string;
}

/** NAK to a client: whatever it held is gone (RFC 2131 §4.3.2). */
export interface NakObservation extends ClientIdentity {
  kind: 'nak';
  time: number;
}

/** A non-DHCP IPv4 packet from a subscriber address: activation (DESIGN §2). */
export interface DataObservation {
  kind: 'data';
  time: number;
  vr: string;
  ip: string;
  /** Source MAC, when the link layer carries one. */
  mac: string | null;
}

/** The shadow timer ran out. */
export interface ExpireObservation {
  kind: 'expire';
  time: number;
  vr: string;
  ip: string;
}

/** Operator clear (CLI, REST, SNMP RowStatus) or RFC 5176 Disconnect-Request. */
export interface ClearObservation {
  kind: 'clear';
  time: number;
  vr: string;
  ip: string;
  reason: 'cleared' | 'disconnected';
  /** When given, the binding is cleared only if it still belongs to this MAC (no race with re-allocation). */
  mac?: string;
}

/** RFC 5176 CoA-Request: a new interface profile and/or attributes for one binding instance. */
export interface ChangeObservation {
  kind: 'change';
  time: number;
  vr: string;
  ip: string;
  /** Only this binding instance changes (not a newer one that took the address meanwhile). */
  sessionId: string;
  profile?: string;
  /** Merged over the binding's attributes. */
  attributes: Record<string, string>;
}

export type Observation =
  | AckObservation
  | ReleaseObservation
  | DeclineObservation
  | NakObservation
  | DataObservation
  | ExpireObservation
  | ClearObservation
  | ChangeObservation;
