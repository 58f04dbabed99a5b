// SNMP benchmark (issue 5): snmpbulkwalk of dxgwBindingTable with 100,000 bindings, against
// dxgw's agent (sorted index) and, in the same run, against net-snmp's stock MIB store holding
// the same table (registerProvider + addTableRow). Each agent runs in its own Node process so
// its RSS is its own. Also: the mirror's catch-up time when the agent starts against a Redis
// that already holds the 100k bindings. Goals: ≥5× the stock store, <10 s, <300 MB, <5 s.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heading, row, timed } from './lib.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = process.env.DXGW_DIST ?? join(root, 'dist');
const SITE = 'bench';
const WALK = ['-v2c', '-c', 'public', '-Cr50', '-M', `+:${join(root, 'mibs')}`, '-m', '+DXGW-MIB'];

function freeUdpPort() {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startRedis(Redis) {
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-bench-redis-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return { url, stop: () => {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      },
    };
    } catch {
      probe.disconnect();
      await sleep(50);
    }
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not start');
}

/** n bindings over two virtual routers, half of them active, as the engine would write them. */
function* bindings(n) {
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    const vr = i % 10 === 0 ? 'vr-b' : 'default';
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const hex = (i + 0x100000).toString(16).padStart(8, '0');
    const mac = `02:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}`;
    const active = i % 2 === 0;
    yield {
      vr, ip, sessionId: `b${i.toString(16).padStart(15, '0')}`, mac, clientId: `01:${mac}`, giaddr: '192.0.2.1', serverId: '198.51.100.1',
      circuitId: '72:65:6c:61:79:30', remoteId: null, vlans: [100], state: active ? 'active' : 'bound', leaseSeconds: 3600,
      leaseStart: t0, expiresAt: t0 + 3_600_000, boundAt: t0, activatedAt: active ? t0 : null,
      interfaceName: active ? `ip-${ip}` : null, profile: active ? 'residential' : null, interfaceVr: active ? vr : null,
      loginName: null, attributes: {}, clientOptions: {}, serverOptions: {}, lastXid: i, rev: 1,
    };
  }
}

async function fillRedis(url, n) {
  const { Redis } = await import('ioredis');
  const { RedisLeaseStore } = await import(join(dist, 'leases/redis/redis-store.js'));
  const redis = new Redis(url);
  const store = new RedisLeaseStore(redis, SITE);
  let batch = [];
  for (const b of bindings(n)) {
    batch.push({ op: 'put', binding: b, expectRev: 0, events: [] });
    if (batch.length === 1000) {
      await store.commit(batch, []);
      batch = [];
    }
  }
  if (batch.length) await store.commit(batch, []);
  redis.disconnect();
}

// The agent under test: starts against Redis (timing the mirror's catch-up), serves on an ephemeral port.
const OURS = `
const dist = process.env.DXGW_DIST;
const { Redis } = await import('ioredis');
const { RedisLeaseStore } = await import(dist + '/leases/redis/redis-store.js');
const { startSnmpAgent } = await import(dist + '/snmp/agent.js');
const { redisOutboxTail } = await import(dist + '/snmp/outbox-tail.js');
const { redisBindingPages } = await import(dist + '/snmp/binding-pages.js');
const redis = new Redis(process.env.REDIS_URL);
const store = new RedisLeaseStore(redis, process.env.SITE);
const agent = await startSnmpAgent({
  config: { enabled: true, listen: '127.0.0.1:0', communities: ['public'], v1v2c: true, users: [] },
  site: process.env.SITE, store, mirrorOptions: { outboxTail: redisOutboxTail(redis, store), pages: redisBindingPages(redis, store) },
});
global.gc?.();
console.log(JSON.stringify({ port: agent.address().port, catchUpMs: agent.mirror.loadMs, rows: agent.mirror.rows.size, rss: process.memoryUsage().rss / 1048576, peak: process.resourceUsage().maxRSS / 1024 }));
`;

