/**
 * How much the site's Redis keeps of what has already been handled (docs/config.md
 * "outbox"): outbox events kept for resync (the outbox trimmer enforces it,
 * src/events/outbox-retention.ts) and completed notification jobs per sink queue (BullMQ
 * `removeOnComplete`). Both bounds apply at once: whatever is beyond either goes.
 */
import { z } from 'zod';

const DAY = 24 * 3600;

const completedJobs = z.strictObject({
  /** Newest completed jobs kept per sink queue (0: none). */
  maxJobs: z.number().int().min(0).max(10_000_000).default(10_000),
  /** Completed jobs older than this go. */
  maxAgeSeconds: z.number().int().min(1).max(30 * DAY).default(3600),
});

export const outboxSchema = z.strictObject({
  /** Events kept for resync: at most the newest this many… */
  maxEvents: z.number().int().min(1).max(100_000_000).default(1_000_000),
  /** …and none older than this. */
  maxAgeSeconds: z.number().int().min(1).max(365 * DAY).default(7 * DAY),
  completedJobs: completedJobs.prefault({}),
});
