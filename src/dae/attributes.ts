/**
 * Reads a verified request's attributes into what the DAE acts on, or the Error-Cause of a
 * NAK (RFC 5176 §3): 401 for attributes dxgw does not support here, 404 for a single-valued
 * attribute given twice, 407 for a value of the wrong size. Which attributes a request may
 * carry follows RFC 5176 §3.6; identification attributes dxgw cannot match (NAS-Port,
 * Called-Station-Id, Acct-Multi-Session-Id …) are unsupported rather than ignored, since
 * ignoring one would widen the request to sessions it did not name.
 */
import { ERX_VENDOR } from '../radius/index.js';
import { dictionaryEntry } from './dictionary.js';
import type { RawAttribute } from './packet.js';
import { ATTR, ERROR_CAUSE, ERX_VIRTUAL_ROUTER_NAME, type ErrorCause, type RequestKind } from './protocol.js';

/** Session identification (RFC 5176 §3) as accounting sent it: every one given must match. */
export interface SessionIdentification {
  userName?: string;
  acctSessionId?: string;
  framedIp?: string;
  callingStationId?: string;
  nasPortId?: string;
  /** ERX-Virtual-Router-Name. */
  vr?: string;
}

export interface NasIdentification {
  ip?: string;
  identifier?: string;
  ipv6?: string;
}

/** An authorization change a CoA-Request asks for: dictionary name and value as text. */
export interface RequestedChange {
  name: string;
  vendor?: number;
  value: string;
}

export interface ReadRequest {
  session: SessionIdentification;
  nas: NasIdentification;
  serviceType?: number;
  /** Event-Timestamp (s since epoch), for the replay window. */
  eventTimestamp?: number;
  changes: RequestedChange[];
}

export type ReadResult = { ok: true; request: ReadRequest } | { ok: false; cause: ErrorCause; detail: string };

type ValueType = 'string' | 'ipaddr' | 'integer' | 'ipv6addr' | 'octets';

/** Fixed sizes (RFC 2865 §5); strings and octets need at least one octet. */
function sizeOk(type: string, length: number): boolean {
  if (type === 'ipaddr' || type === 'integer' || type === 'date' || type === 'time') return length === 4;
  if (type === 'ipv6addr') return length === 16;
  return length >= 1;
}

function text(type: string, value: Buffer): string {
  if (type === 'ipaddr') return [...value].join('.');
  if (type === 'integer' || type === 'date' || type === 'time') return String(value.readUInt32BE(0));
  if (type === 'string' || type === 'text') return value.toString('utf8');
  return `0x${value.toString('hex')}`;
}

type Slot = { kind: 'session'; key: keyof SessionIdentification } | { kind: 'nas'; key: keyof NasIdentification } | { kind: 'service' } | { kind: 'timestamp' } | { kind: 'accepted' };

interface Known {
  name: string;
  type: ValueType;
  slot: Slot;
  /** Allowed in a Disconnect-Request only (Acct-Terminate-Cause). */
  disconnectOnly?: boolean;
  /** May appear more than once. */
  repeats?: boolean;
}

const KNOWN = new Map<number, Known>([
  [ATTR.USER_NAME, { name: 'User-Name', type: 'string', slot: { kind: 'session', key: 'userName' } }],
  [ATTR.ACCT_SESSION_ID, { name: 'Acct-Session-Id', type: 'string', slot: { kind: 'session', key: 'acctSessionId' } }],
  [ATTR.FRAMED_IP_ADDRESS, { name: 'Framed-IP-Address', type: 'ipaddr', slot: { kind: 'session', key: 'framedIp' } }],
  [ATTR.CALLING_STATION_ID, { name: 'Calling-Station-Id', type: 'string', slot: { kind: 'session', key: 'callingStationId' } }],
  [ATTR.NAS_PORT_ID, { name: 'NAS-Port-Id', type: 'string', slot: { kind: 'session', key: 'nasPortId' } }],
  [ATTR.NAS_IP_ADDRESS, { name: 'NAS-IP-Address', type: 'ipaddr', slot: { kind: 'nas', key: 'ip' } }],
  [ATTR.NAS_IDENTIFIER, { name: 'NAS-Identifier', type: 'string', slot: { kind: 'nas', key: 'identifier' } }],
  [ATTR.NAS_IPV6_ADDRESS, { name: 'NAS-IPv6-Address', type: 'ipv6addr', slot: { kind: 'nas', key: 'ipv6' } }],
  [ATTR.SERVICE_TYPE, { name: 'Service-Type', type: 'integer', slot: { kind: 'service' } }],
  [ATTR.EVENT_TIMESTAMP, { name: 'Event-Timestamp', type: 'integer', slot: { kind: 'timestamp' } }],
  // Echoed in the answer by answer.ts.
  [ATTR.PROXY_STATE, { name: 'Proxy-State', type: 'octets', slot: { kind: 'accepted' }, repeats: true }],
  // Verified by auth.ts before we get here.
  [ATTR.MESSAGE_AUTHENTICATOR, { name: 'Message-Authenticator', type: 'octets', slot: { kind: 'accepted' } }],
  // Allowed by RFC 5176 §3.6 and harmless to accept: nothing here shows text to a user, and
  // State only matters with Service-Type Authorize-Only, which is refused anyway.
  [ATTR.REPLY_MESSAGE, { name: 'Reply-Message', type: 'octets', slot: { kind: 'accepted' }, repeats: true }],
  [ATTR.STATE, { name: 'State', type: 'octets', slot: { kind: 'accepted' } }],
  // The Stop says Admin-Reset whatever the server asks (the binding ends as `disconnected`).
  [ATTR.ACCT_TERMINATE_CAUSE, { name: 'Acct-Terminate-Cause', type: 'integer', slot: { kind: 'accepted' }, disconnectOnly: true }],
]);

