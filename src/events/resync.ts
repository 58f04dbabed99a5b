/**
 * Resync for receivers (docs/events.md "Coming back after downtime"): the events after a
 * cursor, in outbox order, while the cursor is retained. The cursor is an event id; the
 * store finds its outbox position in O(1) through the event id index that every transition
 * writes with its events (docs/redis-keyspace.md). Shared by GET /api/v1/events and
 * `dxgw events`.
 */
import { DxgwError } from '../errors/codes.js';
import { comparePositions } from '../leases/outbox-position.js';
import type { OutboxEntry } from '../leases/store.js';
import type { SubscriberEvent } from './event.js';

export interface EventLog {
  readOutbox(afterPosition: string, limit: number): Promise<OutboxEntry[]>;
  /** The outbox position of a retained event id, or undefined. */
  eventPosition(eventId: string): Promise<string | undefined>;
  /** The newest position ever trimmed, or null when nothing was. */
  outboxTrimmedThrough(): Promise<string | null>;
  /** Oldest and newest retained entries; the newest position ever trimmed (null: none). */
  outboxBounds(): Promise<{ oldest: OutboxEntry | undefined; newest: OutboxEntry | undefined; trimmedThrough: string | null }>;
}

export interface EventPage {
  events: SubscriberEvent[];
  /** The cursor to ask with next: the last event's id (or the given cursor when none came). */
  next: string | null;
  /** More events follow now (the page was full). */
  more: boolean;
}

export const DEFAULT_EVENTS_LIMIT = 1000;
export const MAX_EVENTS_LIMIT = 10_000;

/** `<sessionId>-<seq>`: the session id is 16 hex digits today; accept any short word. */
const EVENT_ID = /^[0-9A-Za-z]{1,64}-[1-9][0-9]{0,15}$/;

export function isEventId(text: string): boolean {
  return EVENT_ID.test(text);
}

/** A positive integer of at most MAX_EVENTS_LIMIT written in decimal, or undefined. */
export function parseLimit(text: string): number | undefined {
  if (!/^[1-9][0-9]{0,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_EVENTS_LIMIT ? n : undefined;
}

/** The error a cursor that fell out of retention gets; `details` names where to resume. */
export class CursorExpiredError extends DxgwError {
  constructor(
    cursor: string,
    readonly details: { oldest: string | null; newest: string | null },
  ) {
    super(
      'DXGW_EVENTS_CURSOR_EXPIRED',
      `event ${cursor} is no longer retained (outbox.maxEvents / outbox.maxAgeSeconds); the oldest retained event is ${details.oldest ?? 'none'}: reconcile from GET /api/v1/bindings, then resume after ${details.newest ?? 'the start'}`,
      { key: 'after' },
    );
  }
}

/**
 * Up to `limit` events after the event `after` (from the oldest retained one when undefined).
 * Throws DXGW_EVENTS_CURSOR_EXPIRED when events after the cursor were trimmed (or the cursor
 * is not retained and the outbox has been trimmed: an id that fell out of retention and one
 * never issued look alike then), DXGW_EVENTS_CURSOR_UNKNOWN when the outbox never lost an
 * entry and has no such event.
 */
export async function eventsAfter(log: EventLog, after: string | undefined, limit: number): Promise<EventPage> {
  let from = '0';
  if (after !== undefined) {
    const position = await log.eventPosition(after);
    if (position === undefined) {
      const bounds = await log.outboxBounds();
      if (bounds.trimmedThrough !== null) throw expired(after, bounds);
      throw new DxgwError('DXGW_EVENTS_CURSOR_UNKNOWN', `no event ${after} in the outbox`, { key: 'after' });
    }
    from = position;
  }
  const entries = await log.readOutbox(from, limit + 1);
  if (after !== undefined) {
    // Read first, then look: a trim that removed entries after the cursor, even during the
    // read, shows in the mark, so the page is never silently missing events.
    const through = await log.outboxTrimmedThrough();
    if (through !== null && (comparePositions(through, from) ?? 0) > 0) throw expired(after, await log.outboxBounds());
  }
  const events = entries.slice(0, limit).map((e) => e.event);
  return { events, next: events.at(-1)?.id ?? after ?? null, more: entries.length > limit };
}

function expired(cursor: string, bounds: Awaited<ReturnType<EventLog['outboxBounds']>>): CursorExpiredError {
  return new CursorExpiredError(cursor, { oldest: bounds.oldest?.event.id ?? null, newest: bounds.newest?.event.id ?? null });
}
