/**
 * What must hold in a site's Redis keyspace after any sequence of transitions, even one cut
 * short by a crash: every binding has its indexes and timer, every index points at a live
 * binding, every outbox event is there once with increasing seq per subscriber.
 */
import type { Redis } from 'ioredis';
import { decodeBinding } from '../../src/leases/redis/binding-codec.js';
import { siteKeys } from '../../src/leases/redis/keys.js';

export async function redisInvariantViolations(redis: Redis, site: string): Promise<string[]> {
  const keys = siteKeys(site);
  const problems: string[] = [];
  const leaseKeys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${keys.leasePrefix}*`, 'COUNT', 1000);
    cursor = next;
    leaseKeys.push(...batch);
  } while (cursor !== '0');
  const lanes = new Set<string>();
  const macIndex = await redis.hgetall(keys.macIndex);
  const cidIndex = await redis.hgetall(keys.clientIdIndex);
  const ifIndex = await redis.hgetall(keys.interfaceIndex);
  const timers = new Map<string, number>();
  const zs = await redis.zrange(keys.expiry, 0, -1, 'WITHSCORES');
  for (let i = 0; i < zs.length; i += 2) timers.set(zs[i]!, Number(zs[i + 1]));
  for (const key of leaseKeys) {
    const lane = key.slice(keys.leasePrefix.length).replace(':', '|');
    lanes.add(lane);
    const [vr, ip] = lane.split('|') as [string, string];
    const decoded = decodeBinding(vr, ip, await redis.hgetall(key));
    if (!decoded.ok) {
      problems.push(`${lane}: undecodable (${decoded.reason})`);
      continue;
    }
    const b = decoded.binding;
    // A client is found by its client-id when it has one, else by MAC (RFC 2131 §4.2). Several
    // clients (different client-ids) may share a MAC: the MAC entry then names one of them.
    if (b.clientId !== null && cidIndex[`${vr}|${b.clientId}`] !== lane) problems.push(`${lane}: client-id ${b.clientId} not indexed to it`);
    if (b.clientId === null && macIndex[`${vr}|${b.mac}`] !== lane) problems.push(`${lane}: MAC ${b.mac} not indexed to it`);
    if (b.interfaceName !== null && ifIndex[b.interfaceName] !== lane) problems.push(`${lane}: interface ${b.interfaceName} not indexed to it`);
    if (b.expiresAt !== null && !timers.has(lane)) problems.push(`${lane}: no timer`);
    if (b.expiresAt === null && timers.has(lane)) problems.push(`${lane}: infinite lease with a timer`);
  }
  for (const [field, lane] of [...Object.entries(macIndex), ...Object.entries(cidIndex), ...Object.entries(ifIndex)]) {
    if (!lanes.has(lane)) problems.push(`index ${field} → ${lane}: no such binding`);
  }
  for (const [field, lane] of Object.entries(macIndex)) {
    const [vr, ip] = lane.split('|') as [string, string];
    const decoded = lanes.has(lane) ? decodeBinding(vr, ip, await redis.hgetall(`${keys.leasePrefix}${vr}:${ip}`)) : undefined;
    if (decoded?.ok && `${vr}|${decoded.binding.mac}` !== field) problems.push(`MAC index ${field} → ${lane}, which has MAC ${decoded.binding.mac}`);
  }
  for (const lane of timers.keys()) if (!lanes.has(lane)) problems.push(`timer ${lane}: no such binding`);
  const entries = await redis.xrange(keys.outbox, '-', '+');
  // The event id index (the resync cursor) holds exactly the retained entries.
  const indexed = await redis.hgetall(keys.outboxIds);
  if (Object.keys(indexed).length !== entries.length) problems.push(`event id index has ${Object.keys(indexed).length} entries, the outbox ${entries.length}`);
  for (const [position, fields] of entries) {
    const id = fields[fields.indexOf('id') + 1]!;
    if (indexed[id] !== position) problems.push(`event ${id} at ${position} indexed to ${indexed[id]}`);
  }
  const lastSeq = new Map<string, number>();
  const ids = new Set<string>();
  for (const [, fields] of entries) {
    const f: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
    if (ids.has(f.id!)) problems.push(`event ${f.id} twice in the outbox`);
    ids.add(f.id!);
    const seq = Number(f.seq);
    if (seq <= (lastSeq.get(f.lane!) ?? 0)) problems.push(`lane ${f.lane}: seq ${seq} after ${lastSeq.get(f.lane!)}`);
    lastSeq.set(f.lane!, seq);
  }
  return problems;
}
