/** RFC 5176 Dynamic Authorization server (Disconnect and CoA): see docs/dae.md. */
export { startDaeServer, type DaeConfig, type DaeLogLevel, type DaeServer, type DaeServerOptions } from './server.js';
export { zeroDaeCounters, type DaeCounters, type DropReason } from './counters.js';
export type { ApplyChange, CoaChange } from './coa.js';
export { accountingIdentity, type AccountingIdentity } from './session-match.js';
export { normalizeMac } from './mac.js';
export { CODE as DAE_CODE, ERROR_CAUSE } from './protocol.js';
