/** The committed form of an event: the store's sequence number and id added to the engine's draft. */
import type { EventDraft, SubscriberEvent } from './event.js';

let cachedSecond = NaN;
let cachedPrefix = '';

/** ISO-8601 with milliseconds; the date part is cached per second (events come in bursts). */
export function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const millis = Math.floor(ms - second * 1000);
  return `${cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
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
