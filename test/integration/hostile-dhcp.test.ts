/**
 * Hostile DHCP never crashes the gateway or corrupts the store: a million random frames,
 * and well-formed DHCP with absurd values (lease 0, yiaddr 0.0.0.0 or broadcast, chaddr all
 * zeros, random message types and options), through the whole path into Redis.
 */
import { Redis } from 'ioredis';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkType } from '../../src/capture/link-types.js';
import { FrameDecoder } from '../../src/dhcp/frame-decoder.js';
import { Observer } from '../../src/leases/observer.js';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { LeasePipeline } from '../../src/subscribers/lease-pipeline.js';
import { engineConfigFrom, observerConfigFrom } from '../../src/subscribers/runtime-config.js';
import { parseConfig } from '../../src/config/load.js';
import { dhcpFrame, ip, u32 } from '../../src/testing/frames.js';
import { redisInvariantViolations } from '../helpers/redis-invariants.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireTool } from '../helpers/tools.js';

const config = parseConfig({ site: 'hostile' });

function makePipeline(store?: RedisLeaseStore) {
  const observer = new Observer(observerConfigFrom(config));
  return { observer, pipeline: new LeasePipeline({ engine: engineConfigFrom(config), observer, ...(store ? { store } : {}) }) };
}

function frame(data: Buffer, i: number) {
  return { seconds: 1_800_000_000 + Math.floor(i / 1000), nanos: (i % 1000) * 1_000_000, linkType: LinkType.EN10MB, data, originalLength: data.length, interfaceId: 0 };
}

describe('hostile DHCP', () => {
  it('a million random frames decode to errors or facts, never an exception', () => {
    const decoder = new FrameDecoder();
    const { pipeline } = makePipeline();
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 8) & 255;
    };
    const template = dhcpFrame({ op: 2, options: [[53, [5]], [51, u32(60)]] }, { srcPort: 67, dstPort: 68 });
    for (let i = 0; i < 1_000_000; i++) {
      // Half pure noise, half a real DHCP frame with random bytes sprayed over it.
      const data = i % 2 ? Buffer.from(template) : Buffer.allocUnsafe(40 + (rand() % 200));
      for (let j = 0, n = i % 2 ? 1 + (rand() % 12) : data.length; j < n; j++) data[i % 2 ? rand() * data.length >> 8 : j] = rand();
      pipeline.handle(decoder.decode(frame(data, i)));
    }
    expect(decoder.frames).toBe(1_000_000);
    // Noise is mostly not IPv4 at all; sprayed DHCP frames are mostly malformed.
    expect(decoder.errors.total + decoder.skipped['not-ipv4']).toBeGreaterThan(400_000);
    expect(decoder.errors.total).toBeGreaterThan(20_000);
  });

  describe.runIf(requireTool('redis-server'))('into Redis', () => {
    let server: RedisServer;
    let redis: Redis;
    beforeAll(async () => {
      server = await startRedisServer();
      redis = new Redis(server.url);
    });
    afterAll(async () => {
      redis?.disconnect();
      await server?.stop();
    });

    it('absurd values are refused and counted; random well-formed DHCP keeps the store consistent', { timeout: 120_000 }, async () => {
      const store = new RedisLeaseStore(redis, 'hostile');
      const { pipeline, observer } = makePipeline(store);
      const decoder = new FrameDecoder();
      const reply = { srcPort: 67, dstPort: 67, src: '198.51.100.1', dst: '192.0.2.1' };
      const absurd = [
        dhcpFrame({ op: 2, yiaddr: '192.0.2.5', chaddr: '02:00:00:00:00:05', options: [[53, [5]], [51, u32(0)]] }, reply),
        dhcpFrame({ op: 2, yiaddr: '0.0.0.0', chaddr: '02:00:00:00:00:06', options: [[53, [5]], [51, u32(60)]] }, reply),
        dhcpFrame({ op: 2, yiaddr: '255.255.255.255', chaddr: '02:00:00:00:00:07', options: [[53, [5]], [51, u32(60)]] }, reply),
        dhcpFrame({ op: 2, yiaddr: '224.0.0.1', chaddr: '02:00:00:00:00:08', options: [[53, [5]], [51, u32(60)]] }, reply),
        dhcpFrame({ op: 2, yiaddr: '192.0.2.9', chaddr: '00:00:00:00:00:00', options: [[53, [5]], [51, u32(60)]] }, reply),
        dhcpFrame({ op: 2, yiaddr: '192.0.2.10', chaddr: '02:00:00:00:00:0a', options: [[53, [5]]] }, reply), // INFORM ACK: no lease
      ];
      absurd.forEach((data, i) => {
        pipeline.handle(decoder.decode(frame(data, i)));
      });
      await pipeline.flush();
      expect(await store.count()).toBe(0);
      expect(observer.ignored).toMatchObject({ 'ack-zero-lease': 1, 'bad-address': 3, 'bad-chaddr': 1, 'ack-without-lease': 1 });

      // Random but well-formed traffic over a small address and client space, so bindings
      // collide, renew, get released, NAKed and replaced all the time.
      const arb = fc.record({
        type: fc.constantFrom(5, 5, 5, 6, 7, 4, 3, 8, 1, 2),
        host: fc.integer({ min: 1, max: 40 }),
        client: fc.integer({ min: 1, max: 25 }),
        lease: fc.constantFrom(1, 30, 600, 0xffffffff),
        clientId: fc.option(fc.uint8Array({ minLength: 1, maxLength: 20 })),
        circuit: fc.option(fc.uint8Array({ maxLength: 30 })),
      });
      const samples = fc.sample(arb, { numRuns: 50_000, seed: 7 });
      let i = 100;
      for (const s of samples) {
        const addr = `192.0.2.${s.host}`;
        const options: Array<[number, Buffer | number[]]> = [[53, [s.type]], [54, ip('198.51.100.1')], [51, u32(s.lease)], [50, ip(addr)]];
        if (s.clientId) options.push([61, Buffer.from(s.clientId)]);
        if (s.circuit) options.push([82, Buffer.concat([Buffer.from([1, s.circuit.length]), Buffer.from(s.circuit)])]);
        const op = [1, 3, 4, 7, 8].includes(s.type) ? 1 : 2;
        const data = dhcpFrame({ op, xid: i, yiaddr: op === 2 ? addr : '0.0.0.0', ciaddr: s.type === 7 ? addr : '0.0.0.0', chaddr: `02:00:00:00:00:${s.client.toString(16).padStart(2, '0')}`, options }, reply);
        if (pipeline.handle(decoder.decode(frame(data, i++)))) await pipeline.flush();
        if (i % 7 === 0) pipeline.handle(decoder.decode(frame(dhcpFrame({}, { protocol: 1, src: addr } as never).subarray(0, 60), i++)));
      }
      await pipeline.flush();
      expect(decoder.errors.total).toBe(0);
      expect(pipeline.stats.transitions).toBeGreaterThan(1000);
      expect(await redisInvariantViolations(redis, 'hostile')).toEqual([]);
      // The memory view the pipeline decided on and Redis agree binding for binding.
      const inRedis = await store.list();
      const inView = await pipeline.view.list();
      expect(inRedis.map((b) => [b.ip, b.mac, b.state, b.rev])).toEqual(inView.map((b) => [b.ip, b.mac, b.state, b.rev]));
    });
  });
});
