/** Every YAML file in deploy/ parses: all documents, no duplicate keys, no stray empty documents. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOY, filesUnder, tempFile, yamlDocuments } from './parsers.js';

const YAML_FILES = filesUnder(DEPLOY).filter((f) => /\.ya?ml$/.test(f));

describe('deploy/**/*.yaml', () => {
  it('are found (the deploy tree is where the tests expect it)', () => {
    expect(YAML_FILES).toEqual(
      expect.arrayContaining(['dxgw.example.yaml', 'docker/compose.yaml', 'docker/dxgw.yaml', 'k8s/kustomization.yaml', 'k8s/gateway.yaml', 'k8s/capture.yaml', 'k8s/lab/redis.yaml']),
    );
  });

  it.each(YAML_FILES)('%s parses (every document)', (file) => {
    // compose.yaml uses YAML merge keys (<<: *dxgw), which Docker Compose supports.
    const docs = yamlDocuments(join(DEPLOY, file), { merge: file.startsWith('docker/') });
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) expect(typeof doc === 'object' && doc !== null && !Array.isArray(doc), `${file}: each document is a mapping`).toBe(true);
  });

  it('a syntax error or a duplicated key is caught (the check is not vacuous)', () => {
    expect(() => yamlDocuments(tempFile('bad.yaml', 'a: 1\nb: [1, 2\n'))).toThrow(/bad\.yaml/);
    expect(() => yamlDocuments(tempFile('dup.yaml', 'a: 1\na: 2\n'))).toThrow(/dup\.yaml/);
    expect(() => yamlDocuments(tempFile('stray.yaml', 'a: 1\n---\n---\nb: 2\n'))).toThrow(/empty/);
    expect(yamlDocuments(tempFile('two.yaml', 'a: 1\n---\nb: 2\n'))).toEqual([{ a: 1 }, { b: 2 }]);
  });
});
