import { describe, expect, it } from 'vitest';
import { compileRouteMap } from '../../../src/routemap/index.js';
import type { RouteMapEntryConfig } from '../../../src/routemap/types.js';
import { hex, subject } from './subject.js';

const permitAll: RouteMapEntryConfig = { seq: 65535, action: 'permit' };

describe('route map evaluation', () => {
  it('permits everything and sets nothing when no route map is configured', () => {
    for (const map of [compileRouteMap(undefined), compileRouteMap([])]) {
      expect(map.configured).toBe(false);
      expect(map.evaluate(subject())).toEqual({
        permit: true,
        entry: null,
        interfaceProfile: null,
        virtualRouter: null,
        interfaceName: null,
        loginName: null,
        attributes: {},
      });
    }
  });

  it('denies when no entry matches', () => {
    const map = compileRouteMap([{ seq: 10, action: 'permit', match: { address: '203.0.113.0/24' } }]);
    expect(map.evaluate(subject())).toMatchObject({ permit: false, entry: null });
  });

  it('tries entries by ascending sequence number, not by position, and the first match decides', () => {
    const map = compileRouteMap([
      { seq: 30, action: 'permit', set: { interfaceProfile: 'late' } },
      { seq: 10, action: 'permit', match: { address: '192.0.2.0/28' }, set: { interfaceProfile: 'narrow' } },
      { seq: 20, action: 'permit', match: { address: '192.0.2.0/24' }, set: { interfaceProfile: 'wide' } },
    ]);
    expect(map.evaluate(subject())).toMatchObject({ permit: true, entry: 10, interfaceProfile: 'narrow' });
    expect(map.evaluate(subject({ ip: '192.0.2.100' }))).toMatchObject({ entry: 20, interfaceProfile: 'wide' });
    expect(map.evaluate(subject({ ip: '10.0.0.1' }))).toMatchObject({ entry: 30, interfaceProfile: 'late' });
  });

  it('a matching deny entry refuses even if a later permit would match', () => {
    const map = compileRouteMap([{ seq: 5, action: 'deny', match: { mac: '00:1b:21' } }, permitAll]);
    expect(map.evaluate(subject())).toEqual({
      permit: false,
      entry: 5,
      interfaceProfile: null,
      virtualRouter: null,
      interfaceName: null,
      loginName: null,
      attributes: {},
    });
    expect(map.evaluate(subject({ mac: '02:00:00:00:00:01' }))).toMatchObject({ permit: true, entry: 65535 });
  });

  it('requires every clause of an entry to match', () => {
    const map = compileRouteMap([{ seq: 10, action: 'permit', match: { address: '192.0.2.0/24', giaddr: '203.0.113.0/24' } }]);
    expect(map.evaluate(subject()).permit).toBe(false);
    expect(map.evaluate(subject({ giaddr: '203.0.113.9' })).permit).toBe(true);
  });

  it('an entry without match clauses matches everything', () => {
    const map = compileRouteMap([{ seq: 1, action: 'permit', match: {} }]);
    expect(map.evaluate(subject({ ip: '0.0.0.0', mac: 'garbage' })).permit).toBe(true);
  });

  it('returns a fresh decision each time (callers may keep or change it)', () => {
    const map = compileRouteMap([{ seq: 1, action: 'permit', set: { attributes: { a: 'x' } } }]);
    const first = map.evaluate(subject());
    first.attributes.a = 'changed';
    expect(map.evaluate(subject()).attributes).toEqual({ a: 'x' });
  });
});

