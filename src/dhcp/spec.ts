/**
 * DHCPv4 protocol constants: RFC 2131 (message format), RFC 2132 (options), RFC 3046
 * (relay agent information), RFC 4388/6926 (leasequery types), RFC 3203 (FORCERENEW).
 */

/** RFC 2131 §3: the four octets that open the options field. */
export const MAGIC_COOKIE = 0x63825363;
/** RFC 2131 §2: op, htype … file are 236 octets; the cookie follows. */
export const FIXED_HEADER_LENGTH = 236;
export const OPTIONS_OFFSET = 240;
/** Offsets of the fields that option overload (52) may reuse (RFC 2131 §4.1). */
export const SNAME_OFFSET = 44;
export const SNAME_LENGTH = 64;
export const FILE_OFFSET = 108;
export const FILE_LENGTH = 128;
export const CHADDR_OFFSET = 28;

export const BootpOp = { REQUEST: 1, REPLY: 2 } as const;

/** Option 53 values. */
export const MessageType = {
  DISCOVER: 1,
  OFFER: 2,
  REQUEST: 3,
  DECLINE: 4,
  ACK: 5,
  NAK: 6,
  RELEASE: 7,
  INFORM: 8,
  FORCERENEW: 9,
  LEASEQUERY: 10,
  LEASEUNASSIGNED: 11,
  LEASEUNKNOWN: 12,
  LEASEACTIVE: 13,
  BULKLEASEQUERY: 14,
  LEASEQUERYDONE: 15,
  ACTIVELEASEQUERY: 16,
  LEASEQUERYSTATUS: 17,
  TLS: 18,
} as const;

const MESSAGE_TYPE_NAMES: string[] = [];
for (const [name, value] of Object.entries(MessageType)) MESSAGE_TYPE_NAMES[value] = name;

/** Name of a DHCP message type; BOOTP messages (no option 53) are named by their op. */
export function messageTypeName(type: number, op: number): string {
  if (type === 0) return op === BootpOp.REQUEST ? 'BOOTREQUEST' : 'BOOTREPLY';
  return MESSAGE_TYPE_NAMES[type] ?? `UNKNOWN-${type}`;
}

export const Option = {
  PAD: 0,
  SUBNET_MASK: 1,
  ROUTER: 3,
  DNS_SERVERS: 6,
  HOST_NAME: 12,
  DOMAIN_NAME: 15,
  REQUESTED_IP: 50,
  LEASE_TIME: 51,
  OVERLOAD: 52,
  MESSAGE_TYPE: 53,
  SERVER_ID: 54,
  PARAMETER_REQUEST_LIST: 55,
  MESSAGE: 56,
  MAX_MESSAGE_SIZE: 57,
  RENEWAL_TIME: 58,
  REBINDING_TIME: 59,
  VENDOR_CLASS: 60,
  CLIENT_ID: 61,
  CLIENT_FQDN: 81,
  RELAY_AGENT_INFO: 82,
  END: 255,
} as const;

/** Options whose value has a fixed length; a different length is a decode error. */
export const FIXED_OPTION_LENGTHS: ReadonlyMap<number, number> = new Map([
  [Option.REQUESTED_IP, 4],
  [Option.LEASE_TIME, 4],
  [Option.OVERLOAD, 1],
  [Option.MESSAGE_TYPE, 1],
  [Option.SERVER_ID, 4],
  [Option.RENEWAL_TIME, 4],
  [Option.REBINDING_TIME, 4],
]);

/** RFC 2131 §3.3: a lease of 0xffffffff never expires. */
export const INFINITE_LEASE = 0xffffffff;

/** RFC 3046 §2.0 sub-options of option 82. */
export const RelayAgentSubOption = { CIRCUIT_ID: 1, REMOTE_ID: 2 } as const;

/** Option 52 values. */
export const Overload = { FILE: 1, SNAME: 2, BOTH: 3 } as const;