/**
 * Known to the dictionary but never an authorization change: identification dxgw cannot
 * match, and attributes of authentication or accounting only.
 */
const NEVER_A_CHANGE = new Set([2, 3, 5, 30, 40, 41, 42, 43, 45, 46, 47, 48, 49, 50, 51, 52, 53, 60, 61, 79, 89, 94, 96, 97, ATTR.ERROR_CAUSE]);

type Step = { ok: true } | { ok: false; cause: ErrorCause; detail: string };
const OK: Step = { ok: true };
const nak = (cause: ErrorCause, detail: string): Step => ({ ok: false, cause, detail });

class Reader {
  readonly out: ReadRequest = { session: {}, nas: {}, changes: [] };
  private readonly seen = new Set<string>();

  constructor(private readonly kind: RequestKind) {}

  read(attr: RawAttribute): Step {
    if (attr.type === ATTR.VENDOR_SPECIFIC) return this.vendorSpecific(attr.value);
    const known = KNOWN.get(attr.type);
    if (known && !(known.disconnectOnly && this.kind === 'coa')) return this.identification(known, attr.value);
    return this.change(attr.type, undefined, attr.value);
  }

  private identification(known: Known, value: Buffer): Step {
    if (!known.repeats) {
      if (this.seen.has(known.name)) return nak(ERROR_CAUSE.INVALID_REQUEST, `${known.name} appears more than once`);
      this.seen.add(known.name);
    }
    if (!sizeOk(known.type, value.length)) return nak(ERROR_CAUSE.INVALID_ATTRIBUTE_VALUE, `${known.name} has ${value.length} octets`);
    const slot = known.slot;
    if (slot.kind === 'session') this.out.session[slot.key] = text(known.type, value);
    else if (slot.kind === 'nas') this.out.nas[slot.key] = known.type === 'ipv6addr' ? value.toString('hex') : text(known.type, value);
    else if (slot.kind === 'service') this.out.serviceType = value.readUInt32BE(0);
    else if (slot.kind === 'timestamp') this.out.eventTimestamp = value.readUInt32BE(0);
    return OK;
  }

  /** RFC 2865 §5.26: vendor id, then (for vendors we know) type-length-value sub-attributes. */
  private vendorSpecific(value: Buffer): Step {
    if (value.length < 4) return nak(ERROR_CAUSE.INVALID_ATTRIBUTE_VALUE, `Vendor-Specific has ${value.length} octets`);
    const vendor = value.readUInt32BE(0);
    if (vendor !== ERX_VENDOR) return nak(ERROR_CAUSE.UNSUPPORTED_ATTRIBUTE, `Vendor-Specific of vendor ${vendor}`);
    for (let at = 4; at < value.length; ) {
      const length = value[at + 1];
      if (length === undefined || length < 2 || at + length > value.length) return nak(ERROR_CAUSE.INVALID_ATTRIBUTE_VALUE, 'Vendor-Specific (ERX) sub-attributes do not walk to its end');
      const type = value[at]!;
      const sub = value.subarray(at + 2, at + length);
      const step =
        type === ERX_VIRTUAL_ROUTER_NAME
          ? this.identification({ name: 'ERX-Virtual-Router-Name', type: 'string', slot: { kind: 'session', key: 'vr' } }, sub)
          : this.change(type, vendor, sub);
      if (!step.ok) return step;
      at += length;
    }
    return OK;
  }

  /** Anything else: an authorization change, in a CoA-Request, when the dictionary knows it. */
  private change(type: number, vendor: number | undefined, value: Buffer): Step {
    const entry = dictionaryEntry(type, vendor);
    const label = entry?.name ?? (vendor === undefined ? `Attr-${type}` : `Vendor-${vendor}-Attr-${type}`);
    if (this.kind === 'disconnect' || !entry || (vendor === undefined && NEVER_A_CHANGE.has(type))) {
      return nak(ERROR_CAUSE.UNSUPPORTED_ATTRIBUTE, `${label} is not supported in a ${this.kind === 'coa' ? 'CoA' : 'Disconnect'}-Request`);
    }
    if (!sizeOk(entry.type, value.length)) return nak(ERROR_CAUSE.INVALID_ATTRIBUTE_VALUE, `${label} has ${value.length} octets`);
    this.out.changes.push({ name: entry.name, ...(vendor === undefined ? {} : { vendor }), value: text(entry.type, value) });
    return OK;
  }
}

export function readAttributes(kind: RequestKind, attributes: readonly RawAttribute[]): ReadResult {
  const reader = new Reader(kind);
  for (const attr of attributes) {
    const step = reader.read(attr);
    if (!step.ok) return step;
  }
  return { ok: true, request: reader.out };
}
