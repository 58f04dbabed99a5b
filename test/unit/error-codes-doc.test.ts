/** One table of error codes (src/errors/codes.ts), every code documented and nothing more. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/codes.js';

const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'error-codes.md'), 'utf8');
const documented = new Set([...doc.matchAll(/`(DXGW_[A-Z0-9_]+)`/g)].map((m) => m[1]!));

describe('docs/error-codes.md', () => {
  it('documents every code of the table', () => {
    expect(Object.keys(ErrorCodes).filter((code) => !documented.has(code))).toEqual([]);
  });

  it('names no DXGW_ error code the table lacks (configuration variables aside)', () => {
    // `DXGW_<SECTION>__<KEY>` environment variables appear in the text too; they are not codes.
    const strays = [...documented].filter((code) => !(code in ErrorCodes) && !code.includes('__'));
    expect(strays).toEqual([]);
  });
});
