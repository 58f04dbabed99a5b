/**
 * CoA-Request → the change it asks of a binding. The lease engine has no observation that
 * changes a live binding yet (docs/dae.md "CoA"), so by default nothing can be applied and
 * every real change is refused with 405 Unsupported Service. Once the engine has one, the
 * daemon passes `applyChange` and the same requests are ACKed.
 */
import type { SubscriberEvent } from '../events/event.js';
import type { Binding } from '../leases/binding.js';
import type { RequestedChange } from './attributes.js';

export interface CoaChange {
  /** New interface profile, from the attribute named by `profileAttribute`. */
  profile?: string;
  /** Attributes to set on the binding (name → text, as a route map's `set attributes`). */
  attributes: Record<string, string>;
}

/** Applies a change through the engine (same events northbound as any other transition). */
export type ApplyChange = (binding: Binding, change: CoaChange, time: number) => Promise<SubscriberEvent[]>;

export type Plan = { ok: true; change: CoaChange | undefined } | { ok: false; detail: string };

/** undefined: the request names a session and asks for nothing (answered with an ACK). */
export function planChange(changes: readonly RequestedChange[], profileAttribute?: string): Plan {
  if (changes.length === 0) return { ok: true, change: undefined };
  const change: CoaChange = { attributes: {} };
  for (const { name, value } of changes) {
    // Binding attributes hold one value per name: a repeated one cannot be represented.
    if (name === profileAttribute ? change.profile !== undefined : Object.hasOwn(change.attributes, name)) {
      return { ok: false, detail: `${name} appears more than once` };
    }
    if (name === profileAttribute) change.profile = value;
    else change.attributes[name] = value;
  }
  return { ok: true, change };
}