// The same table in net-snmp's own MIB store, registered the ordinary way.
const STOCK = `
const dist = process.env.DXGW_DIST;
const snmp = (await import('net-snmp')).default;
const { Redis } = await import('ioredis');
const { RedisLeaseStore } = await import(dist + '/leases/redis/redis-store.js');
const { dateAndTime, hexBytes } = await import(dist + '/snmp/values.js');
const redis = new Redis(process.env.REDIS_URL);
const list = await new RedisLeaseStore(redis, process.env.SITE).list();
redis.disconnect();
const T = snmp.ObjectType, RO = snmp.MaxAccess['read-only'];
const col = (number, name, type, maxAccess = RO) => ({ number, name, type, maxAccess });
const agent = snmp.createAgent({ port: Number(process.env.PORT), address: '127.0.0.1' }, () => {});
agent.getAuthorizer().addCommunity('public');
const mib = agent.getMib();
mib.registerProvider({
  name: 'dxgwBindingEntry', type: snmp.MibProviderType.Table, oid: '1.3.6.1.4.1.32473.1.1.1.1',
  maxAccess: snmp.MaxAccess['not-accessible'],
  tableColumns: [
    col(1, 'dxgwBindingVr', T.OctetString, snmp.MaxAccess['not-accessible']),
    col(2, 'dxgwBindingAddress', T.IpAddress, snmp.MaxAccess['not-accessible']),
    col(3, 'mac', T.OctetString), col(4, 'clientId', T.OctetString), col(5, 'giaddr', T.IpAddress),
    col(6, 'circuitId', T.OctetString), col(7, 'remoteId', T.OctetString), col(8, 'state', T.Integer),
    col(9, 'ifName', T.OctetString), col(10, 'profile', T.OctetString), col(11, 'leaseStart', T.OctetString),
    col(12, 'leaseSeconds', T.Gauge), col(13, 'remaining', T.Gauge), col(14, 'rowStatus', T.Integer, snmp.MaxAccess['read-create']),
  ],
  tableIndex: [{ columnName: 'dxgwBindingVr' }, { columnName: 'dxgwBindingAddress' }],
  handler: (request) => request.done(),
});
const now = Date.now();
for (const b of list) {
  mib.addTableRow('dxgwBindingEntry', [
    b.vr, b.ip, hexBytes(b.mac), hexBytes(b.clientId), b.giaddr, hexBytes(b.circuitId), hexBytes(b.remoteId),
    { bound: 1, active: 2, denied: 3 }[b.state], b.interfaceName ?? '', b.profile ?? '', dateAndTime(b.leaseStart),
    b.leaseSeconds, Math.max(0, Math.round((b.expiresAt - now) / 1000)), 1,
  ]);
}
console.log(JSON.stringify({ port: Number(process.env.PORT), rows: list.length }));
`;

/** Starts a child agent; resolves with its first stdout line (JSON) and the child. */
function startChild(script, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, DXGW_DIST: dist, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, info: JSON.parse(out.slice(0, nl)) });
    });
    child.once('exit', (code) => reject(new Error(`agent child exited ${code}: ${err.slice(-1000)}`)));
  });
}

function memoryMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/**
 * snmpbulkwalk of the table into a file; with `budgetS`, stopped after that many seconds (the
 * stock store needs minutes for 100k rows) and the rate extrapolated to the whole table.
 */
