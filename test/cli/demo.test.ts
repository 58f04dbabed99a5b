/** `npm run demo`'s main job, run to completion (--once): the daemon, embedded Redis, a SAE receiver. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../helpers/tools.js';

describe.runIf(requireTool('redis-server'))('npm run demo', () => {
  it('replays the bundled capture through dxgw and the SAE receiver prints the whole story', { timeout: 90_000 }, () => {
    const result = spawnSync(process.execPath, [join(import.meta.dirname, '../../scripts/demo.mjs'), '--once'], { encoding: 'utf8', timeout: 80_000 });
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.split('\n').filter((l) => l.includes('SAE <-'));
    expect(lines.map((l) => /SAE <- #\d+ (\S+)/.exec(l)![1])).toEqual(['interface-created', 'address-added', 'interface-deleted', 'address-deleted', 'interface-created', 'address-added']);
    expect(result.stdout).toMatch(/REST API\s+http:\/\/127\.0\.0\.1:\d+\/api\/v1\/bindings/);
    expect(result.stdout).toMatch(/snmpwalk .* -m DXGW-MIB:SNMPv2-MIB .* DXGW-MIB::dxgwMIB/);
  });
});
