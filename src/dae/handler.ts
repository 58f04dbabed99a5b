/**
 * What to answer an authenticated request (RFC 5176 §3): checks in the order that tells the
 * client the most useful thing first, then the disconnect or change itself. A Disconnect
 * enters the lease engine as a `clear` observation with reason `disconnected`, so its
 * events (interface-deleted, address-deleted → RADIUS Stop with Admin-Reset) are those of
 * every other ending.
 */
import type { Binding } from '../leases/binding.js';
import type { EngineConfig } from '../leases/engine.js';
import type { LeaseStore } from '../leases/store.js';
import { applyDirect } from '../subscribers/direct-apply.js';
import { hasSessionIdentification, findSessions } from './session-match.js';
import type { ReadRequest } from './attributes.js';
import { planChange, type ApplyChange } from './coa.js';
import { ERROR_CAUSE, type ErrorCause, type RequestKind } from './protocol.js';

export interface HandlerContext {
  store: LeaseStore;
  engine: EngineConfig;
  nas: { identifier?: string; ip?: string };
  /** Addresses NAS-IP-Address may name: nas.ip and the specific address the DAE listens on. */
  ownIps: ReadonlySet<string>;
  vr?: string;
  clock: () => number;
  applyChange?: ApplyChange;
  profileAttribute?: string;
}

export type Outcome =
  | { ack: true; session: Binding; detail: string }
  | { ack: false; cause: ErrorCause; detail: string; session?: Binding; transient?: boolean };

const nak = (cause: ErrorCause, detail: string, session?: Binding): Outcome => ({ ack: false, cause, detail, ...(session ? { session } : {}) });

function nasMismatch(req: ReadRequest, ctx: HandlerContext): string | undefined {
  const { ip, identifier, ipv6 } = req.nas;
  if (ip !== undefined && !ctx.ownIps.has(ip)) return `NAS-IP-Address ${ip} is not this NAS`;
  if (identifier !== undefined && identifier !== ctx.nas.identifier) return `NAS-Identifier ${JSON.stringify(identifier)} is not this NAS`;
  if (ipv6 !== undefined) return 'NAS-IPv6-Address given, but this NAS has no IPv6 identity';
  return undefined;
}

async function disconnect(session: Binding, ctx: HandlerContext): Promise<Outcome> {
  const events = await applyDirect(ctx.store, ctx.engine, { kind: 'clear', reason: 'disconnected', vr: session.vr, ip: session.ip, mac: session.mac, time: ctx.clock() });
  // Gone is what the client asked for, whoever ended it (a binding never activated has no
  // events to send); still there means the engine refused.
  const now = await ctx.store.get(session.vr, session.ip);
  if (now?.sessionId === session.sessionId) return nak(ERROR_CAUSE.SESSION_CONTEXT_NOT_REMOVABLE, 'the engine did not end the session', session);
  return { ack: true, session, detail: events.length > 0 ? `cleared (${events.map((e) => e.type).join(', ')})` : 'cleared (no events: never activated, or ended meanwhile)' };
}

async function changeOf(req: ReadRequest, session: Binding, ctx: HandlerContext): Promise<Outcome> {
  const plan = planChange(req.changes, ctx.profileAttribute);
  if (!plan.ok) return nak(ERROR_CAUSE.INVALID_REQUEST, plan.detail, session);
  if (plan.change === undefined) return { ack: true, session, detail: 'nothing to change' };
  if (!ctx.applyChange) return nak(ERROR_CAUSE.UNSUPPORTED_SERVICE, `cannot change ${req.changes.map((c) => c.name).join(', ')}: the lease engine has no change observation`, session);
  const events = await ctx.applyChange(session, plan.change, ctx.clock());
  // No events: the values were already those, or the session ended under us (then not ACKed).
  if (events.length === 0 && (await ctx.store.get(session.vr, session.ip))?.sessionId !== session.sessionId) {
    return nak(ERROR_CAUSE.SESSION_CONTEXT_NOT_FOUND, 'the session ended before the change', session);
  }
  return { ack: true, session, detail: `changed (${events.map((e) => e.type).join(', ') || 'no events'})` };
}

export async function handle(kind: RequestKind, req: ReadRequest, ctx: HandlerContext): Promise<Outcome> {
  // dxgw never sends Access-Requests, so neither Authorize-Only nor any other service applies.
  if (req.serviceType !== undefined) return nak(ERROR_CAUSE.UNSUPPORTED_SERVICE, `Service-Type ${req.serviceType} is not supported`);
  const mismatch = nasMismatch(req, ctx);
  if (mismatch) return nak(ERROR_CAUSE.NAS_IDENTIFICATION_MISMATCH, mismatch);
  if (!hasSessionIdentification(req.session)) return nak(ERROR_CAUSE.MISSING_ATTRIBUTE, 'no session identification attribute');
  try {
    const sessions = await findSessions(ctx.store, req.session, ctx.vr);
    if (sessions.length === 0) return nak(ERROR_CAUSE.SESSION_CONTEXT_NOT_FOUND, 'no binding matches');
    if (sessions.length > 1) return nak(ERROR_CAUSE.MULTIPLE_SESSION_SELECTION_UNSUPPORTED, `${sessions.length} bindings match`);
    return kind === 'disconnect' ? await disconnect(sessions[0]!, ctx) : await changeOf(req, sessions[0]!, ctx);
  } catch (error) {
    // Redis unreachable and the like: nothing was applied, and a retransmission may succeed.
    return { ack: false, cause: ERROR_CAUSE.RESOURCES_UNAVAILABLE, detail: (error as Error).message, transient: true };
  }
}
