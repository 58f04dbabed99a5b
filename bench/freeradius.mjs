// A private FreeRADIUS 3 for benchmarks (the ideas of test/helpers/freeradius.ts): its own
// config in a temp dir, accounting on a free UDP port of 127.0.0.1, one client. Unlike the
// test helper it runs without -X (debug prints every packet and serialises the server, which
// would make the server the bottleneck of both clients) and its accounting section only
// answers: the benchmark measures the clients, not a detail file.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARY = '/usr/sbin/freeradius';
const READY = 'Ready to process requests';

async function freeUdpPort() {
  const socket = createSocket('udp4');
  await new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', resolve);
  });
  const { port } = socket.address();
  await new Promise((resolve) => socket.close(resolve));
  return port;
}

function radiusdConf(dir, port) {
  return `# Written by bench/freeradius.mjs for one benchmark run.
prefix = /usr
exec_prefix = /usr
sbindir = /usr/sbin
libdir = /usr/lib/freeradius
confdir = ${dir}
raddbdir = ${dir}
modconfdir = ${dir}
sysconfdir = ${dir}
localstatedir = ${dir}
logdir = ${dir}
radacctdir = ${dir}
run_dir = ${dir}
db_dir = ${dir}
pidfile = ${dir}/radiusd.pid
name = freeradius
max_request_time = 30
cleanup_delay = 5
max_requests = 65536
hostname_lookups = no
proxy_requests = no
log {
  destination = stdout
  colourise = no
}
security {
  allow_core_dumps = no
  max_attributes = 200
  reject_delay = 0
  status_server = no
}
thread pool {
  start_servers = 4
  max_servers = 8
  min_spare_servers = 2
  max_spare_servers = 8
  max_requests_per_server = 0
  max_queue_size = 65536
}
$INCLUDE clients.conf
modules {
  always ok {
    rcode = ok
  }
}
server default {
  listen {
    type = acct
    ipaddr = 127.0.0.1
    port = ${port}
  }
  preacct {
  }
  accounting {
    ok
  }
}
`;
}

/** Starts FreeRADIUS; resolves to { port, secret, dir, stop() }. */
export async function startBenchFreeRadius({ secret = 'bench-secret', timeoutMs = 15_000 } = {}) {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} not found (apt-get install freeradius)`);
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-bench-freeradius-'));
  writeFileSync(join(dir, 'clients.conf'), `client bench {\n  ipaddr = 127.0.0.1\n  secret = "${secret}"\n}\n`);
  writeFileSync(join(dir, 'dictionary'), '$INCLUDE /usr/share/freeradius/dictionary\n');
  const port = await freeUdpPort();
  writeFileSync(join(dir, 'radiusd.conf'), radiusdConf(dir, port));
  // -f: foreground, threaded (not -X); the log goes to stdout, where "Ready" shows.
  const child = spawn(BINARY, ['-f', '-d', dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC' } });
  let output = '';
  const keep = (d) => (output = (output + d).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let gone = false;
  void exited.then(() => (gone = true));
  const stop = async () => {
    if (!gone) child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (!output.includes(READY)) {
    if (gone || Date.now() > deadline) {
      await stop();
      throw new Error(`freeradius did not start:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { host: '127.0.0.1', port, secret, dir, pid: child.pid, output: () => output, stop };
}
