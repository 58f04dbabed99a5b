import { describe, expect, it } from 'vitest';
import { compileConfig, loadConfig, parseConfig } from '../../../src/config/index.js';
import { EVENT_TYPES } from '../../../src/events/event.js';

describe('config defaults', () => {
  it('an empty configuration gets every default', () => {
    expect(loadConfig(undefined, {})).toEqual({
      site: 'default',
      redis: { dataDir: './.dxgw/redis' },
      capture: { snapLength: 1600, bufferSize: 32 * 1024 * 1024, dataBufferSize: 8 * 1024 * 1024, promiscuous: true, dropsClearedAfterMs: 60_000, virtualRouter: 'default', subscriberPrefixes: [] },
      activation: { mode: 'first-packet', matchMac: false, source: 'capture' },
      trust: { giaddrs: [], servers: [] },
      interfaces: { nameTemplate: 'ip{ipDashed}', defaultProfile: null, profileOption: null },
      routeMap: [],
      sinks: [],
      retry: { attempts: 10, backoffMs: 1000, maxBackoffMs: 300000, failingAfterMs: 10000 },
      outbox: { maxEvents: 1_000_000, maxAgeSeconds: 7 * 86400, completedJobs: { maxJobs: 10_000, maxAgeSeconds: 3600 } },
      snmp: { enabled: false, listen: '127.0.0.1:1161', communities: ['public'], v1v2c: true, users: [] },
      api: { listen: '127.0.0.1:8080' },
      dae: { enabled: false, listen: '127.0.0.1:3799', clients: [] },
      log: { level: 'info' },
    });
  });

  it('fills the flow collector defaults under activation.source flows', () => {
    expect(parseConfig({ activation: { source: 'flows', flows: { listen: '0.0.0.0:4739' } } }).activation).toEqual({
      mode: 'first-packet',
      matchMac: false,
      source: 'flows',
      flows: { listen: '0.0.0.0:4739', exporters: [], templateTimeoutSeconds: 1800, maxTemplates: 4096 },
    });
  });

  it('fills per-item defaults of sinks', () => {
    const config = parseConfig({
      sinks: [
        { name: 'sae', type: 'http', url: 'https://sae.example.net/events', secret: 's' },
        { name: 'acct', type: 'radius', servers: [{ host: '192.0.2.5', secret: 'r' }], nasIdentifier: 'dxgw-1', nasIp: '192.0.2.1' },
        { name: 'nms', type: 'snmp', targets: [{ host: 'nms.example.net', community: 'c' }] },
      ],
    });
    expect(config.sinks).toEqual([
      { name: 'sae', type: 'http', url: 'https://sae.example.net/events', secret: 's', timeoutMs: 5000, events: [...EVENT_TYPES] },
      { name: 'acct', type: 'radius', servers: [{ host: '192.0.2.5', port: 1813, secret: 'r' }], nasIdentifier: 'dxgw-1', nasIp: '192.0.2.1', interim: true, timeoutMs: 3000, retries: 2, accountingOnOff: true, nasPortType: 'Ethernet', events: [...EVENT_TYPES] },
      { name: 'nms', type: 'snmp', targets: [{ host: 'nms.example.net', port: 162, version: '2c', community: 'c', inform: false }], events: [...EVENT_TYPES] },
    ]);
  });

  it('takes an unquoted SNMP version 3 as "3"', () => {
    const config = parseConfig({ snmp: { users: [{ name: 'u', authProtocol: 'sha', authKey: '12345678' }] }, sinks: [{ name: 'n', type: 'snmp', targets: [{ host: 'h', version: 3, user: 'u' }] }] });
    expect(config.sinks[0]).toMatchObject({ targets: [{ version: '3' }] });
  });

  it('compiles the route map and the default interface-name template', () => {
    const config = parseConfig({ routeMap: [{ seq: 10, action: 'permit', match: { address: '192.0.2.0/24' }, set: { interfaceProfile: 'p' } }] });
    const compiled = compileConfig(config);
    expect(compileConfig(config)).toBe(compiled); // once per config object
    expect(compiled.interfaceName.render({ vr: 'default', ip: '192.0.2.7', giaddr: '0.0.0.0', mac: '', clientId: null, circuitId: null, remoteId: null, vlans: [] })).toBe('ip192-0-2-7');
    const subject = { vr: 'default', ip: '192.0.2.7', giaddr: '0.0.0.0', mac: '00:00:00:00:00:01', clientId: null, circuitId: null, remoteId: null, vlans: [], vendorClass: null, options: {} };
    expect(compiled.routeMap.evaluate(subject)).toMatchObject({ permit: true, entry: 10, interfaceProfile: 'p' });
    expect(compileConfig(parseConfig({})).routeMap.configured).toBe(false);
  });
});
