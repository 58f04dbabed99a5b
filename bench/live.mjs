// Live load benchmark (issue 10): dxgw capturing live in the namespace lab (test/lab/load.sh)
// while tcpreplay sends relay-style ACKs (each followed by one packet from its address) from
// the other end of a veth. Prints:
//  - DHCP lost while a data flood runs at the highest rate the lab sends (the flood's rate
//    measured on cap0), DHCP at 2,000 ACKs/s; the same with two flood senders, and with
//    stress-ng keeping both cores busy;
//  - the highest ACK rate with 0 loss and no flood, stepping the rate up until loss, beside
//    tcpreplay's own top rate for the same file (the ceiling).
// Needs root and tcpreplay; without them it says so and measures nothing.
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { heading, row } from './lib.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = (p) => import(join(root, 'dist', p));
const fmt = (n) => Math.round(n).toLocaleString('en-US');

export async function benchLive({ floodAcks = 20_000, floodAckRate = 2000, stepSeconds = 3 } = {}) {
  heading('live: DHCP through the live capture while tcpreplay floods it (namespace lab)');
  if (process.getuid?.() !== 0 || !(await spawnOk('sh', ['-c', 'command -v tcpreplay']))) {
    row('skipped', 'needs root (network namespaces) and tcpreplay');
    return;
  }
  const { LoadLab } = await dist('testing/live-load.js');
  const { ackLoadCapture, floodCapture, UNBOUND_BASE } = await dist('testing/load-capture.js');
  const lab = new LoadLab({ repo: root, prefix: `lb${process.pid}`.slice(0, 10) });
  let next = 1; // every run binds fresh addresses
  row('machine', `${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start`);
  try {
    await lab.up();
    await lab.startDxgw();
    const unbound = lab.writeCapture('flood-unbound.pcap', floodCapture({ packets: 50_000, first: UNBOUND_BASE, addresses: 50_000 }));

    /**
     * ACKs at `rate`/s ('top' = --topspeed); `sent()` runs when tcpreplay is done (the floods
     * stop there), then the count settles (LoadLab.settle): late is not lost.
     */
    async function acks(clients, rate, sent = async () => undefined, start = async () => undefined) {
      const first = next;
      next += clients;
      const file = lab.writeCapture(`acks-${first}.pcap`, ackLoadCapture({ clients, first }));
      const before = await lab.bindings();
      const m0 = await lab.metrics();
      await start();
      let replay;
      try {
        replay = await lab.send(file, rate === 'top' ? ['--topspeed', '--preload-pcap'] : [`--pps=${2 * rate}`, '--preload-pcap']);
      } finally {
        await sent();
      }
      const created = (await lab.settle(before + clients)) - before;
      const m1 = await lab.metrics();
      return { clients, sent: replay, ackRate: replay.pps / 2, created, lost: clients - created, dhcpDrops: m1.dhcpDrops - m0.dhcpDrops, drops: m1.drops.total - m0.drops.total, frames: m1.frames.total - m0.frames.total };
    }

    /** ACK run under floods (each a tcpreplay --topspeed --loop); the floods' rate measured on cap0. */
    async function underFlood(label, floods) {
      let rx0 = 0;
      let t0 = 0n;
      let seconds = 0;
      const start = async () => {
        rx0 = await lab.rx();
        t0 = process.hrtime.bigint();
        for (const [id, file] of floods) await lab.floodStart(id, file, ['--topspeed', '--preload-pcap']);
      };
      const r = await acks(floodAcks, floodAckRate, async () => {
        for (const [id] of floods) await lab.floodStop(id).catch(() => undefined);
        seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      }, start);
      const floodPps = ((await lab.rx()) - rx0 - 2 * r.clients) / seconds;
      row(`${label}: flood offered on cap0`, `${fmt(floodPps)} packets/s for ${seconds.toFixed(1)} s`);
      row(`${label}: ACKs sent (tcpreplay)`, `${fmt(r.clients)} at ${fmt(r.ackRate)}/s`);
      row(`${label}: DHCP lost (ACK without binding)`, `${fmt(r.lost)} of ${fmt(r.clients)}; ratio bindings/ACKs ${(r.created / r.clients).toFixed(4)} (goal 0 lost)`);
      row(`${label}: capture drops (DHCP handle / all)`, `${fmt(r.dhcpDrops)} / ${fmt(r.drops)} of ${fmt(r.frames + r.drops)} frames`);
      return r;
    }

    heading(`live: ${fmt(floodAcks)} ACKs at ${fmt(floodAckRate)}/s under a data flood at tcpreplay's top speed`);
    await underFlood('1 sender (unbound addresses)', [['flood', unbound]]);
    const bound = lab.writeCapture('flood-bound.pcap', floodCapture({ packets: 50_000, first: 1, addresses: 20_000 }));
    await underFlood('2 senders (unbound + bound)', [['flood', unbound], ['bound', bound]]);
    if (await spawnOk('sh', ['-c', 'command -v stress-ng'])) {
      const stress = spawn('stress-ng', ['--cpu', '2', '--timeout', '600s', '--quiet'], { stdio: 'ignore' });
      try {
        await underFlood('1 sender, stress-ng --cpu 2 (busy machine)', [['flood', unbound]]);
      } finally {
        stress.kill('SIGTERM');
      }
    }

    heading(`live: highest ACK rate with 0 loss, no flood (${stepSeconds} s of ACKs per step)`);
    // The ceiling: tcpreplay's own top rate for an ACK file of the same kind.
    const ceiling = await acks(50_000, 'top');
    row('tcpreplay --topspeed (ceiling)', `${fmt(ceiling.ackRate)} ACKs/s sent; ${fmt(ceiling.lost)} of ${fmt(ceiling.clients)} lost, ${fmt(ceiling.dhcpDrops)} dropped`);
    let best;
    for (let rate = 2000; rate < ceiling.ackRate; rate *= 2) {
      const r = await acks(Math.round(rate * stepSeconds), rate);
      row(`  ${fmt(rate)} ACKs/s asked`, `${fmt(r.ackRate)}/s sent, ${fmt(r.lost)} of ${fmt(r.clients)} lost, ${fmt(r.dhcpDrops)} dropped`);
      if (r.lost > 0 || r.dhcpDrops > 0) break;
      best = r;
    }
    if (ceiling.lost === 0 && ceiling.dhcpDrops === 0) best = ceiling;
    row('highest ACK rate with 0 loss', best ? `${fmt(best.ackRate)}/s` : 'none (loss at 2,000/s)');
    if (best) row('ratio to tcpreplay ceiling', (best.ackRate / ceiling.ackRate).toFixed(2));
  } finally {
    await lab.down();
  }
}

function spawnOk(cmd, args) {
  return new Promise((resolve) => spawn(cmd, args, { stdio: 'ignore' }).on('close', (code) => resolve(code === 0)).on('error', () => resolve(false)));
}