async function walk(port, label, budgetS = 0) {
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-bench-walk-'));
  const file = join(dir, `${label}.txt`);
  const fd = openSync(file, 'w');
  const argv = [...WALK, `127.0.0.1:${port}`, 'DXGW-MIB::dxgwBindingTable'];
  // timeout(1) exits 124 when it stops the walk; timed() takes exit 2 as a normal end.
  const [cmd, args] = budgetS > 0 ? ['sh', ['-c', 'timeout "$0" snmpbulkwalk "$@"; e=$?; [ $e -eq 124 ] && exit 2; exit $e', String(budgetS), ...argv]] : ['snmpbulkwalk', argv];
  try {
    const result = await timed(cmd, args, { stdout: fd, env: { ...process.env, SNMP_PERSISTENT_DIR: dir } });
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('DXGW-MIB::dxgwBinding')).length;
    return { ...result, lines, stopped: budgetS > 0 && result.seconds >= budgetS };
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchSnmp({
  rows: n = Number(process.env.DXGW_BENCH_SNMP_ROWS ?? 100_000),
  // The stock walk of 100k rows takes several minutes: by default it is stopped after this long.
  stockBudgetS = Number(process.env.DXGW_BENCH_SNMP_STOCK_BUDGET_S ?? 120),
} = {}) {
  heading(`SNMP agent: snmpbulkwalk of dxgwBindingTable, ${n.toLocaleString('en')} bindings (-Cr50, 12 columns)`);
  const { Redis } = await import('ioredis');
  const redis = await startRedis(Redis);
  const children = [];
  try {
    const fillStart = performance.now();
    await fillRedis(redis.url, n);
    row('bindings written to Redis', `${((performance.now() - fillStart) / 1000).toFixed(1)} s`);

    const ours = await startChild(OURS, { REDIS_URL: redis.url, SITE });
    children.push(ours.child);
    row('mirror catch-up at start (tail + list + counters)', `${(ours.info.catchUpMs / 1000).toFixed(2)} s for ${ours.info.rows} rows (goal < 5 s)`);
    row('dxgw agent RSS after catch-up (peak)', `${ours.info.rss.toFixed(0)} MiB (${ours.info.peak.toFixed(0)} MiB)`);
    const stock = await startChild(STOCK, { REDIS_URL: redis.url, SITE, PORT: String(await freeUdpPort()) });
    children.push(stock.child);

    const oursWalk = await walk(ours.info.port, 'dxgw');
    const oursMem = memoryMiB(ours.child.pid);
    const stockWalk = await walk(stock.info.port, 'stock', stockBudgetS);
    const stockMem = memoryMiB(stock.child.pid);
    const total = n * 12;
    const stockSeconds = stockWalk.stopped ? (total * stockWalk.seconds) / Math.max(1, stockWalk.lines) : stockWalk.seconds;

    row('dxgw agent (sorted index): walk', `${oursWalk.seconds.toFixed(2)} s, ${oursWalk.lines.toLocaleString('en')} varbinds (goal < 10 s)`);
    row(
      'net-snmp stock MIB store: walk',
      stockWalk.stopped
        ? `stopped after ${stockWalk.seconds.toFixed(0)} s at ${stockWalk.lines.toLocaleString('en')} varbinds: ≈ ${stockSeconds.toFixed(0)} s for all ${total.toLocaleString('en')} at that rate`
        : `${stockWalk.seconds.toFixed(2)} s, ${stockWalk.lines.toLocaleString('en')} varbinds`,
    );
    row(`speed-up over the stock store${stockWalk.stopped ? ' (varbinds/s)' : ''}`, `${(stockSeconds / oursWalk.seconds).toFixed(1)}× (goal ≥ 5×)`);
    row('dxgw agent RSS after the walk (peak)', `${oursMem.rss.toFixed(0)} MiB (${oursMem.peak.toFixed(0)} MiB) (goal < 300 MB)`);
    row('stock agent RSS after the walk (peak)', `${stockMem.rss.toFixed(0)} MiB (${stockMem.peak.toFixed(0)} MiB)`);
    if (oursWalk.lines !== total) row('WARNING', `dxgw's walk returned ${oursWalk.lines} varbinds, expected ${total}`);
    if (!stockWalk.stopped && stockWalk.lines !== total) row('WARNING', `the stock walk returned ${stockWalk.lines} varbinds, expected ${total}`);
  } finally {
    for (const child of children) child.kill('SIGKILL');
    redis.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSnmp();
