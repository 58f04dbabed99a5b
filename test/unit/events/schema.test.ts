/** Every event a replay of the real fixtures produces validates against docs/event.schema.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { replayCapture } from '../../../src/cli/commands/replay.js';
import { LineWriter } from '../../../src/cli/output.js';
import { fixtureFiles } from '../../helpers/fixtures.js';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../../docs/event.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(schema);

describe('event JSON Schema', () => {
  it('accepts every event of every fixture replay, and each event type occurs', async () => {
    const types = new Set<string>();
    let count = 0;
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
      }
    }
    expect(count).toBeGreaterThan(50);
    expect([...types].sort()).toEqual(['address-added', 'address-deleted', 'address-renewed', 'interface-created', 'interface-deleted']);
  });

  it('rejects an event that breaks the contract', () => {
    expect(validate({ id: 'x', type: 'address-added' })).toBe(false);
  });
});
