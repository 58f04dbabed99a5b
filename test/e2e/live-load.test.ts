/**
 * Live load (issue 10): dxgw captures cap0 in one namespace while tcpreplay sends from another
 * (test/lab/load.sh): 2,000 relay-style ACKs at 1,000/s, each followed by one packet from its
 * address, first alone, then under a data flood from unbound subscriber addresses and one from
 * the addresses being bound. Every ACK must become a binding and the handle that carries DHCP
 * must drop nothing.
 *
 * The floods' rates are parameters (packets/s, or "top" for tcpreplay --topspeed):
 * LIVE_LOAD_FLOOD_PPS (unbound, default 20000) and LIVE_LOAD_BOUND_PPS (bound, default 5000);
 * so are LIVE_LOAD_ACKS (2000) and LIVE_LOAD_ACK_RATE (1000/s).
 * Speed is not asserted: the rates are fixed and the assertions are counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackLoadCapture, floodCapture, UNBOUND_BASE } from '../../src/testing/load-capture.js';
import { LoadLab } from '../../src/testing/live-load.js';
import { e2eCanRun, REPO } from './lab.js';

const count = (name: string, fallback: number) => {
  const v = process.env[name] ?? String(fallback);
  if (!/^[1-9]\d*$/.test(v)) throw new Error(`${name} must be a positive integer, not ${JSON.stringify(v)}`);
  return Number(v);
};
const ACKS = count('LIVE_LOAD_ACKS', 2000);
const ACKS_PER_SECOND = count('LIVE_LOAD_ACK_RATE', 1000);
const rate = (name: string, fallback: string) => {
  const v = process.env[name] ?? fallback;
  if (v === 'top') return ['--topspeed', '--preload-pcap'];
  if (!/^[1-9]\d*$/.test(v)) throw new Error(`${name} must be a packet rate or "top", not ${JSON.stringify(v)}`);
  return [`--pps=${v}`, '--preload-pcap'];
};
const FLOOD = rate('LIVE_LOAD_FLOOD_PPS', '20000');
const BOUND_FLOOD = rate('LIVE_LOAD_BOUND_PPS', '5000');

const canRun = e2eCanRun(['tcpreplay']);

describe.runIf(canRun)(`e2e: live load, ${ACKS} ACKs at ${ACKS_PER_SECOND}/s through tcpreplay`, () => {
  const lab = new LoadLab({ repo: REPO, prefix: `ld${process.pid}`.slice(0, 10) });

  beforeAll(async () => {
    await lab.up();
    await lab.startDxgw();
  }, 90_000);

  afterAll(async () => {
    await lab.down();
  }, 60_000);

  /**
   * Sends ACKs first … first+ACKS-1 (ACK + one data packet each: 2 frames per ACK), calls
   * `sent()` (the floods stop there), then waits until every ACK is a binding or the capture
   * has gone quiet (LoadLab.settle): a late binding is not a lost one.
   */
  async function sendAcks(first: number, sent: () => Promise<void> = async () => undefined): Promise<{ created: number; dhcpDrops: number; log: string }> {
    const file = lab.writeCapture(`acks-${first}.pcap`, ackLoadCapture({ clients: ACKS, first }));
    const before = await lab.bindings();
    const dropsBefore = (await lab.metrics()).dhcpDrops;
    let replay: Awaited<ReturnType<typeof lab.send>> | undefined;
    try {
      replay = await lab.send(file, [`--pps=${2 * ACKS_PER_SECOND}`]);
    } finally {
      await sent();
    }
    expect(replay.packets).toBe(2 * ACKS);
    const created = (await lab.settle(before + ACKS)) - before;
    const metrics = await lab.metrics();
    return { created, dhcpDrops: metrics.dhcpDrops - dropsBefore, log: `sent ${JSON.stringify(replay)}, metrics ${JSON.stringify(metrics)}` };
  }

  it(`no flood: all ${ACKS} ACKs become bindings, no DHCP frame dropped`, { timeout: 120_000 }, async () => {
    const r = await sendAcks(1);
    expect(r.created, r.log).toBe(ACKS);
    expect(r.dhcpDrops, r.log).toBe(0);
  });

  it(`under a data flood (unbound ${FLOOD[0]}, bound ${BOUND_FLOOD[0]}): all ${ACKS} ACKs become bindings, no DHCP frame dropped`, { timeout: 180_000 }, async () => {
    const first = ACKS + 1;
    const unbound = lab.writeCapture('flood-unbound.pcap', floodCapture({ packets: 50_000, first: UNBOUND_BASE, addresses: 50_000 }));
    // The addresses this step binds, while they are being bound.
    const bound = lab.writeCapture('flood-bound.pcap', floodCapture({ packets: Math.max(20_000, ACKS), first, addresses: ACKS }));
    const rx = await lab.rx();
    await lab.floodStart('flood', unbound, FLOOD);
    await lab.floodStart('bound', bound, BOUND_FLOOD);
    const r = await sendAcks(first, async () => {
      await lab.floodStop('flood').catch(() => undefined);
      await lab.floodStop('bound').catch(() => undefined);
    });
    const offered = (await lab.rx()) - rx;
    // The floods really ran: cap0 received more than the ACK run's own frames.
    expect(offered).toBeGreaterThan(2 * ACKS);
    console.log(`live load under flood: ${offered} frames offered on cap0; ${r.log}`);
    expect(r.created, r.log).toBe(ACKS);
    expect(r.dhcpDrops, r.log).toBe(0);
  });
});
