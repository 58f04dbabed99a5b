import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/config/issues.js';

/** Writes `text` to a fresh temporary file and returns its path. */
export function tempFile(text: string, name = 'dxgw.yaml'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'dxgw-config-')), name);
  writeFileSync(path, text);
  return path;
}

/** The ConfigError `fn` throws (fails the test if it throws something else or nothing). */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** `key: message` lines of the error. */
export function lines(error: ConfigError): string[] {
  return error.issues.map((i) => (i.key === '' ? i.message : `${i.key}: ${i.message}`));
}
