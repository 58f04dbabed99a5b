// RADIUS accounting benchmark (issue 9): Start/Stop records per second from dxgw's RADIUS
// sink (events → attributes → client → FreeRADIUS → verified answer) with 16 records in
// flight — what the delivery worker allows per sink — beside FreeRADIUS's own `radclient`
// sending the same Accounting-Requests with the same parallelism (-p 16), against the same
// FreeRADIUS in the same run: the ceiling. A third row sends the same requests
// pre-encoded from a bare UDP socket, 16 in flight, checking nothing: what this machine and
// this FreeRADIUS allow at all, and so how much dxgw's own work costs.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchFreeRadius } from './freeradius.mjs';
import { heading, row } from './lib.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = (p) => import(join(root, 'dist', p));

const T0 = Date.UTC(2026, 0, 1, 8);
const hex2 = (n) => n.toString(16).padStart(2, '0');

/** address-added and address-deleted of `subscribers` subscribers, as the bridge enqueues them: every Start, then every Stop. */
function accountingEvents(subscribers) {
  const event = (i, type) => {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const mac = `02:00:${hex2((i >> 24) & 255)}:${hex2((i >> 16) & 255)}:${hex2((i >> 8) & 255)}:${hex2(i & 255)}`;
    const sessionId = (0x1000000000000000n + BigInt(i)).toString(16);
    const seq = type === 'address-added' ? 2 : 4;
    const time = T0 + i * 10 + (type === 'address-added' ? 0 : 600_000);
    return {
      id: `${sessionId}-${seq}`,
      type,
      seq,
      site: 'bench',
      time: new Date(time).toISOString(),
      sessionId,
      reason: type === 'address-deleted' ? 'released' : null,
      subscriber: { vr: 'default', ip, mac, clientId: `01:${mac}`, giaddr: '192.0.2.1', serverId: '198.51.100.1', circuitId: '72:65:6c:61:79:30', remoteId: '01:02', vlans: [100] },
      interface: { name: `ip${ip.replaceAll('.', '-')}`, profile: null, vr: 'default' },
      lease: { seconds: 3600, startedAt: new Date(T0 + i * 10).toISOString(), expiresAt: new Date(T0 + i * 10 + 3_600_000).toISOString(), subnetMask: '255.255.255.0' },
      activatedAt: new Date(T0 + i * 10).toISOString(),
      loginName: null,
      attributes: {},
      dhcpOptions: type === 'address-added' ? { client: { '53': '03', '55': '0103060f1c2a', '61': `01${mac.replaceAll(':', '')}` }, server: { '1': 'ffffff00', '51': '00000e10' } } : null,
    };
  };
  const out = [];
  for (let i = 1; i <= subscribers; i++) out.push(event(i, 'address-added'));
  for (let i = 1; i <= subscribers; i++) out.push(event(i, 'address-deleted'));
  return out;
}

/** One attribute as radclient reads it (FreeRADIUS's text form). */
function radclientValue(value, type) {
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`;
  if (value instanceof Date) return String(Math.floor(value.getTime() / 1000));
  if (typeof value === 'number') return String(value);
  if (type === 'string' || type === 'text') return `"${value.replace(/[\\"]/g, '\\$&')}"`;
  return value; // ipaddr, or an integer's VALUE name
}

/** The records dxgw sends, as radclient's input file: attribute lines, a blank line between packets. */
function radclientFile(records, lookupAttribute) {
  return `${records
    .map((attrs) => [...attrs, { name: 'Acct-Delay-Time', value: 0 }].map(({ name, value }) => `${name} = ${radclientValue(value, lookupAttribute(name)?.type)}`).join('\n'))
    .join('\n\n')}\n`;
}

/** utime + stime of a process, seconds (Linux /proc). */
function processCpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * The pre-encoded packets over one connected UDP socket, `parallel` lanes each with one
 * request in flight; lane k uses identifiers ≡ k (mod parallel), so none is in flight twice.
 */
async function bareUdp(packetsOf, count, parallel, fr) {
  const { createSocket } = await import('node:dgram');
  const socket = createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  await new Promise((resolve) => socket.connect(fr.port, fr.host, resolve));
  const waiting = new Map();
  socket.on('message', (msg) => waiting.get(msg[1])?.());
  const lanes = Array.from({ length: parallel }, (_, k) => packetsOf(k));
  const started = process.hrtime.bigint();
  await Promise.all(
    lanes.map(async (packets) => {
      for (const packet of packets) {
        await new Promise((resolve) => {
          waiting.set(packet[1], resolve);
          socket.send(packet);
        });
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  socket.close();
  if (lanes.reduce((n, l) => n + l.length, 0) !== count) throw new Error('bare UDP: lanes do not cover the records');
  return seconds;
}

function runRadclient(args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('radclient', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) reject(new Error(`radclient exited ${code}: ${out.slice(-1000)}`));
      else resolve({ seconds, out });
    });
  });
}

