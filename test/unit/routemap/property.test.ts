import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRouteMap } from '../../../src/routemap/index.js';
import type { RouteMapSubject } from '../../../src/routemap/types.js';

// A route map that exercises every clause and template, so arbitrary subjects reach all code.
const map = compileRouteMap([
  { seq: 10, action: 'deny', match: { mac: '00:00:5e', circuitId: '^x' } },
  {
    seq: 20,
    action: 'permit',
    match: {
      address: ['0.0.0.0/1', '128.0.0.0/1'],
      giaddr: '0.0.0.0/0',
      circuitId: '.*',
      remoteIdHex: '.*',
      vendorClass: '.*',
      clientId: '.*',
      option: [{ code: 60, regex: '.*' }, { code: 77, present: false }],
    },
    set: { interfaceName: '{ip}{ipDashed}{mac}{macPlain}{vr}{giaddr}{vlan}{vlans}{circuitId}{remoteId}{clientId}', loginName: '{circuitId}', attributes: { a: '{remoteId}' } },
  },
  { seq: 30, action: 'permit', match: { circuitIdHex: '.', remoteId: '.', mac: '00:00:00:00:00:00/1' } },
]);

const hexish = fc.oneof(fc.string(), fc.uint8Array({ maxLength: 64 }).map((b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':')));
const ipish = fc.oneof(fc.string(), fc.ipV4(), fc.constantFrom('0.0.0.0', '255.255.255.255', '1.2.3', '01.2.3.4'));

const subjectArb: fc.Arbitrary<RouteMapSubject> = fc.record({
  vr: fc.string(),
  ip: ipish,
  giaddr: ipish,
  mac: fc.oneof(hexish, fc.constantFrom('00:00:5e:00:00:01', '')),
  clientId: fc.option(hexish),
  circuitId: fc.option(hexish),
  remoteId: fc.option(hexish),
  vlans: fc.array(fc.integer({ min: 0, max: 4095 }), { maxLength: 4 }),
  vendorClass: fc.option(fc.string()),
  options: fc.dictionary(fc.oneof(fc.constantFrom('60', '77', '__proto__', 'constructor'), fc.string()), hexish),
});

describe('route map property', () => {
  it('evaluate never throws and always returns a well-formed decision', () => {
    fc.assert(
      fc.property(subjectArb, (s) => {
        const d = map.evaluate(s);
        expect(typeof d.permit).toBe('boolean');
        expect([null, 10, 20, 30]).toContain(d.entry);
        if (!d.permit) expect(d.interfaceName).toBeNull();
        if (d.entry === 20) expect(typeof d.interfaceName).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });
});
