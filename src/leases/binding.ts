/**
 * A shadow lease: what dxgw knows about one subscriber's address, keyed by (virtual router,
 * IP). Addresses are kept in their printed forms (dotted quad, colon hex) because they are
 * what every consumer (Redis hash, events, REST, SNMP) shows; the hot path works on numbers.
 */
/**
 * bound: has a lease, waits for its first data packet; active: has a dynamic subscriber
 * interface; denied: the route map refused it an interface (no events until it ends).
 */
export type BindingState = 'bound' | 'active' | 'denied';

/** Who a subscriber is, as every northbound consumer sees it (events, REST, SNMP). */
export interface SubscriberIdentity {
  vr: string;
  ip: string;
  mac: string;
  clientId: string | null;
  giaddr: string;
  serverId: string | null;
  circuitId: string | null;
  remoteId: string | null;
  vlans: number[];
}

export interface Binding extends SubscriberIdentity {
  /** Unique per binding instance, stable across restarts: Acct-Session-Id and event ids derive from it. */
  sessionId: string;
  state: BindingState;
  /** Option 51 of the last ACK; INFINITE_LEASE (0xffffffff) never expires. */
  leaseSeconds: number;
  /** Time of the ACK that last set the lease (ms since epoch, capture clock). */
  leaseStart: number;
  /** When the shadow lease runs out (ms), or null for an infinite lease. */
  expiresAt: number | null;
  /** Time of the first ACK of this binding instance. */
  boundAt: number;
  activatedAt: number | null;
  /** Dynamic subscriber interface, once active. */
  interfaceName: string | null;
  profile: string | null;
  /** Virtual router of the subscriber interface (route map `set virtualRouter`), once active. */
  interfaceVr: string | null;
  loginName: string | null;
  attributes: Record<string, string>;
  /** Client's REQUEST options and server's ACK options (code → plain hex), for the northbound. */
  clientOptions: Record<string, string>;
  serverOptions: Record<string, string>;
  /**
   * Tag of the ACK that last set the lease (its xid, top bit flipped for renewals): with the
   * time, recognises the same ACK seen twice. Clients such as udhcpc reuse one xid for the
   * DORA and the renewals that follow, so the xid alone is not enough.
   */
  lastXid: number;
  /** Bumped on every write: the guard against concurrent writers (compare-and-set). */
  rev: number;
}

export const DEFAULT_VR = 'default';

export function bindingKey(vr: string, ip: string): string {
  return `${vr}|${ip}`;
}
