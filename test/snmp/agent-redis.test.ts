/**
 * The agent against a real Redis filled by replaying a real capture (many-clients.pcap, no
 * drain: the bindings stay), with Debian's snmptable / snmpbulkwalk / snmpget / snmpset as
 * the NMS: the table shows exactly what store.list() has, and RowStatus destroy clears a
 * binding the way `dxgw bindings clear` does (its deletion events land in the outbox).
 */
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayCapture } from '../../src/cli/commands/replay.js';
import { loadConfig } from '../../src/config/load.js';
import type { Binding } from '../../src/leases/binding.js';
import { RedisLeaseStore } from '../../src/leases/redis/redis-store.js';
import { startSnmpAgent, type SnmpAgent } from '../../src/snmp/agent.js';
import { redisBindingPages } from '../../src/snmp/binding-pages.js';
import { redisOutboxTail } from '../../src/snmp/outbox-tail.js';
import { BindingService } from '../../src/subscribers/binding-service.js';
import { engineConfigFrom } from '../../src/subscribers/runtime-config.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { MIB_ARGS, REPO, runTool, v2c, v3, type V3Credentials } from '../helpers/snmp-tools.js';
import { requireTool } from '../helpers/tools.js';

const admin: V3Credentials = { user: 'admin', auth: 'SHA-256', authKey: 'admin-auth-key', priv: 'AES', privKey: 'admin-priv-key' };
const macOf = (printed: string): string =>
  printed
    .split(':')
    .map((x) => x.padStart(2, '0'))
    .join(':');

interface TableRow {
  vr: string;
  ip: string;
  cells: Record<string, string>;
}

/** `snmptable -Ci -Cf |` output → rows keyed by column name (index `"default".192.0.2.10`). */
function parseTable(stdout: string): TableRow[] {
  const lines = stdout.split('\n').filter((l) => l.includes('|'));
  const header = lines.shift()!.split('|');
  return lines.map((line) => {
    const cells = line.split('|');
    const m = /^"(.*)"\.(\d+\.\d+\.\d+\.\d+)$/.exec(cells[0]!)!;
    return { vr: m[1]!, ip: m[2]!, cells: Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])) };
  });
}

