/** RFC 5176 numbers: packet codes, Error-Cause values and the attributes the DAE reads. */

export const CODE = {
  DISCONNECT_REQUEST: 40,
  DISCONNECT_ACK: 41,
  DISCONNECT_NAK: 42,
  COA_REQUEST: 43,
  COA_ACK: 44,
  COA_NAK: 45,
} as const;

export type RequestKind = 'disconnect' | 'coa';

export const requestKind = (code: number): RequestKind | undefined =>
  code === CODE.DISCONNECT_REQUEST ? 'disconnect' : code === CODE.COA_REQUEST ? 'coa' : undefined;

export const ackCode = (kind: RequestKind): number => (kind === 'disconnect' ? CODE.DISCONNECT_ACK : CODE.COA_ACK);
export const nakCode = (kind: RequestKind): number => (kind === 'disconnect' ? CODE.DISCONNECT_NAK : CODE.COA_NAK);

/** RFC 5176 §3.6: the causes a NAK from dxgw can carry. */
export const ERROR_CAUSE = {
  UNSUPPORTED_ATTRIBUTE: 401,
  MISSING_ATTRIBUTE: 402,
  NAS_IDENTIFICATION_MISMATCH: 403,
  INVALID_REQUEST: 404,
  UNSUPPORTED_SERVICE: 405,
  INVALID_ATTRIBUTE_VALUE: 407,
  SESSION_CONTEXT_NOT_FOUND: 503,
  SESSION_CONTEXT_NOT_REMOVABLE: 504,
  RESOURCES_UNAVAILABLE: 506,
  MULTIPLE_SESSION_SELECTION_UNSUPPORTED: 508,
} as const;

export type ErrorCause = (typeof ERROR_CAUSE)[keyof typeof ERROR_CAUSE];

/** Standard attribute numbers (RFC 2865/2866/2869/3162/5176) the DAE handles by number. */
export const ATTR = {
  USER_NAME: 1,
  NAS_IP_ADDRESS: 4,
  SERVICE_TYPE: 6,
  FRAMED_IP_ADDRESS: 8,
  REPLY_MESSAGE: 18,
  STATE: 24,
  VENDOR_SPECIFIC: 26,
  CALLING_STATION_ID: 31,
  NAS_IDENTIFIER: 32,
  PROXY_STATE: 33,
  ACCT_SESSION_ID: 44,
  ACCT_TERMINATE_CAUSE: 49,
  EVENT_TIMESTAMP: 55,
  MESSAGE_AUTHENTICATOR: 80,
  NAS_PORT_ID: 87,
  NAS_IPV6_ADDRESS: 95,
  ERROR_CAUSE: 101,
} as const;

/** Juniper ERX (FreeRADIUS dictionary.erx): ERX-Virtual-Router-Name, which our accounting sends. */
export const ERX_VIRTUAL_ROUTER_NAME = 1;
