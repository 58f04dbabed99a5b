/**
 * Subscriber events → RADIUS accounting attributes (docs/radius.md has the table). Pure:
 * the sink adds nothing but Acct-Delay-Time, which the client sets per transmission.
 */
import { createHash } from 'node:crypto';
import type { RadiusSinkConfig } from '../../config/schema-sinks.js';
import { subnetMaskOf } from '../../events/drafts.js';
import type { SubscriberEvent } from '../../events/event.js';
import type { DeleteReason } from '../../leases/observation.js';
import { ERX_VENDOR, type RadiusAttribute } from '../../radius/index.js';
import { chunk, encodeDhcpOptions, encodeOption82, hexBytes } from './radius-dhcp.js';
import { withRouteMapAttributes } from './radius-route-map.js';

export type StatusType = 'Start' | 'Stop' | 'Interim-Update' | 'Accounting-On' | 'Accounting-Off';

/**
 * RFC 2866 §5.10. `expired` is Lost-Service, not Session-Timeout: Session-Timeout means a
 * configured session-time limit ran out, whereas a shadow lease expires because the
 * subscriber stopped renewing — the service was lost underneath it.
 */
export const TERMINATE_CAUSE: Readonly<Record<DeleteReason, string>> = {
  released: 'User-Request', // 1: the client sent DHCPRELEASE
  expired: 'Lost-Service', // 3
  cleared: 'Admin-Reset', // 6: an operator cleared the binding
  disconnected: 'Admin-Reset', // 6: RFC 5176 Disconnect-Request, an administrative act
  nak: 'NAS-Request', // 10: the DHCP server ended it, not the user
  declined: 'NAS-Request', // 10
  replaced: 'NAS-Request', // 10: another client took the address, or this client a new one
};

/** A reason this version does not know (or none) still ends the session: the NAS ended it. */
export const terminateCause = (reason: string | null): string =>
  reason !== null && Object.hasOwn(TERMINATE_CAUSE, reason) ? TERMINATE_CAUSE[reason as DeleteReason] : 'NAS-Request';

/** The accounting events and what they become; interface-* events carry no accounting. */
export const STATUS_BY_EVENT = {
  'address-added': 'Start',
  'address-renewed': 'Interim-Update',
  'address-deleted': 'Stop',
} as const satisfies Partial<Record<SubscriberEvent['type'], StatusType>>;

export type AccountingEventType = keyof typeof STATUS_BY_EVENT;

export const isAccountingEvent = (type: string): type is AccountingEventType => Object.hasOwn(STATUS_BY_EVENT, type);

type NasConfig = Pick<RadiusSinkConfig, 'nasIp' | 'nasIdentifier'> & { nasPortType?: string | number };

/**
 * ERX-Acct-Request-Reason (vendor 4874, 210) is a bitmask (REFERENCES.md "RADIUS"): a Start
 * says the address came up, a Stop that it went, an Interim on a renewal is the periodic one.
 */
export const REQUEST_REASON = {
  Start: 4, // IP-Active
  'Interim-Update': 2, // Periodic
  Stop: 8, // IP-Inactive
} as const;

/**
 * When the session began: the subscriber's activation (interface created). Events from
 * before that field existed fall back to the lease start (the last ACK).
 */
function sessionStart(event: SubscriberEvent): number {
  return Date.parse(event.activatedAt ?? event.lease.startedAt);
}

const seconds = (ms: number): number => (Number.isFinite(ms) ? Math.max(0, Math.floor(ms / 1000)) : 0);

const erx = (name: string, value: Buffer | string | number): RadiusAttribute => ({ vendor: ERX_VENDOR, name, value });

/** RFC 2865 §5: a text attribute holds at most 253 bytes. */
const MAX_TEXT = 253;

/**
 * NAS-Port-Id from option 82's circuit-id (the access port the relay saw): its text when
 * every byte is printable ASCII ("relay0", "ge-0/0/1.100"), else the colon hex events show.
 * Undefined when there is none or it would not fit one attribute (ERX-Dhcp-Option-82 still
 * carries it).
 */
export function nasPortId(circuitId: string | null): string | undefined {
  if (circuitId === null) return undefined;
  const bytes = hexBytes(circuitId);
  if (bytes === undefined || bytes.length === 0) return undefined;
  const printable = bytes.every((b) => b >= 0x20 && b <= 0x7e);
  const text = printable ? bytes.toString('latin1') : circuitId;
  return Buffer.byteLength(text) <= MAX_TEXT ? text : undefined;
}

/**
 * Acct-Multi-Session-Id: links every session of one subscriber device at one site (RFC 2866
 * §5.11) — its addresses one after another, and later its IPv6 sessions — while each keeps
 * its own Acct-Session-Id. 16 hex digits of SHA-256 over site, VR and MAC: stable across
 * restarts and store loss.
 */
