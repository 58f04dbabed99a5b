/**
 * Who gets data: configured v2c communities (read-only) and v3 users with the right keys
 * (SHA/SHA-2, AES); wrong community, wrong keys, unknown users, v1, and v2c when switched
 * off get nothing (the tools time out). DES is refused at start without the legacy provider.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DxgwError } from '../../src/errors/codes.js';
import { MemoryLeaseStore } from '../../src/leases/memory-store.js';
import { startSnmpAgent, type SnmpAgent, type SnmpConfig } from '../../src/snmp/agent.js';
import { desAvailable } from '../../src/snmp/usm.js';
import { makeBinding, put } from '../conformance/lease-store.js';
import { MIB_ARGS, NO_RETRIES, runTool, v2c, v3, type V3Credentials } from '../helpers/snmp-tools.js';
import { requireTool } from '../helpers/tools.js';

const SYS_NAME = 'SNMPv2-MIB::sysName.0';
const users: SnmpConfig['users'] = [
  { name: 'sha1', authProtocol: 'sha', authKey: 'sha1-auth-key', privProtocol: 'aes', privKey: 'sha1-priv-key' },
  { name: 'sha256', authProtocol: 'sha256', authKey: 'sha256-auth-key', privProtocol: 'aes', privKey: 'sha256-priv-key' },
  { name: 'sha512', authProtocol: 'sha512', authKey: 'sha512-auth-key', privProtocol: 'aes256b', privKey: 'sha512-priv-key' },
  { name: 'authonly', authProtocol: 'sha384', authKey: 'authonly-auth-key' },
];
const creds: Record<string, V3Credentials> = {
  sha1: { user: 'sha1', auth: 'SHA', authKey: 'sha1-auth-key', priv: 'AES', privKey: 'sha1-priv-key' },
  sha256: { user: 'sha256', auth: 'SHA-256', authKey: 'sha256-auth-key', priv: 'AES', privKey: 'sha256-priv-key' },
  sha512: { user: 'sha512', auth: 'SHA-512', authKey: 'sha512-auth-key', priv: 'AES-256' as 'AES', privKey: 'sha512-priv-key' },
  authonly: { user: 'authonly', auth: 'SHA-384', authKey: 'authonly-auth-key' },
};

async function agentWith(config: Partial<SnmpConfig>): Promise<{ agent: SnmpAgent; target: string }> {
  const store = new MemoryLeaseStore('lab');
  await store.commit([put(makeBinding({ ip: '192.0.2.10' }), 0)], []);
  const agent = await startSnmpAgent({
    config: { enabled: true, listen: '127.0.0.1:0', communities: ['s3cret-ro'], v1v2c: true, users, ...config },
    site: 'lab',
    store,
  });
  return { agent, target: `127.0.0.1:${agent.address().port}` };
}

const timedOut = (r: { code: number; stdout: string; stderr: string }): boolean => r.code !== 0 && /Timeout|No Response/i.test(r.stderr) && !/lab/.test(r.stdout);

describe.runIf(requireTool('snmpget'))('SNMP agent access control', () => {
  let agent: SnmpAgent;
  let target: string;

  beforeAll(async () => {
    ({ agent, target } = await agentWith({}));
  });
  afterAll(() => agent?.stop());

  it('answers a configured community', async () => {
    const r = await runTool('snmpget', [...v2c('s3cret-ro'), ...MIB_ARGS, '-Oqv', target, SYS_NAME]);
    expect(r.stdout.trim()).toBe('lab');
  });

  it('gives a wrong community nothing', async () => {
    const r = await runTool('snmpget', [...v2c('public'), ...NO_RETRIES, ...MIB_ARGS, target, SYS_NAME]);
    expect(timedOut(r), r.stdout + r.stderr).toBe(true);
  });

  it('does not serve SNMPv1 (Counter64 objects cannot be carried)', async () => {
    const r = await runTool('snmpget', ['-v1', '-c', 's3cret-ro', ...NO_RETRIES, ...MIB_ARGS, target, SYS_NAME]);
    expect(timedOut(r), r.stdout + r.stderr).toBe(true);
  });

  for (const name of ['sha1', 'sha256', 'sha512', 'authonly']) {
    it(`answers v3 user ${name} (${creds[name]!.auth}${creds[name]!.priv ? ` + ${creds[name]!.priv}` : ', no privacy'})`, async () => {
      const r = await runTool('snmpget', [...v3(creds[name]!), ...MIB_ARGS, '-Oqv', target, SYS_NAME]);
      expect(r.stdout.trim(), r.stderr).toBe('lab');
    });
  }

  it('gives a wrong v3 authentication key nothing', async () => {
    const r = await runTool('snmpget', [...v3({ ...creds.sha256!, authKey: 'not-the-key-1' }), ...NO_RETRIES, ...MIB_ARGS, target, SYS_NAME]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toMatch(/lab/);
  });

  it('gives a wrong v3 privacy key nothing', async () => {
    const r = await runTool('snmpget', [...v3({ ...creds.sha256!, privKey: 'not-the-key-2' }), ...NO_RETRIES, ...MIB_ARGS, target, SYS_NAME]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toMatch(/lab/);
  });

  it('gives an unknown v3 user nothing', async () => {
    const r = await runTool('snmpget', [...v3({ ...creds.sha256!, user: 'mallory' }), ...NO_RETRIES, ...MIB_ARGS, target, SYS_NAME]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toMatch(/lab/);
  });

  it('gives v3 without authentication (noAuthNoPriv, any user name) nothing', async () => {
    for (const user of ['', 'sha256']) {
      const r = await runTool('snmpget', ['-v3', '-l', 'noAuthNoPriv', '-u', user, ...NO_RETRIES, ...MIB_ARGS, target, SYS_NAME]);
      expect(r.stdout).not.toMatch(/lab/);
    }
  });
});

describe.runIf(requireTool('snmpget'))('SNMP agent with v1/v2c switched off', () => {
  it('answers v3 only', async () => {
    const { agent, target } = await agentWith({ v1v2c: false });
    try {
      const community = await runTool('snmpget', [...v2c('s3cret-ro'), ...NO_RETRIES, ...MIB_ARGS, target, SYS_NAME]);
      expect(timedOut(community), community.stdout + community.stderr).toBe(true);
      const user = await runTool('snmpget', [...v3(creds.sha256!), ...MIB_ARGS, '-Oqv', target, SYS_NAME]);
      expect(user.stdout.trim()).toBe('lab');
    } finally {
      await agent.stop();
    }
  });

  it('refuses to start when nobody could query it', async () => {
    await expect(agentWith({ v1v2c: false, users: [] })).rejects.toMatchObject({ code: 'DXGW_CONFIG_INVALID', key: 'snmp.users' });
  });
});

describe('SNMPv3 DES', () => {
  const des: SnmpConfig['users'] = [{ name: 'old', authProtocol: 'sha', authKey: 'old-auth-key', privProtocol: 'des', privKey: 'old-priv-key' }];

  it('is refused at start without the legacy OpenSSL provider, with a message saying what to do', async () => {
    // This process runs without it (vitest does not pass --openssl-legacy-provider).
    expect(desAvailable()).toBe(false);
    const error = await agentWith({ users: des }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DxgwError);
    expect((error as DxgwError).code).toBe('DXGW_CONFIG_INVALID');
    expect((error as DxgwError).key).toBe('snmp.users[0].privProtocol');
    expect((error as DxgwError).message).toMatch(/--openssl-legacy-provider/);
  });

  it.runIf(requireTool('snmpget'))('works when Node runs with --openssl-legacy-provider', async () => {
    // A child Node with the legacy provider runs the (built) agent; the real snmpget asks it.
    const script = `
      const { startSnmpAgent } = await import(${JSON.stringify(new URL('../../dist/snmp/agent.js', import.meta.url).href)});
      const { MemoryLeaseStore } = await import(${JSON.stringify(new URL('../../dist/leases/memory-store.js', import.meta.url).href)});
      const agent = await startSnmpAgent({ config: { enabled: true, listen: '127.0.0.1:0', communities: [], v1v2c: false, users: ${JSON.stringify(des)} }, site: 'lab', store: new MemoryLeaseStore('lab') });
      console.log(agent.address().port);
      process.stdin.on('end', () => agent.stop().then(() => process.exit(0)));
      process.stdin.resume();`;
    const child = spawn(process.execPath, ['--openssl-legacy-provider', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
        child.once('exit', (code) => reject(new Error(`agent child exited ${code}`)));
      });
      const r = await runTool('snmpget', [...v3({ user: 'old', auth: 'SHA', authKey: 'old-auth-key', priv: 'DES', privKey: 'old-priv-key' }), ...MIB_ARGS, '-Oqv', `127.0.0.1:${port}`, SYS_NAME]);
      expect(r.stdout.trim()).toBe('lab');
    } finally {
      child.stdin!.end();
      await new Promise((r) => child.once('exit', r));
    }
  });
});
