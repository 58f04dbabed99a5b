import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileConfig, loadConfig, SECRET_KEYS } from '../../../src/config/index.js';
import { configSchema } from '../../../src/config/schema.js';
import { hex } from '../routemap/subject.js';

const EXAMPLE = fileURLToPath(new URL('../../../deploy/dxgw.example.yaml', import.meta.url));

describe('deploy/dxgw.example.yaml', () => {
  it('loads', () => {
    const config = loadConfig(EXAMPLE, {});
    expect(config.site).toBe('bras-east-1');
    expect(config.sinks.map((s) => s.type)).toEqual(['http', 'radius', 'snmp']);
  });

  it('uses every section of the schema', () => {
    const config = loadConfig(EXAMPLE, {});
    for (const section of Object.keys(configSchema.shape)) expect(config, section).toHaveProperty(section);
    expect(Object.keys(config).sort()).toEqual(Object.keys(configSchema.shape).sort());
    expect(config.routeMap.length).toBeGreaterThan(0);
    expect(SECRET_KEYS.size).toBeGreaterThan(0);
  });

  it('its route map does what its comments say', () => {
    const { routeMap } = compileConfig(loadConfig(EXAMPLE, {}));
    const base = { vr: 'default', clientId: '01:00:1b:21:00:00:01', vlans: [300, 12], vendorClass: 'udhcp 1.36', options: { '60': '7564686370' } };
    expect(routeMap.evaluate({ ...base, ip: '100.64.3.7', giaddr: '100.64.0.1', mac: '00:00:5e:00:53:01', circuitId: null, remoteId: null })).toMatchObject({ permit: false, entry: 10 });
    expect(
      routeMap.evaluate({ ...base, ip: '198.51.100.20', giaddr: '198.51.100.1', mac: '00:11:22:33:44:55', circuitId: hex('ge-1/0/3:12'), remoteId: null, options: {} }),
    ).toEqual({
      permit: true,
      entry: 20,
      interfaceProfile: 'business',
      virtualRouter: 'isp-business',
      interfaceName: 'biz300.12-198-51-100-20',
      loginName: 'ge-1/0/3:12@business.example.net',
      attributes: { 'ERX-Service-Bundle': 'gold', 'NAS-Port-Id': 'ge-1/0/3:12' },
    });
    expect(routeMap.evaluate({ ...base, ip: '100.64.3.7', giaddr: '100.64.0.1', mac: '00:1b:21:00:00:01', circuitId: null, remoteId: '00:1b:21:00:00:01' })).toMatchObject({
      permit: true,
      entry: 30,
      loginName: '001b21000001',
    });
    expect(routeMap.evaluate({ ...base, ip: '10.0.0.1', giaddr: '10.0.0.254', mac: '00:11:22:33:44:55', circuitId: null, remoteId: null })).toMatchObject({ permit: true, entry: 65535, loginName: null });
  });
});
