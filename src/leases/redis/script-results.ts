/**
 * The one place where the Lua scripts' replies become typed results (the status codes are
 * listed in each script's header comment).
 */
import { DxgwError } from '../../errors/codes.js';

/** First element of a transition script's reply. */
export const TransitionStatus = {
  applied: 1,
  conflict: -1,
  interfaceTaken: -2,
} as const;

export type TransitionReply =
  | { status: 'applied'; seqs: number[] }
  | { status: 'conflict'; currentRev: number }
  | { status: 'interface-taken' };

function unexpected(script: string, reply: unknown): DxgwError {
  return new DxgwError('DXGW_STORE_UNAVAILABLE', `unexpected reply from the ${script} script: ${JSON.stringify(reply)}`);
}

/** The reply of one transition of a commit-transitions call. */
export function parseTransitionReply(script: string, reply: unknown): TransitionReply {
  if (!Array.isArray(reply) || reply.length === 0) throw unexpected(script, reply);
  const [status, ...rest] = reply as unknown[];
  switch (status) {
    case TransitionStatus.applied: {
      const seqs = rest.map(Number);
      if (seqs.some((s) => !Number.isSafeInteger(s))) throw unexpected(script, reply);
      return { status: 'applied', seqs };
    }
    case TransitionStatus.conflict:
      return { status: 'conflict', currentRev: Number(rest[0]) };
    case TransitionStatus.interfaceTaken:
      return { status: 'interface-taken' };
    default:
      throw unexpected(script, reply);
  }
}

/** commit-transitions replies: one transition reply per transition of the call. */
export function parseCommitReply(script: string, reply: unknown, transitions: number): TransitionReply[] {
  if (!Array.isArray(reply) || reply.length !== transitions) throw unexpected(script, reply);
  return reply.map((r: unknown) => parseTransitionReply(script, r));
}

/** claim-expired replies: the claimed lanes. */
export function parseClaimReply(reply: unknown): string[] {
  if (!Array.isArray(reply) || reply.some((m) => typeof m !== 'string')) throw unexpected('claim-expired', reply);
  return reply as string[];
}

/** What one trim-outbox call did (see the script's header). */
export interface OutboxTrimResult {
  /** Entries removed by this call. */
  removed: number;
  /** Stream id of the newest removed entry, or null when none was. */
  trimmedThrough: string | null;
  /** The next entry is outside retention but the bridge has not moved it yet. */
  held: boolean;
  /** Entries left in the stream. */
  remaining: number;
}

/** trim-outbox replies: {removed, trimmedThrough, held, remaining}. */
export function parseTrimReply(reply: unknown): OutboxTrimResult {
  if (!Array.isArray(reply) || reply.length !== 4) throw unexpected('trim-outbox', reply);
  const [removed, through, held, remaining] = reply as unknown[];
  if (typeof removed !== 'number' || typeof through !== 'string' || typeof remaining !== 'number') throw unexpected('trim-outbox', reply);
  return { removed, trimmedThrough: through === '' ? null : through, held: held === 1, remaining };
}

/** Any failure talking to Redis, as the store's stable error. */
export function storeUnavailable(what: string, cause: unknown): DxgwError {
  if (cause instanceof DxgwError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new DxgwError('DXGW_STORE_UNAVAILABLE', `${what}: ${message}`, { cause });
}
