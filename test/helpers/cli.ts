/** Runs the built `dxgw` CLI (npm test builds dist/ first through scripts/bootstrap.mjs). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const DXGW = join(import.meta.dirname, '..', '..', 'bin', 'dxgw.js');

export function dxgw(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(process.execPath, [DXGW, ...args], {
    encoding: 'utf8',
    input: options.input,
    env: { ...process.env, ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
