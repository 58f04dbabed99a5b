/**
 * Hostile input never takes the agent down: random datagrams, truncated and mangled SNMP
 * messages, a GETBULK asking for a million repetitions, OIDs nobody serves, odd indexes.
 * After each, the agent still answers.
 */
import { randomBytes } from 'node:crypto';
import snmp from 'net-snmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLeaseStore } from '../../src/leases/memory-store.js';
import { startSnmpAgent, type SnmpAgent } from '../../src/snmp/agent.js';
import { makeBinding, put } from '../conformance/lease-store.js';
import { MIB_ARGS, runTool, sendUdp, v2c } from '../helpers/snmp-tools.js';
import { requireTool } from '../helpers/tools.js';

const ENTRY = '.1.3.6.1.4.1.32473.1.1.1.1';

describe.runIf(requireTool('snmpget'))('SNMP agent under bad input', () => {
  let agent: SnmpAgent;
  let target: string;
  let port: number;

  const alive = async (): Promise<void> => {
    const r = await runTool('snmpget', [...v2c('public'), ...MIB_ARGS, '-Oqv', target, 'SNMPv2-MIB::sysName.0']);
    expect(r.stdout.trim(), r.stderr).toBe('lab');
  };

  beforeAll(async () => {
    const store = new MemoryLeaseStore('lab');
    const rows = Array.from({ length: 300 }, (_, i) => put(makeBinding({ ip: `10.0.${i >> 8}.${i & 255}`, mac: `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}` }), 0));
    await store.commit(rows, []);
    agent = await startSnmpAgent({
      config: { enabled: true, listen: '127.0.0.1:0', communities: ['public'], v1v2c: true, users: [] },
      site: 'lab',
      store,
      onError: () => {},
    });
    port = agent.address().port;
    target = `127.0.0.1:${port}`;
  });
  afterAll(() => agent?.stop());

  it('survives random datagrams and mangled SNMP messages', async () => {
    const valid = Buffer.from('302902010104067075626c6963a01c0204' + '12345678' + '020100020100300e300c06082b060102010105000500', 'hex');
    const datagrams = [
      Buffer.alloc(0),
      Buffer.from([0x30]),
      Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
      valid.subarray(0, 20),
      Buffer.concat([valid.subarray(0, 30), Buffer.from([0xff, 0x7f, 0x00])]),
      ...Array.from({ length: 200 }, () => randomBytes(1 + Math.floor(Math.random() * 1400))),
      // Valid framing, random inside: exercises the BER reader on every field.
      ...Array.from({ length: 200 }, () => {
        const m = Buffer.from(valid);
        for (let k = 0; k < 3; k++) m[2 + Math.floor(Math.random() * (m.length - 2))] = Math.floor(Math.random() * 256);
        return m;
      }),
    ];
    for (const d of datagrams) await sendUdp(port, d);
    await alive();
    expect(agent.counters.rejected).toBeGreaterThan(0);
  });

  it('caps a GETBULK with max-repetitions 1000000', async () => {
    const r = await runTool('snmpbulkget', [...v2c('public'), ...MIB_ARGS, '-Cn0', '-Cr1000000', '-On', target, ENTRY]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(50);
    expect(lines.length).toBeLessThanOrEqual(5000);
    await alive();
  });

  it('answers a GETBULK whose repetitions would overflow a datagram with what fits', async () => {
    const session = snmp.createSession('127.0.0.1', 'public', { port, version: snmp.Version2c, timeout: 2000, retries: 0 });
    try {
      const varbinds = await new Promise<unknown[]>((done, fail) =>
        session.getBulk([`${ENTRY.slice(1)}.3`, `${ENTRY.slice(1)}.9`, `${ENTRY.slice(1)}.11`], 0, 100_000, (error, vbs) => (error ? fail(error) : done(vbs ?? []))),
      );
      expect(varbinds.length).toBeGreaterThan(0);
    } finally {
      session.close();
    }
    await alive();
  });

  it('answers OIDs it does not serve: noSuchObject, noSuchInstance, endOfMibView', async () => {
    const get = await runTool('snmpget', [
      ...v2c('public'),
      ...MIB_ARGS,
      target,
      '.1.3.6.1.4.1.99999.1.0',
      `${ENTRY}.3.7.100.101.102.97.117.108.116.203.0.113.1`,
      `${ENTRY}.3.4294967295.1`,
      `${ENTRY}.99.1.2.3`,
      '.1.3',
    ]);
    expect(get.stdout).toMatch(/No Such Object/);
    expect(get.stdout).toMatch(/No Such Instance/);
    // Numeric, without the MIB: the tool would refuse indexes its copy of the MIB calls out of range.
    const next = await runTool('snmpgetnext', [...v2c('public'), '-On', target, `${ENTRY}.3.4294967295`, `${ENTRY}.14.255.255`, '.2.1']);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toMatch(new RegExp(`^\\${ENTRY}\\.4\\.`, 'm'));
    expect(next.stdout).toMatch(/No more variables left/);
    await alive();
  });

  it('refuses SETs of things it does not serve without harm', async () => {
    const r = await runTool('snmpset', [...v2c('public'), ...MIB_ARGS, target, '.1.3.6.1.4.1.99999.1.0', 'i', '1']);
    expect(r.code).not.toBe(0);
    await alive();
  });

  it('walks the whole view in order without repeating an OID', async () => {
    const r = await runTool('snmpbulkwalk', [...v2c('public'), ...MIB_ARGS, '-On', '-Cc', target, '.1']);
    expect(r.code, r.stderr).toBe(0);
    const oids = r.stdout
      .trim()
      .split('\n')
      .filter((l) => !l.includes('No more variables'))
      .map((l) => l.split(' = ')[0]!);
    expect(new Set(oids).size).toBe(oids.length);
    expect(oids.filter((o) => o.startsWith(`${ENTRY}.3.`))).toHaveLength(300);
  });
});
