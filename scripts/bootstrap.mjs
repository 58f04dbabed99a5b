#!/usr/bin/env node
// Dependency-free set-up, run by every npm script: Debian packages (deploy/debian-packages.txt),
// npm dependencies, then the TypeScript build. Each step is skipped when already done, so it
// costs well under a second on a machine that is set up.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`[setup] ${line}\n`);

function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (result.status !== 0) {
    say(`failed: ${cmd} ${args.join(' ')} (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

function checkNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) {
    say(`Node.js ${process.versions.node} is too old: dxgw needs Node.js 20 or newer`);
    process.exit(1);
  }
}

function debianPackages() {
  if (process.env.DXGW_SKIP_SYSTEM_PACKAGES === '1') return;
  if (!existsSync('/usr/bin/dpkg-query')) {
    say('not a Debian/Ubuntu system: install the tools in deploy/debian-packages.txt yourself');
    return;
  }
  const wanted = readFileSync(join(root, 'deploy/debian-packages.txt'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
  const missing = wanted.filter((pkg) => {
    const r = spawnSync('dpkg-query', ['-W', `-f=$${'{'}Status}`, pkg], { encoding: 'utf8' });
    return !(r.status === 0 && r.stdout.includes('install ok installed'));
  });
  if (missing.length === 0) return;
  const command = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    say(`missing Debian packages: ${missing.join(' ')}`);
    say(`run as root:  sudo sh -c '${command}'`);
    say('continuing: replay and decode work without them; live capture and some tests do not');
    return;
  }
  say(`installing Debian packages: ${missing.join(' ')}`);
  run('sh', ['-c', command], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function hashFile(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function npmDependencies() {
  const lock = join(root, 'package-lock.json');
  const stamp = join(root, 'node_modules/.dxgw-installed');
  const want = hashFile(lock) + hashFile(join(root, 'package.json'));
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  say('installing npm dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stamp, want);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function build() {
  const stamp = join(root, 'dist/.built');
  const sources = Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'tsconfig.json')).mtimeMs);
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= sources) return;
  say('building (tsc)');
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, new Date().toISOString());
}

checkNode();
debianPackages();
npmDependencies();
build();
