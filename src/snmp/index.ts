/** The SNMP agent role (docs/snmp.md): what `dxgw run` and other roles wire together. */
export { SnmpAgent, startSnmpAgent, type SnmpAgentOptions, type SnmpConfig } from './agent.js';
export { BindingMirror, type BindingMirrorOptions } from './binding-mirror.js';
export { listPages, redisBindingPages, type BindingPages } from './binding-pages.js';
export { redisOutboxTail, scanOutboxTail, type OutboxTail } from './outbox-tail.js';
export { noSinks, staticSinks, type SinkCounters, type SinkCountersProvider } from './sink-counters.js';
export type { BindingClearer } from './regions/binding-table.js';
export type { AgentCounters } from './request-handler.js';
export { DXGW_MIB_ROOT } from './mib.js';
export { desAvailable, engineIdFor } from './usm.js';
