/**
 * When a RADIUS sink may say Accounting-On / Accounting-Off (docs/radius.md). Both tell a
 * server that every open session of the NAS has ended. Bindings outlive a restart in
 * Redis and their Interims and Stops follow, so that is true only when the store holds
 * none of the sessions the server may have open:
 *
 * - Accounting-On: when this NAS has not announced itself into this store — a new site, or
 *   a store that was lost (flushed, its data dir gone). A marker in the site's keyspace
 *   records the announcement; it goes with the store, so a lost store announces again.
 * - Accounting-Off: at a graceful stop only when the store holds no binding at all.
 */
import type { RadiusSinkConfig } from '../../config/schema-sinks.js';
import { siteKeys } from '../../leases/redis/keys.js';
import type { LeaseStore } from '../../leases/store.js';

export interface NasAnnouncements {
  /** True when this NAS identity announced itself into this store (the marker exists). */
  announced(): Promise<boolean>;
  /** Records the announcement, once a server acknowledged the Accounting-On. */
  recordAnnounced(sessionId: string, at: number): Promise<void>;
  /** True while the store holds any binding: a session a server may still hold open. */
  holdsSessions(): Promise<boolean>;
}

/** The commands used, so any ioredis client (or cluster) will do. */
export interface AnnouncementRedis {
  hexists(key: string, field: string): Promise<number>;
  hset(key: string, field: string, value: string): Promise<number>;
}

/** Hash of the site: one field per announced NAS. */
export const announcementsKey = (site: string): string => `${siteKeys(site).tag}:radius:announced`;

/**
 * The sink's name is part of the field: two sinks under one NAS identity but with other
 * servers must each announce to theirs. A changed nasIdentifier or nasIp is a new NAS.
 */
export const announcementField = (sink: Pick<RadiusSinkConfig, 'name' | 'nasIdentifier' | 'nasIp'>): string =>
  `${sink.name}|${sink.nasIdentifier}|${sink.nasIp}`;

export function redisAnnouncements(
  redis: AnnouncementRedis,
  site: string,
  sink: Pick<RadiusSinkConfig, 'name' | 'nasIdentifier' | 'nasIp'>,
  store: Pick<LeaseStore, 'count'>,
): NasAnnouncements {
  const key = announcementsKey(site);
  const field = announcementField(sink);
  return {
    announced: async () => (await redis.hexists(key, field)) === 1,
    recordAnnounced: async (sessionId, at) => {
      await redis.hset(key, field, JSON.stringify({ sessionId, at: new Date(at).toISOString() }));
    },
    // Once, at a graceful stop: a scan of the lease keys is affordable there.
    holdsSessions: async () => (await store.count()) > 0,
  };
}
