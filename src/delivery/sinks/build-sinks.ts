/** Sinks from the configuration's `sinks` list. */
import type { DxgwConfig } from '../../config/schema.js';
import type { LeaseStore } from '../../leases/store.js';
import type { Sink } from '../sink.js';
import { HttpSink } from './http-sink.js';
import { redisAnnouncements, type AnnouncementRedis } from './radius-announcements.js';
import { RadiusSink } from './radius-sink.js';
import { SnmpNotificationSink } from './snmp-sink.js';

/** The site's store, where RADIUS sinks learn whether Accounting-On/Off may go out. */
export interface SinkStore {
  redis: AnnouncementRedis;
  store: Pick<LeaseStore, 'count'>;
}

export function buildSinks(config: DxgwConfig, state?: SinkStore): Sink[] {
  return config.sinks.map((sink) => {
    switch (sink.type) {
      case 'http':
        return new HttpSink(sink);
      case 'radius':
        return new RadiusSink(sink, {
          timeoutMs: sink.timeoutMs,
          retries: sink.retries,
          accountingOnOff: sink.accountingOnOff,
          ...(state ? { announcements: redisAnnouncements(state.redis, config.site, sink, state.store) } : {}),
        });
      case 'snmp':
        return new SnmpNotificationSink(sink, { users: config.snmp.users, site: config.site });
      default:
        // The schema admits no other type; a new one must be wired here.
        throw new Error(`unknown sink type ${(sink as { type: string }).type}`);
    }
  });
}
