/**
 * A Binding as a compact Redis hash (docs/redis-keyspace.md): one-letter field names, null
 * = field absent, empty records and lists absent, numbers as decimal text (Redis stores
 * integer-looking values as integers inside a listpack).
 *
 * Redis keeps a small hash as one listpack only while every field and value is at most
 * `hash-max-listpack-value` (64) bytes; one longer value converts it to a hashtable that
 * costs several times the memory. So a value longer than 64 bytes is split into chunks:
 * field `q` holds the first 64 bytes, `q1`, `q2` … the rest. Fields the Lua scripts read
 * (r, m, c, i: rev and the indexed identities) are never chunked; a rare long one just
 * costs the hashtable encoding.
 *
 * The decoder is defensive: a hash edited by hand with missing or garbled required fields
 * is reported as corrupt, never thrown.
 */
import type { Binding, BindingState } from '../binding.js';

export const LISTPACK_VALUE_MAX = 64;

/** Field names (one letter each). */
export const F = {
  sessionId: 's',
  mac: 'm',
  clientId: 'c',
  giaddr: 'g',
  serverId: 'S',
  circuitId: 'C',
  remoteId: 'R',
  vlans: 'V',
  state: 't',
  leaseSeconds: 'L',
  leaseStart: 'T',
  expiresAt: 'e',
  boundAt: 'B',
  activatedAt: 'A',
  interfaceName: 'i',
  profile: 'p',
  interfaceVr: 'v',
  loginName: 'n',
  attributes: 'a',
  clientOptions: 'q',
  serverOptions: 'o',
  lastXid: 'x',
  rev: 'r',
} as const satisfies Record<Exclude<keyof Binding, 'vr' | 'ip'>, string>;

/**
 * Shorter forms of fields that usually follow from others (written since the store kept
 * seqs in the hash; the long forms above are still read, and written when the short one
 * would not give back the exact number):
 * - `e` empty: expiresAt = leaseStart + leaseSeconds × 1000;
 * - `b`: boundAt as leaseStart − b (`B` absent);
 * - `k`: activatedAt as leaseStart + k (`A` absent);
 * - `w` (empty): interfaceVr = vr (`v` absent).
 */
export const SHORT = { boundAt: 'b', activatedAt: 'k', interfaceVrIsVr: 'w' } as const;

const NEVER_CHUNKED = new Set<string>([F.rev, F.mac, F.clientId, F.interfaceName]);

export const STATE_CODE: Record<BindingState, string> = { bound: 'b', active: 'a', denied: 'd' };
const STATE_OF: Record<string, BindingState> = { b: 'bound', a: 'active', d: 'denied' };

const CODE = /^\d{1,3}$/;
const HEX = /^[0-9a-f]*$/;

/** JSON with every non-ASCII character escaped: byte length = string length. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Options (code → plain hex) as `code=hex;code=hex`; anything else falls back to JSON. */
export function encodeOptions(options: Record<string, string>): string {
  const parts: string[] = [];
  for (const [code, hex] of Object.entries(options)) {
    if (!CODE.test(code) || !HEX.test(hex)) return asciiJson(options);
    parts.push(`${code}=${hex}`);
  }
  return parts.join(';');
}

function decodeOptions(text: string): Record<string, string> | undefined {
  if (text.startsWith('{')) return decodeStringRecord(text);
  const out: Record<string, string> = {};
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    const code = part.slice(0, eq);
    const hex = part.slice(eq + 1);
    if (eq < 0 || !CODE.test(code) || !HEX.test(hex)) return undefined;
    out[code] = hex;
  }
  return out;
}

function decodeStringRecord(text: string): Record<string, string> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  for (const v of Object.values(parsed)) if (typeof v !== 'string') return undefined;
  return parsed as Record<string, string>;
}

/** Splits text into pieces of at most `max` UTF-8 bytes, never inside a character. */
export function splitUtf8(text: string, max: number): string[] {
  if (text.length * 3 <= max || Buffer.byteLength(text) <= max) return [text];
  const pieces: string[] = [];
  let piece = '';
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + n > max) {
      pieces.push(piece);
      piece = '';
      bytes = 0;
    }
    piece += ch;
    bytes += n;
  }
  pieces.push(piece);
  return pieces;
}

