/** Every event a replay of the real fixtures produces validates against docs/event.schema.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { replayCapture } from '../../../src/cli/commands/replay.js';
import { LineWriter } from '../../../src/cli/output.js';
import { subnetMaskOf } from '../../../src/events/drafts.js';
import { fixtureFiles } from '../../helpers/fixtures.js';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../../docs/event.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(schema);

describe('event JSON Schema', () => {
  it('accepts every event of every fixture replay, and each event type occurs', async () => {
    const types = new Set<string>();
    let count = 0;
    let masks = 0;
    for (const file of fixtureFiles()) {
      const lines: string[] = [];
      const sink = new Writable({ write(chunk, _e, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
      await replayCapture(file, { format: 'json', drain: true }, new LineWriter(sink));
      for (const line of lines) {
        const event = JSON.parse(line);
        const ok = validate(event);
        expect(ok, `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
        types.add(event.type);
        count++;
        // The mask is the ACK's option 1 (address-added shows that ACK's options).
        if (event.type === 'address-added') expect(event.lease.subnetMask).toBe(event.dhcpOptions.server['1'] ? subnetMaskOf(event.dhcpOptions.server) : null);
        if (event.lease.subnetMask) masks++;
      }
    }
    expect(count).toBeGreaterThan(50);
    expect(masks).toBeGreaterThan(0);
    // Every type a capture can cause (interface-changed comes from RFC 5176 CoA only).
    expect([...types].sort()).toEqual(['address-added', 'address-deleted', 'address-renewed', 'interface-created', 'interface-deleted']);
  });

  it('accepts a CoA change event', () => {
    const base = { id: '0123456789abcdef-3', type: 'interface-changed', seq: 3, site: 's', time: '2026-11-28T09:00:00.000Z', sessionId: '0123456789abcdef', reason: null,
      subscriber: { vr: 'default', ip: '192.0.2.10', mac: '02:00:00:00:00:01', clientId: null, giaddr: '192.0.2.1', serverId: null, circuitId: null, remoteId: null, vlans: [] },
      interface: { name: 'ip192-0-2-10', profile: 'gold', vr: 'default' }, lease: { seconds: 60, startedAt: '2026-11-28T09:00:00.000Z', expiresAt: '2026-11-28T09:01:00.000Z' },
      activatedAt: '2026-11-28T09:00:00.000Z', loginName: null, attributes: { rate: '100M' }, dhcpOptions: null };
    expect(validate(base), JSON.stringify(validate.errors)).toBe(true);
  });

  it('subnetMask is option 1 as a dotted quad, null when absent or not 4 bytes', () => {
    expect(subnetMaskOf({ '1': 'ffffff00' })).toBe('255.255.255.0');
    expect(subnetMaskOf({ '1': 'FFFF0000' })).toBe('255.255.0.0');
    expect(subnetMaskOf({})).toBeNull();
    expect(subnetMaskOf({ '1': 'ffffff' })).toBeNull();
    expect(subnetMaskOf({ '1': 'ffffff0000' })).toBeNull();
  });

  it('rejects an event that breaks the contract', () => {
    expect(validate({ id: 'x', type: 'address-added' })).toBe(false);
  });
});
