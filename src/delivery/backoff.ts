/**
 * Retry delays: exponential from `backoffMs`, capped at `maxBackoffMs`, with full jitter
 * (a partitioned sink coming back is not hit by every retry at once), and never sooner than
 * the peer's Retry-After.
 */
import { RetryableDeliveryError } from './sink.js';
import type { RetryPolicy } from './queues.js';

export function retryDelay(attemptsMade: number, policy: RetryPolicy, error: unknown, random = Math.random): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, attemptsMade - 1));
  // Half fixed, half random: some spread without ever retrying at once.
  const delay = Math.round(ceiling / 2 + random() * (ceiling / 2));
  const asked = error instanceof RetryableDeliveryError ? error.retryAfterMs : undefined;
  return asked !== undefined ? Math.max(delay, Math.min(asked, policy.maxBackoffMs * 4)) : delay;
}
