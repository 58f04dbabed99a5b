import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/issues.js';
import { checkRouteMap, compileRouteMap, MAX_REGEX_LENGTH } from '../../../src/routemap/index.js';
import type { RouteMapEntryConfig } from '../../../src/routemap/types.js';

function issuesOf(entries: RouteMapEntryConfig[]): { key: string; message: string }[] {
  return checkRouteMap(entries, 'routeMap');
}

const entry = (extra: Partial<RouteMapEntryConfig>): RouteMapEntryConfig => ({ seq: 10, action: 'permit', ...extra });

describe('route map compile errors', () => {
  it('throws a DXGW_CONFIG_INVALID ConfigError naming the exact key path', () => {
    let caught: unknown;
    try {
      compileRouteMap([entry({}), entry({ seq: 20 }), entry({ seq: 30, match: { circuitId: '(' } })], 'routeMap');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.code).toBe('DXGW_CONFIG_INVALID');
    expect(error.key).toBe('routeMap[2].match.circuitId');
    expect(error.describe()).toMatch(/^DXGW_CONFIG_INVALID: routeMap\[2\]\.match\.circuitId: "\(" is not a valid regular expression/);
  });

  it.each<[string, RouteMapEntryConfig, string, RegExp]>([
    ['prefix length', entry({ match: { address: ['192.0.2.0/24', '192.0.2.0/33'] } }), 'routeMap[0].match.address[1]', /"192.0.2.0\/33" is not an IPv4 prefix/],
    ['host bits', entry({ match: { giaddr: '192.0.2.1/24' } }), 'routeMap[0].match.giaddr', /host bits set \(did you mean 192.0.2.0\/24\?\)/],
    ['bad address', entry({ match: { address: '300.0.0.0/8' } }), 'routeMap[0].match.address', /not an IPv4 prefix/],
    ['empty list', entry({ match: { address: [] } }), 'routeMap[0].match.address', /empty list/],
    ['bad MAC', entry({ match: { mac: '00:1b:2g' } }), 'routeMap[0].match.mac', /not a MAC address or prefix/],
    ['MAC too long', entry({ match: { mac: '00:11:22:33:44:55:66' } }), 'routeMap[0].match.mac', /not a MAC address/],
    ['MAC mask beyond', entry({ match: { mac: '00:1b:21/25' } }), 'routeMap[0].match.mac', /bit length beyond its 24 bits/],
    ['MAC bits beyond mask', entry({ match: { mac: '00:1b:21:00:00:00/16' } }), 'routeMap[0].match.mac', /bits set beyond \/16/],
    ['bad regex', entry({ match: { remoteId: ['ok', '[a-'] } }), 'routeMap[0].match.remoteId[1]', /not a valid regular expression/],
    ['nested quantifier', entry({ match: { vendorClass: '^(a|b+)*$' } }), 'routeMap[0].match.vendorClass', /catastrophic/],
    ['long regex', entry({ match: { clientId: 'a'.repeat(MAX_REGEX_LENGTH + 1) } }), 'routeMap[0].match.clientId', /longer than/],
    ['hex regex', entry({ match: { circuitIdHex: '(' } }), 'routeMap[0].match.circuitIdHex', /regular expression/],
    ['option code', entry({ match: { option: { code: 255 } } }), 'routeMap[0].match.option.code', /not a DHCP option code/],
    ['option hex', entry({ match: { option: [{ code: 1 }, { code: 60, hex: 'abc' }] } }), 'routeMap[0].match.option[1].hex', /not a hex byte string/],
    ['option regex', entry({ match: { option: { code: 60, regex: '(x+)+' } } }), 'routeMap[0].match.option.regex', /catastrophic/],
    ['option present:false', entry({ match: { option: { code: 60, present: false, hex: '00' } } }), 'routeMap[0].match.option.present', /cannot be combined/],
    ['template', entry({ set: { interfaceName: 'x{foo}' } }), 'routeMap[0].set.interfaceName', /unknown placeholder \{foo\}/],
    ['login template', entry({ set: { loginName: '{mac' } }), 'routeMap[0].set.loginName', /unclosed/],
    ['attribute template', entry({ set: { attributes: { 'Port-Id': '{port}' } } }), 'routeMap[0].set.attributes.Port-Id', /unknown placeholder/],
    ['empty profile', entry({ set: { interfaceProfile: ' ' } }), 'routeMap[0].set.interfaceProfile', /must not be empty/],
    ['deny with set', entry({ action: 'deny', set: { interfaceProfile: 'p' } }), 'routeMap[0].set', /deny entry sets nothing/],
    ['sequence range', entry({ seq: 0 }), 'routeMap[0].seq', /not a sequence number/],
  ])('%s', (_name, bad, key, message) => {
    const issues = issuesOf([bad]);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.key).toBe(key);
    expect(issues[0]!.message).toMatch(message);
  });

  it('reports a duplicate sequence number at the later entry, naming the earlier one', () => {
    expect(issuesOf([entry({}), entry({ seq: 20 }), entry({})])).toEqual([{ key: 'routeMap[2].seq', message: 'sequence number 10 is already used by routeMap[0]' }]);
  });

  it('reports every problem at once', () => {
    const issues = issuesOf([entry({ match: { address: 'x', mac: 'y' }, set: { loginName: '{z}' } })]);
    expect(issues.map((i) => i.key)).toEqual(['routeMap[0].match.address', 'routeMap[0].match.mac', 'routeMap[0].set.loginName']);
  });
});
