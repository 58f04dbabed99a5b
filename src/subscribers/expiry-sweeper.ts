/**
 * Expires shadow leases whose timer ran out, from the store's timer set (Redis sorted set):
 * claim due timers atomically, then apply `expire` through the engine. Several processes may
 * sweep the same site: a claim hides a timer from the others for `claimMs`, and the rev guard
 * makes a late duplicate a no-op.
 */
import type { SubscriberEvent } from '../events/event.js';
import type { EngineConfig } from '../leases/engine.js';
import type { LeaseStore } from '../leases/store.js';
import { applyDirect } from './direct-apply.js';

export interface SweepOptions {
  batch?: number;
  claimMs?: number;
}

export async function sweepExpired(store: LeaseStore, engine: EngineConfig, now: number, options: SweepOptions = {}): Promise<SubscriberEvent[]> {
  const batch = options.batch ?? 500;
  const events: SubscriberEvent[] = [];
  for (;;) {
    const due = await store.claimExpired(now, batch, options.claimMs ?? 30_000);
    for (const { vr, ip } of due) events.push(...(await applyDirect(store, engine, { kind: 'expire', time: now, vr, ip })));
    if (due.length < batch) return events;
  }
}
