/** RADIUS accounting client (RFC 2866): see client.ts for the retransmission rules. */
export { onAbort } from './abort-hub.js';
export { RadiusAccountingClient, type AccountingRequest, type AccountingResult, type RadiusClientOptions, type RadiusServerConfig } from './client.js';
export { encodeAccountingRequest, lookupAttribute, maxValueLength, type RadiusAttribute, type RadiusValue } from './codec.js';
export { accountingRequestAuthenticator, responseAuthenticator, verifyResponseAuthenticator } from './authenticator.js';
export { zeroCounters, type RadiusCounters } from './counters.js';
export { ERX_VENDOR, dictionaryPath, ensureDictionary, enumValue } from './dictionary.js';
export { RadiusClosedError, RadiusConfigError, RadiusEncodeError, RadiusTimeoutError } from './errors.js';
export { IdentifierPool } from './identifiers.js';
export { checkResponse, type ResponseCheck, type ResponseHeader } from './response.js';
