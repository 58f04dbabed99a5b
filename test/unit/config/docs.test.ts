import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { keysOf } from '../../../src/config/schema-walk.js';
import { TEMPLATE_PLACEHOLDERS } from '../../../src/routemap/index.js';

const docs = readFileSync(new URL('../../../docs/config.md', import.meta.url), 'utf8');

describe('docs/config.md', () => {
  it('documents every key of every section', () => {
    for (const section of keysOf(configSchema)) {
      const schema = configSchema.shape[section as keyof typeof configSchema.shape];
      const keys = ['routeMap', 'sinks'].includes(section) ? [] : keysOf(schema);
      if (keys.length === 0) expect(docs, section).toContain(`\`${section}\``);
      for (const key of keys) expect(docs, `${section}.${key}`).toContain(`\`${section}.${key}\``);
    }
  });

  it('documents every template placeholder', () => {
    for (const p of TEMPLATE_PLACEHOLDERS) expect(docs).toContain(`\`{${p}}\``);
  });
});
