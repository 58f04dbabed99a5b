/** The committed form of an event: the store's sequence number and id added to the engine's draft. */
import type { EventDraft, SubscriberEvent } from './event.js';

let cachedDay = NaN;
let cachedDayPrefix = '';
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
/** Milliseconds with the closing Z: one concatenation per call. */
const MILLIS_Z = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(3, '0')}Z`);
/**
 * "YYYY-MM-DDTHH:MM:SS." per second, direct-mapped: an event's time, lease start and lease
 * expiry are seconds apart, so one cached second would miss on nearly every call.
 */
const SECOND_SLOTS = 64;
const slotSecond = new Float64Array(SECOND_SLOTS).fill(NaN);
const slotPrefix: string[] = new Array<string>(SECOND_SLOTS).fill('');

function secondPrefix(second: number): string {
  const day = Math.floor(second / 86400);
  // NaN never equals the cache: toISOString then throws its RangeError, as before.
  if (day !== cachedDay) {
    const date = new Date(day * 86_400_000).toISOString();
    cachedDay = day;
    cachedDayPrefix = date.slice(0, date.indexOf('T') + 1);
  }
  const inDay = second - day * 86400;
  const hours = Math.floor(inDay / 3600);
  const minutes = Math.floor((inDay - hours * 3600) / 60);
  return `${cachedDayPrefix}${PAD2[hours]}:${PAD2[minutes]}:${PAD2[inDay - hours * 3600 - minutes * 60]}.`;
}

/**
 * ISO-8601 with milliseconds, exactly as Date#toISOString. The date comes from Date (cached
 * per UTC day), the time of day is arithmetic, and each second's text is cached.
 */
export function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  const slot = second & (SECOND_SLOTS - 1);
  let prefix: string;
  if (slotSecond[slot] === second) prefix = slotPrefix[slot]!;
  else {
    prefix = secondPrefix(second);
    slotSecond[slot] = second;
    slotPrefix[slot] = prefix;
  }
  const millis = MILLIS_Z[Math.floor(ms - second * 1000)];
  // Rounding at a second's edge can leave the table's range: let Date decide then.
  return millis === undefined ? new Date(ms).toISOString() : prefix + millis;
}

const iso = isoTime;

export function eventId(sessionId: string, seq: number): string {
  return `${sessionId}-${seq}`;
}

export function stampEvent(draft: EventDraft, site: string, seq: number): SubscriberEvent {
  return {
    id: eventId(draft.sessionId, seq),
    type: draft.type,
    seq,
    site,
    time: iso(draft.time),
    sessionId: draft.sessionId,
    reason: draft.reason,
    subscriber: draft.subscriber,
    interface: draft.interface,
    lease: {
      seconds: draft.lease.seconds,
      startedAt: iso(draft.lease.startedAt),
      expiresAt: draft.lease.expiresAt === null ? null : iso(draft.lease.expiresAt),
      // Drafts stored before this field existed have none.
      subnetMask: draft.lease.subnetMask ?? null,
    },
    // Drafts stored before this field existed have none.
    activatedAt: draft.activatedAt === undefined || draft.activatedAt === null ? null : iso(draft.activatedAt),
    loginName: draft.loginName,
    attributes: draft.attributes,
    dhcpOptions: draft.dhcpOptions,
  };
}
