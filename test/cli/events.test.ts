/**
 * `dxgw events`: the resync cursor from the command line, finding the embedded Redis through
 * redis.dataDir as `dxgw bindings` does; one clear line, never a stack trace, for bad input.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubscriberEvent } from '../../src/events/event.js';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../src/run/embedded-redis.js';
import { dxgw } from '../helpers/cli.js';
import { EventLoad } from '../helpers/outbox-load.js';
import { requireTool } from '../helpers/tools.js';

describe.runIf(requireTool('redis-server'))('dxgw events (embedded Redis)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-cli-events-'));
  const config = join(dir, 'dxgw.yaml');
  let embedded: EmbeddedRedis;
  let redis: Redis;
  let sent: SubscriberEvent[];

  beforeAll(async () => {
    embedded = await startEmbeddedRedis(join(dir, 'redis'));
    writeFileSync(config, `site: cli-events\nredis:\n  dataDir: ${join(dir, 'redis')}\n`);
    redis = new Redis(embedded.url);
    const store = new RedisLeaseStore(redis, 'cli-events');
    const { load, events } = await EventLoad.start(store, 3);
    sent = [...events, ...(await load.renew(4))]; // 10 events
    await redis.set(store.keys.bridgeCheckpoint, (await store.readOutbox('0', 100))[3]!.position);
    await store.trimOutbox({ maxEvents: 8, maxAgeSeconds: 3600 }, { requireCheckpoint: true }); // drops the first 2
  });
  afterAll(async () => {
    redis?.disconnect();
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the events after a cursor as JSON lines, the next cursor on stderr', () => {
    const r = dxgw(['events', '--config', config, '--after', sent[2]!.id, '--limit', '3', '--json']);
    expect(r.stderr).toBe(`3 event(s); next: ${sent[5]!.id} (more follow)\n`);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as SubscriberEvent).id)).toEqual(sent.slice(3, 6).map((e) => e.id));
  });

  it('prints a table from the oldest retained event by default', () => {
    const r = dxgw(['events', '--config', config]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+TYPE\s+VR\s+IP\s+SEQ\s+TIME$/);
    expect(lines.slice(1, -1).map((l) => l.split(/\s+/)[0])).toEqual(sent.slice(2).map((e) => e.id));
    expect(lines.at(-1)).toBe(`8 event(s); next: ${sent[9]!.id}`);
  });

  it('says a trimmed cursor expired, naming the oldest retained event', () => {
    const r = dxgw(['events', '--config', config, '--after', sent[0]!.id]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^dxgw: DXGW_EVENTS_CURSOR_EXPIRED: event ${sent[0]!.id} is no longer retained .*oldest retained event is ${sent[2]!.id}`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses bad arguments with one line', () => {
    for (const args of [
      ['--limit', '0'],
      ['--limit', 'lots'],
      ['--limit', '10001'],
      ['--after', 'not an id'],
    ]) {
      const r = dxgw(['events', '--config', config, ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^dxgw: DXGW_CLI_BAD_ARGUMENT: .*\(at --(limit|after)\)\n$/);
    }
  });
});
