/**
 * An ICMP error quoting a DHCP datagram never activates (issue 10), on real traffic:
 * dhcrelay-renew-icmp-port-unreachable.pcap (test/lab/make-fixtures.sh icmprenew). udhcpc
 * clients renew through a dhcrelay that relays each renewal a second time; each relayed ACK
 * meets a closed port 68 and the client answers with an ICMP Port Unreachable from its own
 * address. is1 (192.0.2.80) sends nothing else and must stay bound; it1 (192.0.2.81) does the
 * same, then pings: its ping, not its ICMP error, activates it.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameTimeMs } from '../../src/capture/frame.js';
import { replayCapture } from '../../src/cli/commands/replay.js';
import { LineWriter } from '../../src/cli/output.js';
import { FrameDecoder } from '../../src/dhcp/frame-decoder.js';
import type { SubscriberEvent } from '../../src/events/event.js';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { ipToString } from '../../src/packet/addresses.js';
import { FIXTURE_DIR, fixtureFrames } from '../helpers/fixtures.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

const FILE = join(FIXTURE_DIR, 'dhcrelay-renew-icmp-port-unreachable.pcap');
const SILENT = '192.0.2.80';
const TALKER = '192.0.2.81';

async function replay(options: { redis?: string } = {}) {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
  // No drain: the leases (120 s) are still running when the capture ends, as in a live run.
  const summary = await replayCapture(FILE, { format: 'json', drain: false, ...options }, new LineWriter(sink));
  return { summary, events: lines.map((l) => JSON.parse(l) as SubscriberEvent) };
}

/** Capture times of the ICMP messages of a given type sent from `src`. */
function icmpTimes(src: string, type: number): number[] {
  const decoder = new FrameDecoder();
  return fixtureFrames(FILE).flatMap((frame) => {
    const d = decoder.decode(frame);
    return d.kind === 'data' && ipToString(d.packet.srcIp) === src && d.packet.icmpType === type ? [frameTimeMs(frame)] : [];
  });
}

describe('replay: ICMP Port Unreachable quoting a relayed DHCP ACK (real dhcrelay + udhcpc)', () => {
  it('the fixture holds what the test relies on: 3 port-unreachables from the clients, 1 ping from it1 after its error', () => {
    expect(icmpTimes(SILENT, 3)).toHaveLength(2);
    expect(icmpTimes(TALKER, 3)).toHaveLength(1);
    expect(icmpTimes(SILENT, 8)).toEqual([]);
    expect(icmpTimes(TALKER, 8).length).toBeGreaterThanOrEqual(1);
    expect(icmpTimes(TALKER, 8)[0]!).toBeGreaterThan(icmpTimes(TALKER, 3)[0]!);
  });

  it('the silent client stays bound (no event at all), its errors counted as ignored-icmp-error', async () => {
    const { summary, events } = await replay();
    expect(events.filter((e) => e.subscriber.ip === SILENT)).toEqual([]);
    expect(summary.bindings).toBe(2);
    expect(summary.ignored['icmp-error']).toBe(3);
    expect(summary.counters['ignored-icmp-error']).toBe(3);
  });

  it("counter-check: the other client's ping activates it, at the ping and not at its ICMP error", async () => {
    const { events } = await replay();
    const talker = events.filter((e) => e.subscriber.ip === TALKER);
    expect(talker.map((e) => e.type)).toEqual(['interface-created', 'address-added']);
    expect(Date.parse(talker[0]!.time)).toBe(Math.floor(icmpTimes(TALKER, 8)[0]!)); // events carry whole ms
    expect(talker[0]!.subscriber.mac).toBe('02:00:00:00:0d:02');
  });

  describe('through the Redis store', () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await startRedisServer();
    });
    afterAll(async () => server?.stop());

    it('is1 is a binding in state bound, it1 is active', async () => {
      await replay({ redis: server.url });
      const redis = new Redis(server.url);
      const store = new RedisLeaseStore(redis, 'default');
      try {
        expect((await store.get('default', SILENT))?.state).toBe('bound');
        expect((await store.get('default', TALKER))?.state).toBe('active');
        expect((await store.counters())['ignored-icmp-error']).toBe(3);
      } finally {
        await store.close();
        redis.disconnect();
      }
    });
  });
});
