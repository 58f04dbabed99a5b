#!/usr/bin/env node
// `npm run demo`: until the daemon exists (issue 6), the demo decodes a bundled real capture
// (DORA, ping, unicast renewal and RELEASE through a relay adding option 82) and prints it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const capture = join(root, 'test/fixtures/dnsmasq-dora-renew-release.pcap');
const dxgw = join(root, 'bin/dxgw.js');
if (!existsSync(capture)) {
  console.error(`demo capture missing: ${capture}`);
  process.exit(1);
}
console.log(`dxgw demo: decoding ${capture}\n`);
const result = spawnSync(process.execPath, [dxgw, 'decode', '--format', 'table', capture], { stdio: 'inherit' });
console.log('\nNext: `npx dxgw decode --help`, and README.md for running dxgw for real.');
process.exit(result.status ?? 1);
