/** Sinks from the configuration's `sinks` list. */
import type { DxgwConfig } from '../../config/schema.js';
import type { Sink } from '../sink.js';
import { HttpSink } from './http-sink.js';
import { RadiusSink } from './radius-sink.js';
import { SnmpNotificationSink } from './snmp-sink.js';

export function buildSinks(config: DxgwConfig): Sink[] {
  return config.sinks.map((sink) => {
    switch (sink.type) {
      case 'http':
        return new HttpSink(sink);
      case 'radius':
        return new RadiusSink(sink, { timeoutMs: sink.timeoutMs, retries: sink.retries, accountingOnOff: sink.accountingOnOff });
      case 'snmp':
        return new SnmpNotificationSink(sink, { users: config.snmp.users, site: config.site });
    }
  });
}
