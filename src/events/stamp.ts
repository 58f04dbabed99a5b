/** The committed form of an event: the store's sequence number and id added to the engine's draft. */
import type { EventDraft, SubscriberEvent } from './event.js';

const iso = (ms: number): string => new Date(ms).toISOString();

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
    },
    loginName: draft.loginName,
    attributes: draft.attributes,
    dhcpOptions: draft.dhcpOptions,
  };
}