export async function benchRadius({ subscribers = 10_000, parallel = 16, chunk = 1000, rounds = 3 } = {}) {
  const { RadiusSink } = await dist('delivery/sinks/radius-sink.js');
  const { accountingAttributes } = await dist('delivery/sinks/radius-attributes.js');
  const { encodeAccountingRequest, lookupAttribute } = await dist('radius/index.js');

  const fr = await startBenchFreeRadius();
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-bench-radius-'));
  try {
    const config = {
      name: 'acct',
      type: 'radius',
      events: ['address-added', 'address-renewed', 'address-deleted'],
      servers: [{ host: fr.host, port: fr.port, secret: fr.secret }],
      nasIdentifier: 'bench-nas',
      nasIp: '192.0.2.254',
      interim: true,
      timeoutMs: 3000,
      retries: 2,
      accountingOnOff: false,
      nasPortType: 'Ethernet',
    };
    const events = accountingEvents(subscribers);
    heading(`radius: ${events.length.toLocaleString()} Accounting-Requests (Start + Stop of ${subscribers.toLocaleString()} subscribers), ${parallel} in flight, to FreeRADIUS ${fr.host}:${fr.port}`);

    // dxgw: the sink as the delivery worker drives it — one shared shutdown signal, `parallel` deliveries at a time.
    const sink = new RadiusSink(config, { timeoutMs: 3000, retries: 2, bindAddress: '127.0.0.1', accountingOnOff: false });
    await sink.start();
    const signal = new AbortController().signal;
    const deliverAll = async (list) => {
      let next = 0;
      const lane = async () => {
        while (next < list.length) await sink.deliver(list[next++], { attempt: 1, maxAttempts: 1, signal });
      };
      const started = process.hrtime.bigint();
      await Promise.all(Array.from({ length: parallel }, lane));
      return Number(process.hrtime.bigint() - started) / 1e9;
    };
    await deliverAll(accountingEvents(500)); // warm-up (JIT, socket)
    const dxgw = async () => {
      const before = sink.counters;
      const cpu0 = process.cpuUsage();
      const fr0 = processCpuSeconds(fr.pid);
      const seconds = await deliverAll(events);
      const cpu = process.cpuUsage(cpu0);
      const frCpu = processCpuSeconds(fr.pid) - fr0;
      const after = sink.counters;
      if (after.responses - before.responses !== events.length) throw new Error(`dxgw: ${after.responses - before.responses} of ${events.length} answered`);
      return { rate: events.length / seconds, cpuUs: (cpu.user + cpu.system) / events.length, frCpuUs: (frCpu * 1e6) / events.length, retransmissions: after.retransmissions - before.retransmissions };
    };

    // radclient: the same records (dxgw's attribute lists, Acct-Delay-Time 0), the same
    // parallelism. radclient walks its whole request list for every answer (20,000 requests
    // in one file ran at under 400/s, 2,000 at about 2,000/s), so it gets them in files of
    // `chunk`, one process after the other: its best rate, process start-ups included.
    const records = events.map((e) => accountingAttributes(e, config));
    const files = [];
    for (let at = 0; at < records.length; at += chunk) {
      const file = join(dir, `requests-${files.length}.txt`);
      writeFileSync(file, radclientFile(records.slice(at, at + chunk), lookupAttribute));
      files.push(file);
    }
    const radclient = async () => {
      let seconds = 0;
      let received = 0;
      for (const file of files) {
        const run = await runRadclient(['-q', '-s', '-p', String(parallel), '-t', '3', '-r', '2', '-d', fr.dir, '-f', file, `${fr.host}:${fr.port}`, 'acct', fr.secret]);
        seconds += run.seconds;
        received += Number(/Accepted\s*:\s*(\d+)/.exec(run.out)?.[1] ?? NaN);
      }
      if (received !== events.length) throw new Error(`radclient: ${received} of ${events.length} answered`);
      return { rate: events.length / seconds };
    };

    // Bare UDP: record i goes on lane i mod parallel, encoded beforehand with that lane's next identifier.
    const packetsOf = (k) => {
      const out = [];
      for (let i = k, j = 0; i < records.length; i += parallel, j++) {
        out.push(encodeAccountingRequest((k + j * parallel) & 0xff, fr.secret, [...records[i], { name: 'Acct-Delay-Time', value: 0 }]));
      }
      return out;
    };
    const bare = async () => ({ rate: events.length / (await bareUdp(packetsOf, records.length, parallel, fr)) });

    // The machine is shared and noisy: the three take turns, `rounds` times; medians are printed.
    const results = { dxgw: [], radclient: [], bare: [] };
    for (let round = 0; round < rounds; round++) {
      results.dxgw.push(await dxgw());
      results.radclient.push(await radclient());
      results.bare.push(await bare());
    }
    await sink.stop();

    const median = (list, key) => [...list].map((r) => r[key]).sort((a, b) => a - b)[Math.floor(list.length / 2)];
    const rate = (name) => median(results[name], 'rate');
    const perSecond = (name) => `${Math.round(rate(name)).toLocaleString()} records/s (runs: ${results[name].map((r) => Math.round(r.rate).toLocaleString()).join(', ')})`;
    row('dxgw RadiusSink.deliver (events → attributes → UDP)', perSecond('dxgw'));
    row('  CPU per record: dxgw (node) / FreeRADIUS', `${median(results.dxgw, 'cpuUs').toFixed(0)} µs / ${median(results.dxgw, 'frCpuUs').toFixed(0)} µs; ${results.dxgw.reduce((n, r) => n + r.retransmissions, 0)} retransmissions`);
    row(`radclient -p ${parallel} -f (same requests, files of ${chunk})`, perSecond('radclient'));
    row(`bare UDP, pre-encoded, ${parallel} in flight, no checks`, perSecond('bare'));
    row('ratio dxgw / radclient', (rate('dxgw') / rate('radclient')).toFixed(2));
    row('ratio dxgw / bare UDP', (rate('dxgw') / rate('bare')).toFixed(2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await fr.stop();
  }
}
