/**
 * Northbound subscriber events (docs/events.md, docs/event.schema.json). Policy servers code
 * against this shape: change it only by adding optional fields.
 */
import type { SubscriberIdentity } from '../leases/binding.js';
import type { DeleteReason } from '../leases/observation.js';

export const EVENT_TYPES = ['interface-created', 'address-added', 'address-renewed', 'interface-changed', 'interface-deleted', 'address-deleted'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type { SubscriberIdentity };

/** What the engine decides; the store stamps `seq` and `id` when it commits the transition. */
export interface EventDraft {
  type: EventType;
  /** ms since epoch, capture clock. */
  time: number;
  sessionId: string;
  reason: DeleteReason | null;
  subscriber: SubscriberIdentity;
  interface: { name: string; profile: string | null; vr: string } | null;
  /** subnetMask: option 1 of the ACK that set the lease (drafts stored before it existed lack it). */
  lease: { seconds: number; startedAt: number; expiresAt: number | null; subnetMask?: string | null };
  /** When the subscriber became active (interface created): the accounting session start. */
  activatedAt: number | null;
  loginName: string | null;
  attributes: Record<string, string>;
  /** address-added only: the client's REQUEST options and the server's ACK options. */
  dhcpOptions: { client: Record<string, string>; server: Record<string, string> } | null;
}

export interface SubscriberEvent extends Omit<EventDraft, 'time' | 'lease' | 'activatedAt'> {
  /** `<sessionId>-<seq>`: unique, and the idempotency key northbound. */
  id: string;
  /** Per (vr, ip) sequence number, strictly increasing across binding instances. */
  seq: number;
  site: string;
  time: string;
  /** subnetMask: dotted quad from the ACK's option 1, null when it carried none (always set by stampEvent). */
  lease: { seconds: number; startedAt: string; expiresAt: string | null; subnetMask?: string | null };
  activatedAt: string | null;
}
