/**
 * A sink delivers subscriber events to one northbound system (SAE HTTP, RADIUS accounting,
 * SNMP notifications). The delivery pipeline (BullMQ, one queue per sink) calls `deliver`
 * once per attempt, in order per subscriber; the sink only says how an attempt ended:
 * return = delivered; throw RetryableDeliveryError = try again later (backoff, honouring
 * retryAfterMs); throw PermanentDeliveryError = straight to failed (an operator retries).
 * Any other exception counts as retryable.
 */
import type { EventType, SubscriberEvent } from '../events/event.js';
import type { DeliveryErrorCode } from '../errors/codes.js';

export type SinkType = 'http' | 'radius' | 'snmp';

export interface DeliveryAttempt {
  /** 1-based attempt number, and the total allowed. */
  attempt: number;
  maxAttempts: number;
  /** Aborted when the gateway shuts down (one signal per job: sinks may listen, and must stop listening when done). */
  signal: AbortSignal;
  /** The BullMQ job, for an idempotency key that covers the whole request. */
  jobId?: string;
}

export interface Sink {
  readonly name: string;
  readonly type: SinkType;
  /** Event types this sink takes (the bridge enqueues only these). */
  readonly events: ReadonlySet<EventType>;
  deliver(event: SubscriberEvent, attempt: DeliveryAttempt): Promise<void>;
  /** Batch mode (opt-in per sink): the bridge queues up to maxEvents events per job. */
  readonly batch?: { maxEvents: number; maxDelayMs: number };
  /** Delivers a job's events in one request; all or nothing (a failure retries them all). */
  deliverBatch?(events: readonly SubscriberEvent[], attempt: DeliveryAttempt): Promise<void>;
  /** Deliveries in flight at once (per delivery process); 16 when unset. */
  readonly concurrency?: number;
  /** Called once when the delivery role starts (RADIUS: Accounting-On). */
  start?(): Promise<void>;
  /** Called once at graceful shutdown (RADIUS: Accounting-Off). */
  stop?(): Promise<void>;
}

/** The attempt failed for a reason that retrying cannot fix (4xx, bad config, NAK-like answer). */
export class PermanentDeliveryError extends Error {
  constructor(
    message: string,
    readonly code: DeliveryErrorCode,
  ) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** The attempt failed but may succeed later (5xx, timeout, unreachable, 429). */
export class RetryableDeliveryError extends Error {
  constructor(
    message: string,
    readonly code: DeliveryErrorCode,
    /** The peer asked for at least this delay (Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableDeliveryError';
  }
}
