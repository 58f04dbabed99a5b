/**
 * One table of error codes (src/errors/codes.ts): every code the program can emit is in it,
 * every code of it is documented in docs/error-codes.md, and the docs name nothing more.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESERVED_ENV } from '../../src/config/env.js';
import { ErrorCodes } from '../../src/errors/codes.js';

const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'error-codes.md'), 'utf8');
const documented = new Set([...doc.matchAll(/`(DXGW_[A-Z0-9_]+)`/g)].map((m) => m[1]!));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('error codes', () => {
  it('documents every code of the table', () => {
    expect(Object.keys(ErrorCodes).filter((code) => !documented.has(code))).toEqual([]);
  });

  it('names no DXGW_ error code the table lacks (configuration variables aside)', () => {
    // `DXGW_<SECTION>__<KEY>` environment variables appear in the text too, and examples of the
    // DXGW_HTTP_<status> family (DXGW_HTTP_503): they are not codes of the table.
    const strays = [...documented].filter((code) => !(code in ErrorCodes) && !code.includes('__') && !/^DXGW_HTTP_\d{3}$/.test(code));
    expect(strays).toEqual([]);
  });

  it('every code literal in src/ is in the table (environment variable names aside)', () => {
    const strays: string[] = [];
    for (const file of sourceFiles(join(root, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/['"`](DXGW_[A-Z0-9_]*)['"`$]/g)) {
        const code = m[1]!;
        // `DXGW_HTTP_${status}` is the HTTP status family (HttpStatusCode), documented as DXGW_HTTP_<status>.
        if (code === 'DXGW_HTTP_' && doc.includes('`DXGW_HTTP_<status>`')) continue;
        // 'DXGW_' alone is the environment variables' prefix (src/config/env.ts).
        if (code === 'DXGW_' || code in ErrorCodes || code.includes('__') || RESERVED_ENV.has(code)) continue;
        strays.push(`${file.slice(root.length + 1)}: ${code}`);
      }
    }
    expect(strays).toEqual([]);
  });
});