describe.runIf(requireTool('redis-server') && requireTool('snmptable'))('SNMP agent over Redis, after replaying many-clients.pcap', () => {
  let server: RedisServer;
  let redis: Redis;
  let store: RedisLeaseStore;
  let agent: SnmpAgent;
  let target: string;

  beforeAll(async () => {
    server = await startRedisServer();
    await replayCapture(join(REPO, 'test/fixtures/many-clients.pcap'), { redis: server.url, format: 'none', drain: false });
    redis = new Redis(server.url);
    store = new RedisLeaseStore(redis, 'default');
    const config = loadConfig(undefined, {});
    agent = await startSnmpAgent({
      config: { ...config.snmp, listen: '127.0.0.1:0', communities: ['public'], users: [{ name: 'admin', authProtocol: 'sha256', authKey: 'admin-auth-key', privProtocol: 'aes', privKey: 'admin-priv-key' }] },
      site: config.site,
      store,
      bindings: new BindingService(store, engineConfigFrom(config)),
      mirrorOptions: { pollMs: 100, outboxTail: redisOutboxTail(redis, store), pages: redisBindingPages(redis, store) },
    });
    target = `127.0.0.1:${agent.address().port}`;
  });

  afterAll(async () => {
    await agent?.stop();
    redis?.disconnect();
    await server?.stop();
  });

  it('snmptable shows exactly the bindings store.list() has', async () => {
    const bindings = await store.list();
    expect(bindings.length).toBe(20);
    const r = await runTool('snmptable', [...v2c('public'), ...MIB_ARGS, '-Ci', '-Cf', '|', target, 'DXGW-MIB::dxgwBindingTable']);
    expect(r.code, r.stderr).toBe(0);
    const rows = parseTable(r.stdout);
    const want = (b: Binding): unknown => ({ vr: b.vr, ip: b.ip, mac: b.mac, state: b.state, ifName: b.interfaceName ?? '' });
    const got = rows.map((row) => ({
      vr: row.vr,
      ip: row.ip,
      mac: macOf(row.cells.dxgwBindingMacAddress!),
      state: row.cells.dxgwBindingState,
      ifName: row.cells.dxgwBindingInterfaceName,
    }));
    const byIp = (a: { ip: string }, b: { ip: string }): number => a.ip.localeCompare(b.ip, 'en', { numeric: true });
    expect(got.sort(byIp)).toEqual(bindings.map(want).sort(byIp as never));
    expect(bindings.filter((b) => b.state === 'active').length).toBeGreaterThan(0);
    expect(rows.every((row) => row.cells.dxgwBindingGiaddr === '192.0.2.1' && row.cells.dxgwBindingRowStatus === 'active')).toBe(true);
  });

  it('loads through redisBindingPages exactly what store.list() returns', async () => {
    const paged: Binding[] = [];
    for await (const page of redisBindingPages(redis, store, 3)()) paged.push(...page);
    const key = (b: Binding): string => `${b.vr}|${b.ip}|${b.sessionId}|${b.rev}`;
    expect(new Set(paged.map(key))).toEqual(new Set((await store.list()).map(key)));
  });

  it('snmpbulkwalk of the table (v3, SHA-256 + AES) walks every column of every binding in OID order', async () => {
    const bindings = await store.list();
    const r = await runTool('snmpbulkwalk', [...v3(admin), ...MIB_ARGS, '-Cr7', target, 'DXGW-MIB::dxgwBindingTable']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(bindings.length * 12);
    const macs = new Map<string, string>();
    for (const line of lines) {
      const m = /^DXGW-MIB::dxgwBindingMacAddress\."default"\.([\d.]+) = STRING: ([0-9a-f:]+)$/.exec(line);
      if (m) macs.set(m[1]!, macOf(m[2]!));
    }
    expect(Object.fromEntries(macs)).toEqual(Object.fromEntries(bindings.map((b) => [b.ip, b.mac])));
    const circuit = lines.find((l) => l.startsWith('DXGW-MIB::dxgwBindingCircuitId'));
    expect(circuit).toMatch(/STRING: "relay0"$/);
  });

  it('serves the statistics from the store counters', async () => {
    const counters = await store.counters();
    const bindings = await store.list();
    const r = await runTool('snmpget', [
      ...v2c('public'),
      ...MIB_ARGS,
      '-Oqv',
      target,
      'DXGW-MIB::dxgwStatsBindingsCreated.0',
      'DXGW-MIB::dxgwStatsBindingsActive.0',
      'DXGW-MIB::dxgwStatsBindingsBound.0',
      'DXGW-MIB::dxgwCounterValue."bindings-created"',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      String(counters['bindings-created']),
      String(bindings.filter((b) => b.state === 'active').length),
      String(bindings.filter((b) => b.state === 'bound').length),
      String(counters['bindings-created']),
    ]);
    const walk = await runTool('snmpbulkwalk', [...v2c('public'), ...MIB_ARGS, target, 'DXGW-MIB::dxgwStatistics']);
    expect(walk.code, walk.stderr).toBe(0);
    expect(walk.stdout).toMatch(/DXGW-MIB::dxgwDeletions\.released = Counter64: \d+/);
    expect(counters['messages-ACK']).toBeGreaterThan(0);
    expect(walk.stdout).toContain(`DXGW-MIB::dxgwMessagesReceived.5 = Counter64: ${counters['messages-ACK']}`);
  });

  it('snmpset RowStatus destroy clears the binding like `dxgw bindings clear`, deletion events included', async () => {
    const victim = (await store.list()).find((b) => b.state === 'active')!;
    const before = (await store.readOutbox('0', 100_000)).at(-1)?.position ?? '0';
    const row = `"default".${victim.ip}`;
    const refused = await runTool('snmpset', [...v2c('public'), ...MIB_ARGS, target, `DXGW-MIB::dxgwBindingRowStatus.${row}`, 'i', 'destroy']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/noAccess/);

    const r = await runTool('snmpset', [...v3(admin), ...MIB_ARGS, target, `DXGW-MIB::dxgwBindingRowStatus.${row}`, 'i', 'destroy']);
    expect(r.code, r.stderr).toBe(0);
    expect(await store.get(victim.vr, victim.ip)).toBeUndefined();
    const events = (await store.readOutbox(before, 1000)).map((e) => e.event).filter((e) => e.subscriber.ip === victim.ip);
    expect(events.map((e) => [e.type, e.reason])).toEqual([
      ['interface-deleted', 'cleared'],
      ['address-deleted', 'cleared'],
    ]);
    const gone = await runTool('snmpget', [...v2c('public'), ...MIB_ARGS, target, `DXGW-MIB::dxgwBindingMacAddress.${row}`]);
    expect(gone.stdout).toMatch(/No Such Instance/);
  });

  it('refuses other writes: read-only columns are notWritable, other RowStatus values wrongValue', async () => {
    const b = (await store.list())[0]!;
    const row = `"default".${b.ip}`;
    const column = await runTool('snmpset', [...v3(admin), ...MIB_ARGS, target, `DXGW-MIB::dxgwBindingProfile.${row}`, 's', 'gold']);
    expect(column.stderr).toMatch(/notWritable/);
    const create = await runTool('snmpset', [...v3(admin), ...MIB_ARGS, target, `DXGW-MIB::dxgwBindingRowStatus.${row}`, 'i', 'createAndGo']);
    expect(create.stderr).toMatch(/wrongValue/);
    const stats = await runTool('snmpset', [...v3(admin), ...MIB_ARGS, target, 'SNMPv2-MIB::sysName.0', 's', 'x']);
    expect(stats.stderr).toMatch(/notWritable/);
    expect(await store.get(b.vr, b.ip)).toBeDefined();
  });

  it('follows the store: a binding cleared elsewhere leaves the table within a poll', async () => {
    const b = (await store.list()).at(-1)!;
    await new BindingService(store, engineConfigFrom(loadConfig(undefined, {}))).clear({ vr: b.vr, ip: b.ip }, {});
    // Bound bindings change without events: the mirror sees it by a resync, here forced.
    if (b.state !== 'active') await agent.mirror.resync();
    const deadline = Date.now() + 5000;
    for (;;) {
      const r = await runTool('snmpget', [...v2c('public'), ...MIB_ARGS, target, `DXGW-MIB::dxgwBindingState."default".${b.ip}`]);
      if (/No Such Instance/.test(r.stdout)) break;
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(agent.mirror.rows.size).toBe((await store.list()).length);
  });
});
