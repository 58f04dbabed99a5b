/**
 * External tools the tests drive (tshark, redis-server, dnsmasq …). In CI a missing tool is a
 * failure, never a skip: `requireTool` throws there; elsewhere the test is skipped with a reason.
 */
import { execFileSync } from 'node:child_process';

export function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Returns true when the tests may run; throws in CI when the tool is missing. */
export function requireTool(name: string): boolean {
  if (hasTool(name)) return true;
  if (process.env.CI) throw new Error(`${name} is required in CI (deploy/debian-packages.txt; scripts/bootstrap.mjs installs it as root)`);
  return false;
}
