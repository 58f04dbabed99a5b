#!/usr/bin/env node
// `npm run demo`: dxgw for real on one machine. It starts a small SAE receiver that prints
// what it gets, then `dxgw run` with an embedded Redis, the REST API, bull-board, metrics and
// the SNMP agent, replaying a real capture (a subscriber that appears, goes silent, expires,
// and whose address then goes to another client) at real pace. Ctrl-C stops everything.
// `--once` exits when every notification is delivered (used by the tests).
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createSocket } from 'node:dgram';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const once = process.argv.includes('--once');
const speed = process.argv.includes('--fast') || once ? 'max' : '1';
const capture = join(root, 'test/fixtures/vanish.pcap');
const work = join(root, '.dxgw/demo');
// A clean embedded Redis each time: the demo tells the same story on every run.
rmSync(join(work, 'redis'), { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const freeTcp = () => new Promise((r) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
const freeUdp = () => new Promise((r) => { const s = createSocket('udp4').bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });

// The stand-in policy server: prints each event as the SAE would see it.
const sae = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    const e = JSON.parse(body);
    const who = `${e.subscriber.ip} ${e.subscriber.mac}${e.interface ? ` ${e.interface.name}` : ''}`;
    console.log(`  SAE <- #${e.seq} ${e.type.padEnd(17)} ${who}${e.reason ? ` (${e.reason})` : ''}`);
    res.end();
  });
});
await new Promise((r) => sae.listen(0, '127.0.0.1', r));
const [apiPort, snmpPort] = [await freeTcp(), await freeUdp()];
const config = join(work, 'dxgw.yaml');
writeFileSync(
  config,
  [
    'site: demo',
    'redis:',
    `  dataDir: ${JSON.stringify(join(work, 'redis'))}`,
    'api:',
    `  listen: 127.0.0.1:${apiPort}`,
    'snmp:',
    '  enabled: true',
    `  listen: 127.0.0.1:${snmpPort}`,
    '  communities: [public]',
    'log:',
    '  level: warn',
    'sinks:',
    '  - name: sae',
    '    type: http',
    `    url: http://127.0.0.1:${sae.address().port}/events`,
    '    secret: demo-secret',
    '',
  ].join('\n'),
);

console.log(`dxgw demo: replaying ${capture} (${speed === '1' ? 'real pace, ~25 s' : 'as fast as possible'})\n`);
console.log(`  REST API     http://127.0.0.1:${apiPort}/api/v1/bindings`);
console.log(`  queues       http://127.0.0.1:${apiPort}/admin/queues`);
console.log(`  metrics      http://127.0.0.1:${apiPort}/metrics`);
console.log(`  SNMP         snmpwalk -v2c -c public -M +:${join(root, 'mibs')} -m DXGW-MIB:SNMPv2-MIB 127.0.0.1:${snmpPort} DXGW-MIB::dxgwMIB`);
console.log(`  CLI          npx dxgw bindings --config ${config}`);
console.log('\n  (a replay runs in the capture\'s own time: lease times, expiries and the latency metric');
console.log('   count from when the capture was recorded)');
console.log('');

const args = [join(root, 'bin/dxgw.js'), 'run', '--config', config, '--replay', capture, '--speed', speed];
if (once) args.push('--exit-when-idle');
const dxgw = spawn(process.execPath, args, { stdio: 'inherit' });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping dxgw (graceful) …');
  dxgw.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
dxgw.on('exit', (code) => {
  sae.close();
  if (!once && !stopping) console.log(`dxgw exited (${code})`);
  process.exit(code ?? 1);
});
if (!once) setTimeout(() => !stopping && console.log('\nreplay done: dxgw keeps running for you to look around. Ctrl-C to stop.'), 27_000).unref();