export function multiSessionId(event: SubscriberEvent): string {
  return createHash('sha256').update(`${event.site}\0${event.subscriber.vr}\0${event.subscriber.mac}`).digest('hex').slice(0, 16);
}

/** The ACK's subnet mask: the event's, else (events from before that field) option 1 of an address-added. */
function subnetMask(event: SubscriberEvent): string | null {
  if (event.lease.subnetMask !== undefined) return event.lease.subnetMask;
  return event.dhcpOptions ? subnetMaskOf(event.dhcpOptions.server) : null;
}

/** Start, Interim-Update or Stop for an address event (others are not accounting: an error to pass). */
export function accountingAttributes(event: SubscriberEvent, nas: NasConfig): RadiusAttribute[] {
  if (!isAccountingEvent(event.type)) throw new TypeError(`${event.type} is not an accounting event`);
  const status = STATUS_BY_EVENT[event.type];
  const time = Date.parse(event.time);
  const sub = event.subscriber;
  const attrs: RadiusAttribute[] = [
    { name: 'Acct-Status-Type', value: status },
    // The route map's login name when set; otherwise the MAC, the one identity every binding has.
    { name: 'User-Name', value: event.loginName || sub.mac },
    { name: 'NAS-IP-Address', value: nas.nasIp },
    { name: 'NAS-Identifier', value: nas.nasIdentifier },
    // IPoE subscribers sit on Ethernet access ports (Virtual is for tunnelled sessions).
    { name: 'NAS-Port-Type', value: nas.nasPortType ?? 'Ethernet' },
  ];
  const portId = nasPortId(sub.circuitId);
  if (portId !== undefined) attrs.push({ name: 'NAS-Port-Id', value: portId });
  attrs.push({ name: 'Framed-IP-Address', value: sub.ip });
  const mask = subnetMask(event);
  if (mask !== null) attrs.push({ name: 'Framed-IP-Netmask', value: mask });
  attrs.push(
    { name: 'Calling-Station-Id', value: sub.mac },
    { name: 'Acct-Session-Id', value: event.sessionId },
    { name: 'Acct-Multi-Session-Id', value: multiSessionId(event) },
    // The subscriber was admitted by dxgw's route map, not by a RADIUS Access-Accept.
    { name: 'Acct-Authentic', value: 'Local' },
    { name: 'Event-Timestamp', value: new Date(time) },
  );
  if (status !== 'Start') attrs.push({ name: 'Acct-Session-Time', value: seconds(time - sessionStart(event)) });
  if (status === 'Stop') attrs.push({ name: 'Acct-Terminate-Cause', value: terminateCause(event.reason) });

  attrs.push(erx('ERX-Virtual-Router-Name', event.interface?.vr ?? sub.vr));
  // The dynamic subscriber interface, as JunosE names the interface in its description.
  if (event.interface?.name) attrs.push(erx('ERX-Interface-Desc', event.interface.name));
  // The client's options exist on address-added only (the event contract): Start carries them.
  if (event.dhcpOptions) for (const piece of chunk(encodeDhcpOptions(event.dhcpOptions.client))) attrs.push(erx('ERX-Dhcp-Options', piece));
  attrs.push(erx('ERX-Dhcp-Mac-Addr', sub.mac));
  // 0.0.0.0: the client was not relayed; an ipaddr attribute of zero would only mislead.
  if (sub.giaddr && sub.giaddr !== '0.0.0.0') attrs.push(erx('ERX-Dhcp-Gi-Address', sub.giaddr));
  const option82 = encodeOption82(sub.circuitId, sub.remoteId);
  if (option82) for (const piece of chunk(option82)) attrs.push(erx('ERX-Dhcp-Option-82', piece));
  attrs.push(erx('ERX-Acct-Request-Reason', REQUEST_REASON[status]));
  return withRouteMapAttributes(attrs, event.attributes ?? {});
}

/** Accounting-On / Accounting-Off: the NAS (re)starts or stops; the server closes its open sessions for it. */
export function nasAttributes(status: 'Accounting-On' | 'Accounting-Off', nas: NasConfig, sessionId: string, time: number): RadiusAttribute[] {
  return [
    { name: 'Acct-Status-Type', value: status },
    { name: 'NAS-IP-Address', value: nas.nasIp },
    { name: 'NAS-Identifier', value: nas.nasIdentifier },
    // RFC 2866 §5.13: every Accounting-Request carries an Acct-Session-Id.
    { name: 'Acct-Session-Id', value: sessionId },
    { name: 'Event-Timestamp', value: new Date(time) },
  ];
}
