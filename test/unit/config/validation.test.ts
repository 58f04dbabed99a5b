import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.js';
import { configError, lines } from './helpers.js';

const parse = (input: unknown) => () => parseConfig(input, 'test.yaml');

describe('config validation', () => {
  it.each<[string, unknown, string]>([
    ['site pattern', { site: 'a b' }, 'site: "a b" must be 1-32 characters of A-Z a-z 0-9 _ . -'],
    ['site length', { site: 'x'.repeat(33) }, 'site: '],
    ['redis url', { redis: { url: 'http://localhost' } }, 'redis.url: "http://localhost" is not a redis:// or rediss:// URL'],
    ['snapLength type', { capture: { snapLength: 'big' } }, 'capture.snapLength: expected number, got string "big"'],
    ['snapLength range', { capture: { snapLength: 10 } }, 'capture.snapLength: 10 is below the minimum 64'],
    ['dataBufferSize range', { capture: { dataBufferSize: 4096 } }, 'capture.dataBufferSize: 4096 is below the minimum 1048576'],
    ['dataBufferSize type', { capture: { dataBufferSize: '8M' } }, 'capture.dataBufferSize: expected number, got string "8M"'],
    ['bufferSize range', { capture: { bufferSize: 4096 } }, 'capture.bufferSize: 4096 is below the minimum 1048576'],
    ['subscriber prefix', { capture: { subscriberPrefixes: ['10.0.0.0/8', '10.0.0.0/33'] } }, 'capture.subscriberPrefixes[1]: "10.0.0.0/33" is not an IPv4 prefix'],
    ['activation mode', { activation: { mode: 'later' } }, 'activation.mode: "later" is not one of "first-packet", "ack"'],
    ['activation source', { activation: { source: 'netflow' } }, 'activation.source: "netflow" is not one of "capture", "flows"'],
    ['flows without collector', { activation: { source: 'flows' } }, 'activation.flows: is required with activation.source: flows (at least flows.listen)'],
    ['flows with ack mode', { activation: { source: 'flows', mode: 'ack', flows: { listen: '0.0.0.0:4739' } } }, 'activation.source: flows activates on data, but activation.mode is ack'],
    ['flows listen', { activation: { source: 'flows', flows: { listen: '4739' } } }, 'activation.flows.listen: "4739" is not a listen address'],
    ['flows listen missing', { activation: { source: 'flows', flows: { exporters: [] } } }, 'activation.flows.listen: is required'],
    ['flows exporter', { activation: { source: 'flows', flows: { listen: '0.0.0.0:4739', exporters: ['bng1'] } } }, 'activation.flows.exporters[0]: "bng1" is not an IPv4 address'],
    ['flows template timeout', { activation: { source: 'flows', flows: { listen: '0.0.0.0:4739', templateTimeoutSeconds: 5 } } }, 'activation.flows.templateTimeoutSeconds: 5 is below the minimum 10'],
    ['flows unknown key', { activation: { source: 'flows', flows: { listen: '0.0.0.0:4739', exporter: ['192.0.2.1'] } } }, 'activation.flows.exporter: unknown key (did you mean "exporters"?)'],
    ['trust giaddr', { trust: { giaddrs: ['192.0.2.256'] } }, 'trust.giaddrs[0]: "192.0.2.256" is not an IPv4 address'],
    ['nameTemplate placeholder', { interfaces: { nameTemplate: 'ip{addr}' } }, 'interfaces.nameTemplate: template "ip{addr}" has unknown placeholder {addr}'],
    ['nameTemplate unique', { interfaces: { nameTemplate: 'sub-{mac}' } }, 'interfaces.nameTemplate: template "sub-{mac}" must contain {ip} or {ipDashed}'],
    ['profileOption', { interfaces: { profileOption: 255 } }, 'interfaces.profileOption: 255 is above the maximum 254'],
    ['route map prefix', { routeMap: [{ seq: 1, action: 'permit' }, { seq: 2, action: 'permit', match: { address: ['192.0.2.0/33'] } }] }, 'routeMap[1].match.address[0]: "192.0.2.0/33" is not an IPv4 prefix'],
    ['route map regex', { routeMap: [{ seq: 1, action: 'permit' }, { seq: 2, action: 'permit' }, { seq: 3, action: 'permit', match: { circuitId: '[' } }] }, 'routeMap[2].match.circuitId: "[" is not a valid regular expression'],
    ['route map action', { routeMap: [{ seq: 1, action: 'allow' }] }, 'routeMap[0].action: "allow" is not one of "permit", "deny"'],
    ['route map seq missing', { routeMap: [{ action: 'deny' }] }, 'routeMap[0].seq: is required'],
    ['sink type', { sinks: [{ name: 'a', type: 'smtp' }] }, 'sinks[0].type: "smtp" is not one of "http", "radius", "snmp"'],
    ['sink type missing', { sinks: [{ name: 'a' }] }, 'sinks[0].type: is required (one of "http", "radius", "snmp")'],
    ['http url', { sinks: [{ name: 'a', type: 'http', url: 'ftp://x/', secret: 's' }] }, 'sinks[0].url: "ftp://x/" is not an http(s) URL'],
    ['http secret', { sinks: [{ name: 'a', type: 'http', url: 'https://x/' }] }, 'sinks[0].secret: is required'],
    ['sink events', { sinks: [{ name: 'a', type: 'http', url: 'https://x/', secret: 's', events: ['address-added', 'lease-stolen'] }] }, 'sinks[0].events[1]: "lease-stolen" is not one of'],
    ['sink name', { sinks: [{ name: 'a:b', type: 'http', url: 'https://x/', secret: 's' }] }, 'sinks[0].name: "a:b" must be 1-32 characters'],
    ['radius servers', { sinks: [{ name: 'r', type: 'radius', servers: [], nasIdentifier: 'n', nasIp: '192.0.2.1' }] }, 'sinks[0].servers: list at least one accounting server'],
    ['radius port', { sinks: [{ name: 'r', type: 'radius', servers: [{ host: 'h', port: 70000, secret: 's' }], nasIdentifier: 'n', nasIp: '192.0.2.1' }] }, 'sinks[0].servers[0].port: 70000 is above the maximum 65535'],
    ['radius host', { sinks: [{ name: 'r', type: 'radius', servers: [{ host: 'bad host', secret: 's' }], nasIdentifier: 'n', nasIp: '192.0.2.1' }] }, 'sinks[0].servers[0].host: "bad host" is not a host name or IP address'],
    ['radius nasPortType', { sinks: [{ name: 'r', type: 'radius', servers: [{ host: 'h', secret: 's' }], nasIdentifier: 'n', nasIp: '192.0.2.1', nasPortType: 'Ethernets' }] }, 'sinks[0].nasPortType: "Ethernets" is not a NAS-Port-Type name (e.g. Ethernet, xDSL, Cable, Virtual) nor a number'],
    ['snmp v2c community', { sinks: [{ name: 'n', type: 'snmp', targets: [{ host: 'h' }] }] }, 'sinks[0].targets[0].community: is required for version 2c'],
    ['snmp version', { sinks: [{ name: 'n', type: 'snmp', targets: [{ host: 'h', version: 'v2', community: 'c' }] }] }, 'sinks[0].targets[0].version: "v2" is not one of '],
    ['route map match type', { routeMap: [{ seq: 1, action: 'permit', match: { address: 7 } }] }, 'routeMap[0].match.address: number 7 is none of the accepted forms'],
    ['snmp v3 user', { sinks: [{ name: 'n', type: 'snmp', targets: [{ host: 'h', version: '3', user: 'ghost' }] }] }, 'sinks[0].targets[0].user: "ghost" is not a user in snmp.users'],
    ['retry order', { retry: { backoffMs: 5000, maxBackoffMs: 1000 } }, 'retry.maxBackoffMs: 1000 is below backoffMs (5000)'],
    ['outbox maxEvents', { outbox: { maxEvents: 0 } }, 'outbox.maxEvents: 0 is below the minimum 1'],
    ['outbox maxAgeSeconds', { outbox: { maxAgeSeconds: 1.5 } }, 'outbox.maxAgeSeconds: '],
    ['outbox unknown key', { outbox: { maxEntries: 5 } }, 'outbox.maxEntries: unknown key'],
    ['outbox completed jobs', { outbox: { completedJobs: { maxJobs: -1 } } }, 'outbox.completedJobs.maxJobs: -1 is below the minimum 0'],
    ['snmp listen', { snmp: { listen: '127.0.0.1' } }, 'snmp.listen: "127.0.0.1" is not a listen address'],
    ['snmp user auth', { snmp: { users: [{ name: 'u', authProtocol: 'md5', authKey: '12345678' }] } }, 'snmp.users[0].authProtocol: "md5" is not one of'],
    ['snmp user key', { snmp: { users: [{ name: 'u', authProtocol: 'sha', authKey: 'short' }] } }, 'snmp.users[0].authKey: must be at least 8 characters'],
    ['snmp user priv pair', { snmp: { users: [{ name: 'u', authProtocol: 'sha', authKey: '12345678', privProtocol: 'aes' }] } }, 'snmp.users[0].privKey: privProtocol and privKey go together'],
    ['api token required', { api: { listen: '0.0.0.0:8080' } }, 'api.token: is required because api.listen (0.0.0.0:8080) is not a loopback address'],
    ['api token length', { api: { token: 'short' } }, 'api.token: must be at least 16 characters'],
    ['dae clients', { dae: { enabled: true } }, 'dae.clients: list at least one client'],
    ['dae client address', { dae: { clients: [{ address: 'sae', secret: 's' }] } }, 'dae.clients[0].address: "sae" is not an IPv4 address'],
    ['log level', { log: { level: 'verbose' } }, 'log.level: "verbose" is not one of'],
    ['section type', { redis: 'localhost' }, 'redis: expected object, got string "localhost"'],
  ])('%s', (_name, input, expected) => {
    const error = configError(parse(input));
    expect(error.code).toBe('DXGW_CONFIG_INVALID');
    expect(lines(error)).toHaveLength(1);
    expect(lines(error)[0]).toContain(expected);
    expect(error.key).toBe(expected.split(': ')[0]);
  });

  it('refuses unknown keys at every level, suggesting the closest known key', () => {
    const error = configError(parse({ sitee: 'x', capture: { interfce: 'eth0' }, sinks: [{ name: 'a', type: 'http', url: 'https://x/', secret: 's', timeout: 5 }], routeMap: [{ seq: 1, action: 'permit', match: { adress: '10.0.0.0/8' } }] }));
    expect(lines(error).sort()).toEqual([
      'capture.interfce: unknown key (did you mean "interface"?)',
      'routeMap[0].match.adress: unknown key (did you mean "address"?)',
      'sinks[0].timeout: unknown key (did you mean "timeoutMs"?)',
      'sitee: unknown key (did you mean "site"?)',
    ]);
    expect(lines(configError(parse({ zzzzzz: 1 })))).toEqual(['zzzzzz: unknown key']);
  });

  it('reports several problems together, one line each in describe()', () => {
    const error = configError(parse({ site: '', capture: { snapLength: 0 }, api: { listen: 'x' } }));
    expect(lines(error)).toHaveLength(3);
    expect(error.describe().split('\n')).toEqual(lines(error).map((l) => `DXGW_CONFIG_INVALID: ${l}`));
  });

  it('refuses duplicate sink names', () => {
    const http = { type: 'http', url: 'https://x/', secret: 's' };
    expect(lines(configError(parse({ sinks: [{ name: 'a', ...http }, { name: 'b', ...http }, { name: 'a', ...http }] })))).toEqual(['sinks[2].name: "a" is already the name of sinks[0]']);
  });

  it('accepts a loopback API without a token, and any API with one', () => {
    expect(parseConfig({ api: { listen: '[::1]:8080' } }).api.token).toBeUndefined();
    expect(parseConfig({ api: { listen: 'localhost:0' } }).api.listen).toBe('localhost:0');
    expect(parseConfig({ api: { listen: '0.0.0.0:8080', token: 'x'.repeat(16) } }).api.token).toBe('x'.repeat(16));
  });

  it('takes numbers and booleans as text for route-map attributes', () => {
    const config = parseConfig({ routeMap: [{ seq: 1, action: 'permit', set: { attributes: { Class: 42, Flag: true } } }] });
    expect(config.routeMap[0]!.set!.attributes).toEqual({ Class: '42', Flag: 'true' });
  });

  it('refuses a document that is not a mapping', () => {
    expect(lines(configError(parse([1, 2])))).toEqual(['test.yaml: the configuration must be a mapping of keys']);
  });
});
