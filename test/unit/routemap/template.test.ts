import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/issues.js';
import { compileTemplate, renderTemplate, TEMPLATE_PLACEHOLDERS } from '../../../src/routemap/index.js';
import { hex, subject } from './subject.js';

describe('templates', () => {
  it('renders every placeholder', () => {
    const s = subject({ vr: 'isp-a' });
    const cases: Record<(typeof TEMPLATE_PLACEHOLDERS)[number], string> = {
      ip: '192.0.2.10',
      ipDashed: '192-0-2-10',
      mac: '00:1b:21:aa:bb:cc',
      macPlain: '001b21aabbcc',
      vr: 'isp-a',
      giaddr: '198.51.100.1',
      vlan: '100',
      vlans: '200.100',
      circuitId: 'ge-0/0/1:100',
      remoteId: 'cpe-42',
      clientId: '01:00:1b:21:aa:bb:cc',
    };
    expect(Object.keys(cases).sort()).toEqual([...TEMPLATE_PLACEHOLDERS].sort());
    for (const [name, value] of Object.entries(cases)) expect(renderTemplate(`{${name}}`, s), name).toBe(value);
  });

  it('shows missing values as empty and non-printable option 82 values as hex', () => {
    const s = subject({ vlans: [], circuitId: null, remoteId: '00:01:41', clientId: null });
    expect(renderTemplate('[{vlan}|{vlans}|{circuitId}|{remoteId}|{clientId}]', s)).toBe('[|||00:01:41|]');
    expect(renderTemplate('{circuitId}', subject({ circuitId: hex('a b') }))).toBe('a b');
  });

  it('keeps literal text, and {{ }} stand for braces', () => {
    expect(renderTemplate('ip{ipDashed}', subject())).toBe('ip192-0-2-10');
    expect(renderTemplate('{{ip}} = {ip}', subject())).toBe('{ip} = 192.0.2.10');
    expect(compileTemplate('x{vr}{vlan}', 'k').placeholders).toEqual(['vr', 'vlan']);
  });

  it('refuses unknown placeholders and stray braces, naming the key', () => {
    for (const bad of ['{nope}', 'ip{ip', 'a}b', '{}', '{IP}']) {
      let caught: unknown;
      try {
        compileTemplate(bad, 'interfaces.nameTemplate');
      } catch (error) {
        caught = error;
      }
      expect(caught, bad).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).code).toBe('DXGW_CONFIG_INVALID');
      expect((caught as ConfigError).key).toBe('interfaces.nameTemplate');
    }
    expect(() => compileTemplate('{nope}', 'k')).toThrow(/unknown placeholder \{nope\}/);
  });
});
