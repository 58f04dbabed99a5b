/** What the DAE did, for metrics: monotonic counts since the server started. */
export type DropReason =
  /** Source address not in dae.clients. */
  | 'unknown-client'
  /** Request Authenticator did not verify: wrong secret or forgery. */
  | 'bad-authenticator'
  | 'bad-message-authenticator'
  /** Short, Length outside 20..4096 or beyond the datagram, attributes not walking to Length. */
  | 'malformed'
  /** A code other than Disconnect-Request and CoA-Request (responses, Access-Request …). */
  | 'unsupported-code'
  /** Event-Timestamp outside the replay window (RFC 5176 §3.5). */
  | 'stale-timestamp'
  /** The answer could not be sent. */
  | 'send-error';

export interface DaeCounters {
  /** Datagrams received, before any check. */
  datagrams: number;
  /** Authenticated requests by code name (duplicates excluded). */
  requests: { 'Disconnect-Request': number; 'CoA-Request': number };
  acks: { 'Disconnect-ACK': number; 'CoA-ACK': number };
  /** NAKs (Disconnect and CoA together) by Error-Cause value. */
  naks: Record<string, number>;
  /** Retransmissions answered from the duplicate cache. */
  duplicates: number;
  dropped: Record<DropReason, number>;
}

export const zeroDaeCounters = (): DaeCounters => ({
  datagrams: 0,
  requests: { 'Disconnect-Request': 0, 'CoA-Request': 0 },
  acks: { 'Disconnect-ACK': 0, 'CoA-ACK': 0 },
  naks: {},
  duplicates: 0,
  dropped: {
    'unknown-client': 0,
    'bad-authenticator': 0,
    'bad-message-authenticator': 0,
    malformed: 0,
    'unsupported-code': 0,
    'stale-timestamp': 0,
    'send-error': 0,
  },
});
