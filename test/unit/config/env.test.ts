import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { configError, lines, tempFile } from './helpers.js';

const FILE = `
site: lab
sinks:
  - name: sae
    type: http
    url: https://sae.example.net/events
    secret: from-file
routeMap:
  - seq: 10
    action: permit
`;

describe('environment overrides', () => {
  it('sets top-level and nested keys, case-insensitively with _ ignored inside a segment', () => {
    const config = loadConfig(undefined, {
      DXGW_SITE: 'east-1',
      DXGW_REDIS__URL: 'redis://redis.example.net:6379/0',
      DXGW_CAPTURE__SNAP_LENGTH: '2000',
      DXGW_CAPTURE__PROMISCUOUS: 'false',
      DXGW_API__TOKEN: '0123456789abcdef0123',
      DXGW_INTERFACES__PROFILE_OPTION: '~',
      PATH: '/usr/bin',
    });
    expect(config.site).toBe('east-1');
    expect(config.redis.url).toBe('redis://redis.example.net:6379/0');
    expect(config.capture.snapLength).toBe(2000);
    expect(config.capture.promiscuous).toBe(false);
    expect(config.interfaces.profileOption).toBeNull();
    // Text keys take the value verbatim: a leading zero survives.
    expect(config.api.token).toBe('0123456789abcdef0123');
  });

  it('override file values, and reach list items the file has by index', () => {
    const path = tempFile(FILE);
    const config = loadConfig(path, { DXGW_SITE: 'west', DXGW_SINKS__0__SECRET: 'from-env', DXGW_ROUTE_MAP__0__ACTION: 'deny' });
    expect(config.site).toBe('west');
    expect(config.sinks[0]).toMatchObject({ name: 'sae', secret: 'from-env' });
    expect(config.routeMap[0]!.action).toBe('deny');
    // The file is not modified by the override.
    expect(loadConfig(path, {}).sinks[0]).toMatchObject({ secret: 'from-file' });
  });

  it('replaces a whole list with a YAML flow sequence', () => {
    const config = loadConfig(undefined, { DXGW_TRUST__GIADDRS: '[192.0.2.1, 192.0.2.2]', DXGW_SNMP__COMMUNITIES: '[ro-one]' });
    expect(config.trust.giaddrs).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(config.snmp.communities).toEqual(['ro-one']);
  });

  it('refuses a variable that names no key, naming the variable', () => {
    const error = configError(() => loadConfig(undefined, { DXGW_REDIS__URI: 'redis://x', DXGW_NOPE: '1', DXGW_CAPTURE__SNAPLENGTH__X: '1' }));
    expect(error.code).toBe('DXGW_CONFIG_INVALID');
    expect(error.issues.map((i) => i.key)).toEqual(['DXGW_CAPTURE__SNAPLENGTH__X', 'DXGW_NOPE', 'DXGW_REDIS__URI']);
    expect(lines(error)[2]).toBe('DXGW_REDIS__URI: names no configuration key (redis has no key "uri")');
  });

  it('refuses an index the file does not have (overrides change items, not add them)', () => {
    expect(lines(configError(() => loadConfig(tempFile(FILE), { DXGW_SINKS__1__SECRET: 'x' })))).toEqual([
      'DXGW_SINKS__1__SECRET: sinks has no item 1 in the file (overrides change list items, they do not add them)',
    ]);
    expect(lines(configError(() => loadConfig(undefined, { DXGW_SINKS__0__SECRET: 'x' })))).toEqual([
      'DXGW_SINKS__0__SECRET: sinks is not in the file, so it has no item 0 to change',
    ]);
  });

  it('blames the variable when the value it set is invalid', () => {
    expect(lines(configError(() => loadConfig(undefined, { DXGW_CAPTURE__SNAP_LENGTH: 'lots' })))).toEqual([
      'capture.snapLength: expected number, got string "lots" (set by DXGW_CAPTURE__SNAP_LENGTH)',
    ]);
    expect(lines(configError(() => loadConfig(undefined, { DXGW_TRUST__GIADDRS: '[192.0.2.300]' })))).toEqual([
      'trust.giaddrs[0]: "192.0.2.300" is not an IPv4 address (set by DXGW_TRUST__GIADDRS)',
    ]);
  });

  it('ignores DXGW_* variables that are not configuration', () => {
    expect(loadConfig(undefined, { DXGW_CONFIG: '/etc/dxgw.yaml', DXGW_SKIP_SYSTEM_PACKAGES: '1' }).site).toBe('default');
  });
});
