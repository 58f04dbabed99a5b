/**
 * Why a datagram, set, template or record was not used: stable names, counted and exported in
 * /metrics as dxgw_flow_errors_total{reason} (docs/config.md "Flow records"). Never a throw:
 * every byte of a flow export is hostile input.
 */
export const FLOW_ERROR_REASONS = [
  /** Shorter than the v9 / IPFIX message header. */
  'datagram-too-short',
  /** Version field neither 9 nor 10 (NetFlow v5, garbage, another protocol on the port). */
  'unsupported-version',
  /** IPFIX: the header's length is not the datagram's length. */
  'bad-message-length',
  /** From an address not in activation.flows.exporters. */
  'exporter-not-allowed',
  /** A set header whose length is below 4 (the rest of the message is skipped). */
  'set-too-short',
  /** A set longer than what remains of the message (the rest is skipped). */
  'set-overrun',
  /** A set id that is reserved (v9 2–255, IPFIX 0, 1, 4–255). */
  'reserved-set-id',
  /** A data set whose template this exporter has not sent (or withdrew, or let expire). */
  'unknown-template',
  /** A template record cut short by the end of its set. */
  'template-truncated',
  /** A template id below 256 (the rest of its set is skipped). */
  'template-bad-id',
  /** A template that cannot describe records: no fields (v9), options scope count 0 or above the field count, v9 option lengths not whole fields. */
  'template-malformed',
  /** A template whose records would be 0 bytes long (every field of length 0). */
  'template-zero-length',
  /** A new template while the cache is full (activation.flows limits; expiry frees room). */
  'template-limit',
  /** A field dxgw reads, declared with a length it cannot read (a 2-byte IPv4 address …): the field is ignored. */
  'bad-field-length',
  /** A variable-length field running past the end of its set (the rest of the set is skipped). */
  'record-truncated',
] as const;

export type FlowErrorReason = (typeof FLOW_ERROR_REASONS)[number];

/**
 * What became of a data record: exported as dxgw_flow_records_total{result}.
 * `observed`: handed to the lease engine as the subscriber's data (it may still refuse: MAC
 * mismatch with activation.matchMac, route map deny).
 */
export const FLOW_RECORD_RESULTS = ['observed', 'not-awaiting', 'no-ipv4-source', 'dhcp', 'icmp-error', 'before-binding'] as const;

export type FlowRecordResult = (typeof FLOW_RECORD_RESULTS)[number];

export function zeroCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}
