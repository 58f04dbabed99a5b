/**
 * Wire constants of NetFlow v9 (RFC 3954) and IPFIX (RFC 7011), and the information elements
 * (RFC 7012 / IANA "IPFIX Information Elements"; NetFlow v9 field types 1–127 share the
 * numbers) that flow activation reads.
 */
export const NETFLOW_V9 = 9;
export const IPFIX = 10;

/** RFC 3954 §5.1: version, count, sysUptime, UNIX secs, sequence, source id. */
export const V9_HEADER_LENGTH = 20;
/** RFC 7011 §3.1: version, length, export time, sequence, observation domain id. */
export const IPFIX_HEADER_LENGTH = 16;
/** Set / FlowSet header: id and length (both protocols). */
export const SET_HEADER_LENGTH = 4;

/** RFC 3954 §5.2/§6.1: FlowSet ids 0 (templates), 1 (options templates), 2–255 reserved. */
export const V9_TEMPLATE_SET = 0;
export const V9_OPTIONS_TEMPLATE_SET = 1;
/** RFC 7011 §3.3.2: Set ids 2 (templates), 3 (options templates); 0, 1, 4–255 reserved. */
export const IPFIX_TEMPLATE_SET = 2;
export const IPFIX_OPTIONS_TEMPLATE_SET = 3;
/** Data (Flow)Sets carry the id of their template, 256 or above (both protocols). */
export const MIN_DATA_SET_ID = 256;

/** RFC 7011 §7: a field length of 65535 means "variable length". */
export const VARIABLE_LENGTH = 0xffff;
/** RFC 7011 §3.2: the top bit of an IE id says an enterprise number follows. */
export const ENTERPRISE_BIT = 0x8000;

/** Information elements dxgw reads; every other field is skipped over. */
export const IE = {
  packetDeltaCount: 2,
  protocolIdentifier: 4,
  sourceTransportPort: 7,
  sourceIPv4Address: 8,
  destinationTransportPort: 11,
  /** sysUpTime (ms) of the last / first packet: v9 header-relative, IPFIX relative to systemInitTimeMilliseconds. */
  flowEndSysUpTime: 21,
  flowStartSysUpTime: 22,
  /** type × 256 + code. */
  icmpTypeCodeIPv4: 32,
  sourceMacAddress: 56,
  postSourceMacAddress: 81,
  packetTotalCount: 86,
  flowStartSeconds: 150,
  flowEndSeconds: 151,
  flowStartMilliseconds: 152,
  flowEndMilliseconds: 153,
  /** dateTimeMicroseconds / dateTimeNanoseconds: NTP-format timestamps (RFC 7011 §6.1.9–10). */
  flowStartMicroseconds: 154,
  flowEndMicroseconds: 155,
  flowStartNanoseconds: 156,
  flowEndNanoseconds: 157,
  systemInitTimeMilliseconds: 160,
  icmpTypeIPv4: 176,
} as const;

/** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

export const PROTOCOL_ICMP = 1;
export const PROTOCOL_UDP = 17;
