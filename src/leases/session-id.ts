import * as crypto from 'node:crypto';

// One-shot crypto.hash (Node >= 20.12) avoids a Hash object per binding; older Node 20 lacks it.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text).digest('hex');

/**
 * A binding instance's id: deterministic (replays give the same ids) and unique across
 * restarts and Redis wipes, because the first ACK's time is part of it. It becomes the
 * RADIUS Acct-Session-Id and the prefix of every event id of the binding.
 */
export function sessionIdFor(site: string, vr: string, ip: string, mac: string, boundAt: number): string {
  return sha256Hex(`${site}\0${vr}\0${ip}\0${mac}\0${boundAt}`).slice(0, 16);
}