describe('match clauses', () => {
  const matches = (match: RouteMapEntryConfig['match'], s = subject()) => compileRouteMap([{ seq: 1, action: 'permit', match }]).evaluate(s).permit;

  it('address and giaddr: any prefix of the list, bare address = /32, /0 = anything', () => {
    expect(matches({ address: ['10.0.0.0/8', '192.0.2.8/29'] })).toBe(true);
    expect(matches({ address: ['10.0.0.0/8', '192.0.2.0/29'] })).toBe(false);
    expect(matches({ address: '192.0.2.10' })).toBe(true);
    expect(matches({ address: '192.0.2.11' })).toBe(false);
    expect(matches({ address: '0.0.0.0/0' })).toBe(true);
    expect(matches({ address: '255.255.255.255/32' }, subject({ ip: '255.255.255.255' }))).toBe(true);
    expect(matches({ giaddr: '198.51.100.0/24' })).toBe(true);
    expect(matches({ giaddr: '198.51.101.0/24' })).toBe(false);
    expect(matches({ address: '0.0.0.0/0' }, subject({ ip: 'not-an-ip' }))).toBe(false);
  });

  it('mac: full address, OUI prefix, bit-length mask; any separator or case in config', () => {
    expect(matches({ mac: '00:1b:21:aa:bb:cc' })).toBe(true);
    expect(matches({ mac: '00-1B-21-AA-BB-CC' })).toBe(true);
    expect(matches({ mac: '001b.21aa.bbcc' })).toBe(true);
    expect(matches({ mac: '00:1b:21:aa:bb:cd' })).toBe(false);
    expect(matches({ mac: '00:1B:21' })).toBe(true);
    expect(matches({ mac: '00:1b:22' })).toBe(false);
    expect(matches({ mac: ['02:00:00', '00:1b:20:00:00:00/23'] })).toBe(true);
    expect(matches({ mac: '00:1b:20:00:00:00/24' })).toBe(false);
    expect(matches({ mac: '00:1b:21' }, subject({ mac: '00:1B:21:00:00:01' }))).toBe(true);
    expect(matches({ mac: '00' }, subject({ mac: '00:1b:21' }))).toBe(false); // not a 6-byte MAC
  });

  it('circuitId/remoteId: regex on the sub-option as latin1 text; *Hex variants on colon hex', () => {
    expect(matches({ circuitId: '^ge-0/0/1:\\d+$' })).toBe(true);
    expect(matches({ circuitId: 'GE-0' })).toBe(false); // text regexes are case-sensitive
    expect(matches({ circuitId: ['nope', ':100$'] })).toBe(true);
    expect(matches({ remoteId: '^cpe-4' })).toBe(true);
    expect(matches({ remoteId: '^cpe-5' })).toBe(false);
    expect(matches({ circuitIdHex: '^67:65' })).toBe(true);
    expect(matches({ remoteIdHex: '^63:70:65' })).toBe(true);
    expect(matches({ remoteIdHex: '^63:70:65' }, subject({ remoteId: '63:70:65'.toUpperCase() }))).toBe(true); // hex ignores case
    expect(matches({ circuitId: '.' }, subject({ circuitId: null }))).toBe(false);
    // Non-printable bytes are matched as latin1 characters.
    expect(matches({ circuitId: '^\\x00\\x01\\xff$' }, subject({ circuitId: '00:01:ff' }))).toBe(true);
  });

  it('vendorClass, clientId', () => {
    expect(matches({ vendorClass: '^MSFT' })).toBe(true);
    expect(matches({ vendorClass: '^udhcp' })).toBe(false);
    expect(matches({ vendorClass: '.' }, subject({ vendorClass: null }))).toBe(false);
    expect(matches({ clientId: '^01:00:1b:21' })).toBe(true);
    expect(matches({ clientId: '^01:00:1B' })).toBe(true);
    expect(matches({ clientId: '^ff' })).toBe(false);
    expect(matches({ clientId: '.' }, subject({ clientId: null }))).toBe(false);
  });

  it('option: present / absent, exact hex, regex; every option clause must hold', () => {
    expect(matches({ option: { code: 60 } })).toBe(true);
    expect(matches({ option: { code: 77 } })).toBe(false);
    expect(matches({ option: { code: 77, present: false } })).toBe(true);
    expect(matches({ option: { code: 60, present: false } })).toBe(false);
    expect(matches({ option: { code: 12, hex: '68:6F:73:74' } })).toBe(true);
    expect(matches({ option: { code: 12, hex: '686f73' } })).toBe(false);
    expect(matches({ option: { code: 60, regex: '^4d5346' } })).toBe(true);
    expect(matches({ option: { code: 60, regex: '^4D5346' } })).toBe(true);
    expect(matches({ option: { code: 60, regex: '^00' } })).toBe(false);
    expect(matches({ option: [{ code: 60 }, { code: 12, hex: '686f7374' }] })).toBe(true);
    expect(matches({ option: [{ code: 60 }, { code: 77 }] })).toBe(false);
    expect(matches({ option: { code: 0 + 12, hex: '' } }, subject({ options: { '12': '' } }))).toBe(true);
    // Inherited properties are not options.
    expect(matches({ option: { code: 60 } }, subject({ options: Object.create({ '60': '00' }) as Record<string, string> }))).toBe(false);
  });
});

describe('set clauses', () => {
  it('applies every set clause of the permit entry that matched, rendering templates', () => {
    const map = compileRouteMap([
      {
        seq: 10,
        action: 'permit',
        match: { circuitId: '^ge-' },
        set: {
          interfaceProfile: 'residential',
          virtualRouter: 'isp-a',
          interfaceName: 'dsl{vlans}-{ipDashed}',
          loginName: '{circuitId}@isp-a',
          attributes: { 'ERX-Service-Bundle': 'gold', Port: '{circuitId}/{remoteId}', Mac: '{macPlain}' },
        },
      },
    ]);
    expect(map.evaluate(subject())).toEqual({
      permit: true,
      entry: 10,
      interfaceProfile: 'residential',
      virtualRouter: 'isp-a',
      interfaceName: 'dsl200.100-192-0-2-10',
      loginName: 'ge-0/0/1:100@isp-a',
      attributes: { 'ERX-Service-Bundle': 'gold', Port: 'ge-0/0/1:100/cpe-42', Mac: '001b21aabbcc' },
    });
    // Unset clauses stay null.
    expect(map.evaluate(subject({ circuitId: hex('ge-1') }))).toMatchObject({ interfaceProfile: 'residential', interfaceName: 'dsl200.100-192-0-2-10' });
  });

  it('leaves unset clauses null', () => {
    const map = compileRouteMap([{ seq: 10, action: 'permit', set: { loginName: '{mac}' } }]);
    expect(map.evaluate(subject())).toEqual({
      permit: true,
      entry: 10,
      interfaceProfile: null,
      virtualRouter: null,
      interfaceName: null,
      loginName: '00:1b:21:aa:bb:cc',
      attributes: {},
    });
  });
});
