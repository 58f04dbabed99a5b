import { createHash } from 'node:crypto';

/**
 * A binding instance's id: deterministic (replays give the same ids) and unique across
 * restarts and Redis wipes, because the first ACK's time is part of it. It becomes the
 * RADIUS Acct-Session-Id and the prefix of every event id of the binding.
 */
export function sessionIdFor(site: string, vr: string, ip: string, mac: string, boundAt: number): string {
  return createHash('sha256').update(`${site}\0${vr}\0${ip}\0${mac}\0${boundAt}`).digest('hex').slice(0, 16);
}
