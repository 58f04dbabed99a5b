/** docs/deploy.md explains every file of the three deployments, and its commands name real files. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOY, exists, filesUnder, read, ROOT } from './parsers.js';

const DOC = read(join(ROOT, 'docs', 'deploy.md'));

describe('docs/deploy.md', () => {
  it.each(['systemd', 'docker', 'k8s'])('names every file in deploy/%s', (dir) => {
    const files = filesUnder(join(DEPLOY, dir));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const name = file.split('/').at(-1)!;
      // A file is explained by its name (in a table or the text), with its folder when nested.
      expect(DOC.includes(`\`${file}\``) || DOC.includes(`\`${name}\``) || DOC.includes(`deploy/${dir}/${file}`), `deploy/${dir}/${file}`).toBe(true);
    }
  });

  it('every deploy/… path it mentions exists (but the secrets file an operator makes)', () => {
    const made = new Set(['deploy/docker/dxgw.env']);
    // Files and nested paths (`deploy/dxgw`, in `kubectl … deploy/dxgw`, is a Deployment, not a path).
    const paths = [...DOC.matchAll(/deploy\/[\w-]+(?:\/[\w.-]+)+|deploy\/[\w-]+\.[\w.]+/g)].map((m) => m[0].replace(/[.)]+$/, '')).filter((p) => !made.has(p));
    expect(paths.length).toBeGreaterThan(5);
    for (const path of new Set(paths)) expect(exists(join(ROOT, path)), path).toBe(true);
  });
});