/** The hash of a binding as a flat [field, value, …] list (vr and ip are in the key). */
export function encodeBinding(b: Binding): string[] {
  const out: string[] = [];
  const put = (field: string, value: string | number | null): void => {
    if (value === null) return;
    const text = String(value);
    if (NEVER_CHUNKED.has(field)) {
      out.push(field, text);
      return;
    }
    splitUtf8(text, LISTPACK_VALUE_MAX).forEach((piece, i) => out.push(i === 0 ? field : `${field}${i}`, piece));
  };
  put(F.rev, b.rev);
  put(F.sessionId, b.sessionId);
  put(F.mac, b.mac);
  put(F.clientId, b.clientId);
  put(F.giaddr, b.giaddr);
  put(F.serverId, b.serverId);
  put(F.circuitId, b.circuitId);
  put(F.remoteId, b.remoteId);
  if (b.vlans.length > 0) put(F.vlans, b.vlans.join(','));
  put(F.state, STATE_CODE[b.state] ?? b.state);
  put(F.leaseSeconds, b.leaseSeconds);
  put(F.leaseStart, b.leaseStart);
  put(F.expiresAt, b.expiresAt !== null && b.leaseStart + b.leaseSeconds * 1000 === b.expiresAt ? '' : b.expiresAt);
  const sinceBound = b.leaseStart - b.boundAt;
  if (b.leaseStart - sinceBound === b.boundAt) put(SHORT.boundAt, sinceBound);
  else put(F.boundAt, b.boundAt);
  const toActive = b.activatedAt === null ? null : b.activatedAt - b.leaseStart;
  if (toActive !== null && b.leaseStart + toActive === b.activatedAt) put(SHORT.activatedAt, toActive);
  else put(F.activatedAt, b.activatedAt);
  put(F.interfaceName, b.interfaceName);
  put(F.profile, b.profile);
  if (b.interfaceVr === b.vr) put(SHORT.interfaceVrIsVr, '');
  else put(F.interfaceVr, b.interfaceVr);
  put(F.loginName, b.loginName);
  if (Object.keys(b.attributes).length > 0) put(F.attributes, asciiJson(b.attributes));
  if (Object.keys(b.clientOptions).length > 0) put(F.clientOptions, encodeOptions(b.clientOptions));
  if (Object.keys(b.serverOptions).length > 0) put(F.serverOptions, encodeOptions(b.serverOptions));
  put(F.lastXid, b.lastXid);
  return out;
}

export type DecodeResult = { ok: true; binding: Binding } | { ok: false; reason: string };

class Corrupt extends Error {}

/** A binding from its hash (HGETALL reply); `{ok:false}` for a hash it cannot trust. */
export function decodeBinding(vr: string, ip: string, h: Record<string, string>): DecodeResult {
  /** The field with its chunks put back together, or null when absent. */
  const text = (field: string): string | null => {
    const first = h[field];
    if (first === undefined) return null;
    if (NEVER_CHUNKED.has(field)) return first;
    let value = first;
    for (let i = 1; h[`${field}${i}`] !== undefined; i++) value += h[`${field}${i}`];
    return value;
  };
  const required = (field: string): string => {
    const v = text(field);
    if (v === null) throw new Corrupt(`missing field ${field}`);
    return v;
  };
  const num = (field: string, v: string | null): number | null => {
    if (v === null) return null;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new Corrupt(`field ${field} is not a number`);
    return n;
  };
  const requiredNum = (field: string): number => num(field, required(field))!;
  const record = (field: string, decode: (t: string) => Record<string, string> | undefined): Record<string, string> => {
    const v = text(field);
    if (v === null) return {};
    const r = decode(v);
    if (r === undefined) throw new Corrupt(`field ${field} is garbled`);
    return r;
  };

  try {
    const rev = requiredNum(F.rev);
    if (!Number.isInteger(rev)) throw new Corrupt('rev is not an integer');
    const state = STATE_OF[required(F.state)];
    if (state === undefined) throw new Corrupt('unknown state');
    const leaseSeconds = requiredNum(F.leaseSeconds);
    const leaseStart = requiredNum(F.leaseStart);
    const e = text(F.expiresAt);
    const sinceBound = text(F.boundAt) === null ? num(SHORT.boundAt, text(SHORT.boundAt)) : null;
    const toActive = text(F.activatedAt) === null ? num(SHORT.activatedAt, text(SHORT.activatedAt)) : null;
    const vlansText = text(F.vlans);
    const vlans = vlansText === null ? [] : vlansText.split(',').map((v) => num(F.vlans, v)!);
    return {
      ok: true,
      binding: {
        vr,
        ip,
        sessionId: required(F.sessionId),
        mac: required(F.mac),
        clientId: text(F.clientId),
        giaddr: required(F.giaddr),
        serverId: text(F.serverId),
        circuitId: text(F.circuitId),
        remoteId: text(F.remoteId),
        vlans,
        state,
        leaseSeconds,
        leaseStart,
        expiresAt: e === '' ? leaseStart + leaseSeconds * 1000 : num(F.expiresAt, e),
        boundAt: sinceBound === null ? requiredNum(F.boundAt) : leaseStart - sinceBound,
        activatedAt: toActive === null ? num(F.activatedAt, text(F.activatedAt)) : leaseStart + toActive,
        interfaceName: text(F.interfaceName),
        profile: text(F.profile),
        interfaceVr: text(F.interfaceVr) ?? (h[SHORT.interfaceVrIsVr] === undefined ? null : vr),
        loginName: text(F.loginName),
        attributes: record(F.attributes, decodeStringRecord),
        clientOptions: record(F.clientOptions, decodeOptions),
        serverOptions: record(F.serverOptions, decodeOptions),
        lastXid: requiredNum(F.lastXid),
        rev,
      },
    };
  } catch (err) {
    if (err instanceof Corrupt) return { ok: false, reason: err.message };
    throw err;
  }
}
