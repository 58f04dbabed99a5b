#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run setup` (or any npm script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('dxgw: not built yet; run `npm run setup` in the project folder first\n');
  process.exit(1);
}
await import(main.href);
