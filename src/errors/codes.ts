/**
 * Stable error codes (Fastify-style): one table, documented in docs/error-codes.md.
 * A code never changes meaning once released; messages may be improved.
 */
export const ErrorCodes = {
  // capture files and live capture
  DXGW_CAPTURE_FILE_UNREADABLE: 'The capture file cannot be opened or read',
  DXGW_CAPTURE_FILE_UNKNOWN_FORMAT: 'The file is neither pcap nor pcapng (unknown magic number)',
  DXGW_CAPTURE_FILE_TRUNCATED: 'The capture file ends in the middle of a header or record',
  DXGW_CAPTURE_FILE_CORRUPT: 'A record or block header in the capture file holds impossible values',
  DXGW_CAPTURE_UNAVAILABLE: 'Live capture needs the optional `pcap` package, built against libpcap',
  DXGW_CAPTURE_OPEN_FAILED: 'libpcap could not open the interface (missing, down, or no CAP_NET_RAW)',
  DXGW_CAPTURE_FILTER_INVALID: 'libpcap cannot compile the capture filter (`capture.filter`)',
  // configuration
  DXGW_CONFIG_UNREADABLE: 'The configuration file cannot be read or is not valid YAML',
  DXGW_CONFIG_INVALID: 'A configuration key has a wrong or missing value',
  // the daemon
  DXGW_REDIS_EMBEDDED_FAILED: 'The embedded redis-server (no redis.url configured) could not start',
  DXGW_RUN_PORT_IN_USE: 'A listen address of the configuration is already in use',
  DXGW_RUN_BAD_ROLE: 'An unknown role was given to --roles',
  // lease store
  DXGW_STORE_CONFLICT: 'A binding changed under a transition (compare-and-set guard failed); the transition is retried',
  DXGW_STORE_INTERFACE_TAKEN: 'The dynamic subscriber interface name is already used by another binding of the site',
  DXGW_STORE_UNAVAILABLE: 'Redis cannot be reached or refused a command',
  DXGW_BINDING_NOT_FOUND: 'No binding matches the given address or filter',
  // RADIUS accounting
  DXGW_RADIUS_TIMEOUT: 'No accounting server answered after every retransmission and failover (retried later)',
  DXGW_RADIUS_ABORTED: 'The accounting request was abandoned (shutdown or attempt timeout; retried later)',
  DXGW_RADIUS_CLOSED: 'The RADIUS client was closed while a request waited (retried later)',
  DXGW_RADIUS_ERROR: 'Sending the accounting request failed (socket error; retried later)',
  DXGW_RADIUS_CONFIG: 'The RADIUS sink configuration cannot work (no servers, empty secret …): permanent',
  DXGW_RADIUS_ENCODE: 'An accounting attribute cannot be encoded: permanent',
  // HTTP sink (besides these: DXGW_HTTP_<status>, the receiver's HTTP status, see HttpStatusCode)
  DXGW_HTTP_CONFIG: 'The HTTP sink configuration cannot work (its caFile cannot be read): permanent',
  DXGW_HTTP_TIMEOUT: 'The receiver did not answer within sinks[].timeoutMs (retried later)',
  DXGW_HTTP_UNREACHABLE: 'The receiver cannot be reached (connection refused or reset, DNS; retried later)',
  // SNMP notification sink
  DXGW_SNMP_ABORTED: 'The notification was abandoned (shutdown or attempt timeout; retried later)',
  DXGW_SNMP_REFUSED: 'Every SNMPv3 receiver refused the notification with a report (unknown user, wrong keys): permanent',
  DXGW_SNMP_NOT_ACKNOWLEDGED: 'An inform was not acknowledged, or a trap could not be sent (retried later)',
  // notifications
  DXGW_NOTIFICATION_NOT_FOUND: 'No notification (or sink) with that id',
  DXGW_NOTIFICATION_NOT_FAILED: 'Only failed notifications can be retried',
  // event resync (GET /api/v1/events, dxgw events)
  DXGW_EVENTS_CURSOR_EXPIRED: 'Events after the resync cursor are no longer retained: reconcile from the bindings snapshot',
  DXGW_EVENTS_CURSOR_UNKNOWN: 'The resync cursor names no event of this site',
  // REST API
  DXGW_API_BAD_REQUEST: 'A request parameter is missing or malformed',
  DXGW_API_UNAUTHORIZED: 'The request carries no valid bearer token',
  DXGW_API_NOT_FOUND: 'No route answers that method and path',
  // command line
  DXGW_CLI_BAD_ARGUMENT: 'A command-line argument is invalid',
  DXGW_INTERNAL_ERROR: 'An unexpected error stopped the command (a bug of dxgw: please report it)',
  // RFC 5176 dynamic authorization (DAE)
  DXGW_DAE_BIND_FAILED: 'The DAE UDP socket cannot bind dae.listen (address not local, no permission)',
  // flow-record activation
  DXGW_FLOWS_BIND_FAILED: 'The flow collector cannot bind activation.flows.listen (address not local, no permission)',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** The HTTP sink's code for a receiver's answer: `DXGW_HTTP_` and the status (DXGW_HTTP_503). */
export type HttpStatusCode = `DXGW_HTTP_${number}`;

/** What a failed delivery attempt is reported with (job failedReason, lastError, SNMP). */
export type DeliveryErrorCode = ErrorCode | HttpStatusCode;

/** An error carrying a stable code and, where it applies, where the fault lies. */
export class DxgwError extends Error {
  readonly code: ErrorCode;
  /** Byte offset in a file or packet, when the fault is at one. */
  readonly offset: number | undefined;
  /** Config key path or similar locator, when the fault is at one. */
  readonly key: string | undefined;

  constructor(code: ErrorCode, message: string, where: { offset?: number; key?: string; cause?: unknown } = {}) {
    super(message, where.cause === undefined ? undefined : { cause: where.cause });
    this.name = 'DxgwError';
    this.code = code;
    this.offset = where.offset;
    this.key = where.key;
  }

  /** One line for people: `CODE: message (at offset N)`. */
  describe(): string {
    const at = this.offset !== undefined ? ` (at byte offset ${this.offset})` : this.key !== undefined ? ` (at ${this.key})` : '';
    return `${this.code}: ${this.message}${at}`;
  }
}
