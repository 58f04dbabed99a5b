/**
 * deploy/systemd: the unit is checked by our own parser everywhere, and additionally by
 * `systemd-analyze verify` and `systemd-analyze security --offline` where systemd is installed
 * (Debian package `systemd`). No systemd is needed to run these tests.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEnvOverrides } from '../../src/config/env.js';
import { ROLES } from '../../src/run/gateway.js';
import { argValue, DEPLOY, exists, hasTool, KNOWN_UNIT_KEYS, parseUnit, read, timespanSeconds, unitValue, unitValues, type UnitFile } from './parsers.js';

const UNIT_PATH = join(DEPLOY, 'systemd', 'dxgw.service');
const SYSUSERS_PATH = join(DEPLOY, 'systemd', 'dxgw.sysusers');
const README_PATH = join(DEPLOY, 'systemd', 'README.md');
const unit = parseUnit(read(UNIT_PATH));

/** Problems a unit (or drop-in) has against the known keys and sections. */
function unknownKeys(u: UnitFile): string[] {
  const problems = [...u.errors];
  for (const [section, assignments] of u.sections) {
    const known = KNOWN_UNIT_KEYS[section];
    if (!known) {
      problems.push(`unknown section [${section}]`);
      continue;
    }
    for (const { key, line } of assignments) if (!known.has(key)) problems.push(`line ${line}: unknown key ${key}= in [${section}]`);
  }
  return problems;
}

const EXEC_START = /^(\/\S+\/node) (\/\S+\/bin\/dxgw\.js) run --config (\/etc\/dxgw\/dxgw\.yaml)(?: --roles (\S+))?$/;

describe('deploy/systemd/dxgw.service (parsed)', () => {
  it('has the [Unit], [Service] and [Install] sections and only keys systemd knows', () => {
    expect([...unit.sections.keys()]).toEqual(['Unit', 'Service', 'Install']);
    expect(unknownKeys(unit)).toEqual([]);
  });

  it('the parser catches a misspelt key and a line that is not Key=Value (the check is not vacuous)', () => {
    expect(unknownKeys(parseUnit('[Service]\nRestrat=on-failure\n'))).toEqual(['line 2: unknown key Restrat= in [Service]']);
    expect(unknownKeys(parseUnit('[Service]\nExecStart /bin/true\n'))).toHaveLength(1);
    expect(unknownKeys(parseUnit('[Instal]\nWantedBy=multi-user.target\n'))).toEqual(['unknown section [Instal]']);
  });

  it('runs `dxgw run --config /etc/dxgw/dxgw.yaml` with absolute paths', () => {
    const starts = unitValues(unit, 'Service', 'ExecStart');
    expect(starts).toHaveLength(1);
    const m = EXEC_START.exec(starts[0]!);
    expect(m, starts[0]).not.toBeNull();
    expect(m![1]).toBe('/usr/bin/node');
    expect(m![2]).toBe('/opt/dxgw/bin/dxgw.js');
    expect(m![4], 'every role by default').toBeUndefined();
    expect(unitValue(unit, 'Service', 'Type')).toBe('exec');
  });

  it('runs as the non-root user dxgw with CAP_NET_RAW as its only capability', () => {
    expect(unitValue(unit, 'Service', 'User')).toBe('dxgw');
    expect(unitValue(unit, 'Service', 'Group')).toBe('dxgw');
    expect(unitValues(unit, 'Service', 'AmbientCapabilities')).toEqual(['CAP_NET_RAW']);
    expect(unitValues(unit, 'Service', 'CapabilityBoundingSet')).toEqual(['CAP_NET_RAW']);
    expect(unitValue(unit, 'Service', 'NoNewPrivileges')).toBe('yes');
    expect(unitValue(unit, 'Service', 'DynamicUser')).toBeUndefined();
  });

  it('is sandboxed, with the state directory as the only writable place', () => {
    const want: Record<string, string> = {
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      PrivateDevices: 'yes',
      ProtectKernelTunables: 'yes',
      ProtectKernelModules: 'yes',
      ProtectControlGroups: 'yes',
      RestrictSUIDSGID: 'yes',
      LockPersonality: 'yes',
      StateDirectory: 'dxgw',
      WorkingDirectory: '/var/lib/dxgw',
    };
    for (const [key, value] of Object.entries(want)) expect(unitValue(unit, 'Service', key), key).toBe(value);
    // Capture needs packet sockets; netlink looks interfaces up.
    expect(unitValue(unit, 'Service', 'RestrictAddressFamilies')!.split(/\s+/).sort()).toEqual(['AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_PACKET', 'AF_UNIX']);
    // Settings that would break node (JIT) or capture (user namespace) must stay off.
    expect(unitValue(unit, 'Service', 'MemoryDenyWriteExecute')).toBeUndefined();
    expect(unitValue(unit, 'Service', 'PrivateUsers')).toBeUndefined();
    expect(unitValue(unit, 'Service', 'PrivateNetwork')).toBeUndefined();
    expect(unitValue(unit, 'Service', 'SystemCallErrorNumber')).toBe('EPERM');
  });

  it('restarts on failure with a pause and a start limit, and stops gracefully', () => {
    expect(unitValue(unit, 'Service', 'Restart')).toBe('on-failure');
    const restartSec = timespanSeconds(unitValue(unit, 'Service', 'RestartSec')!);
    expect(restartSec).toBeGreaterThanOrEqual(1);
    expect(restartSec).toBeLessThanOrEqual(60);
    const interval = timespanSeconds(unitValue(unit, 'Unit', 'StartLimitIntervalSec')!);
    const burst = Number(unitValue(unit, 'Unit', 'StartLimitBurst'));
    expect(burst).toBeGreaterThan(1);
    // The limit must be reachable: `burst` restarts spaced by RestartSec fit in the interval.
    expect(burst * restartSec).toBeLessThan(interval);
    // dxgw's own stop takes up to ~20 s (10 s of deliveries, Accounting-Off, Redis last).
    expect(timespanSeconds(unitValue(unit, 'Service', 'TimeoutStopSec')!)).toBeGreaterThanOrEqual(20);
    expect(unitValue(unit, 'Service', 'KillSignal') ?? 'SIGTERM').toBe('SIGTERM');
    // Only the main process gets SIGTERM: it stops the embedded redis-server itself, last.
    expect(unitValue(unit, 'Service', 'KillMode')).toBe('mixed');
    expect(unitValues(unit, 'Install', 'WantedBy')).toEqual(['multi-user.target']);
  });

  it('takes secrets from the optional /etc/dxgw/dxgw.env, and sets no unknown DXGW_* variable', () => {
    expect(unitValue(unit, 'Service', 'EnvironmentFile')).toBe('-/etc/dxgw/dxgw.env');
    const env: Record<string, string> = {};
    for (const value of unitValues(unit, 'Service', 'Environment')) {
      for (const pair of value.split(/\s+/)) {
        const [name, ...rest] = pair.split('=');
        env[name!] = rest.join('=');
      }
    }
    expect(applyEnvOverrides({}, env).issues).toEqual([]);
  });

  it('the drop-ins in deploy/systemd/README.md use known keys and valid roles', () => {
    const blocks = [...read(README_PATH).matchAll(/```ini\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    for (const block of blocks) {
      const dropIn = parseUnit(block);
      expect(unknownKeys(dropIn), block).toEqual([]);
      for (const start of unitValues(dropIn, 'Service', 'ExecStart').filter((s) => s !== '')) {
        const m = EXEC_START.exec(start);
        expect(m, start).not.toBeNull();
        for (const role of m![4]?.split(',') ?? []) expect(ROLES, start).toContain(role);
      }
      for (const caps of [...unitValues(dropIn, 'Service', 'AmbientCapabilities'), ...unitValues(dropIn, 'Service', 'CapabilityBoundingSet')]) {
        for (const cap of caps.split(/\s+/).filter(Boolean)) expect(['CAP_NET_RAW', 'CAP_NET_BIND_SERVICE']).toContain(cap);
      }
    }
  });
});

describe('deploy/systemd/dxgw.sysusers', () => {
  it('creates the system user dxgw with the state directory as home and no login shell', () => {
    const lines = read(SYSUSERS_PATH)
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    expect(lines).toHaveLength(1);
    const m = /^u\s+(\S+)\s+(\S+)\s+"([^"]*)"\s+(\S+)\s+(\S+)$/.exec(lines[0]!.trim());
    expect(m, lines[0]).not.toBeNull();
    expect(m![1]).toBe(unitValue(unit, 'Service', 'User'));
    expect(m![2]).toBe('-');
    expect(m![4]).toBe(unitValue(unit, 'Service', 'WorkingDirectory'));
    expect(m![5]).toBe('/usr/sbin/nologin');
  });
});

describe('deploy/systemd with systemd\'s own tools (where systemd is installed)', () => {
  const systemdAnalyze = hasTool('systemd-analyze');

  it('systemd-analyze verify accepts the unit (or, without systemd, the parser found no problem)', () => {
    if (!systemdAnalyze) {
      // No systemd here (CI images may lack it): the parsed checks above are the check.
      expect(unknownKeys(unit)).toEqual([]);
      return;
    }
    // verify also checks that ExecStart's program exists: the unit names /usr/bin/node, the
    // documented install; on a machine whose node lives elsewhere, check a copy naming it.
    const dir = mkdtempSync(join(tmpdir(), 'dxgw-unit-'));
    try {
      const copy = join(dir, 'dxgw.service');
      if (exists('/usr/bin/node')) copyFileSync(UNIT_PATH, copy);
      else writeFileSync(copy, readFileSync(UNIT_PATH, 'utf8').replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `));
      const result = spawnSync('systemd-analyze', ['verify', '--man=no', copy], { encoding: 'utf8' });
      // verify exits 0 on an unknown key but reports it: any line about our unit is a failure
      // (lines about other units installed on the machine are not ours to judge).
      const ours = `${result.stdout}\n${result.stderr}`.split('\n').filter((l) => l.includes('dxgw.service'));
      expect(ours, result.stderr).toEqual([]);
      expect(result.status, result.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('systemd-analyze security rates the unit at most 3.0 (or, without systemd, the sandbox keys are set)', () => {
    if (!systemdAnalyze) {
      expect(unitValue(unit, 'Service', 'ProtectSystem')).toBe('strict');
      return;
    }
    const result = spawnSync('systemd-analyze', ['security', '--offline=true', '--threshold=30', '--no-pager', UNIT_PATH], { encoding: 'utf8' });
    const score = /Overall exposure level for dxgw\.service: (\d+(?:\.\d+)?)/.exec(result.stdout);
    expect(score, result.stdout + result.stderr).not.toBeNull();
    expect(Number(score![1])).toBeLessThanOrEqual(3);
  });

  it('systemd-sysusers creates the user from dxgw.sysusers in a scratch root (or, without it, the line parsed)', () => {
    if (!hasTool('systemd-sysusers') || process.getuid?.() !== 0) {
      expect(read(SYSUSERS_PATH)).toMatch(/^u\s+dxgw\s/m);
      return;
    }
    const root = mkdtempSync(join(tmpdir(), 'dxgw-sysusers-'));
    try {
      mkdirSync(join(root, 'etc'));
      mkdirSync(join(root, 'usr/lib/sysusers.d'), { recursive: true });
      writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
      writeFileSync(join(root, 'etc/group'), 'root:x:0:\n');
      copyFileSync(SYSUSERS_PATH, join(root, 'usr/lib/sysusers.d/dxgw.conf'));
      const result = spawnSync('systemd-sysusers', [`--root=${root}`], { encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).toMatch(/^dxgw:x:\d+:\d+:[^:]*:\/var\/lib\/dxgw:\/usr\/sbin\/nologin$/m);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('roles: the unit runs every role (no --roles), so nothing is left unrun', () => {
    const args = unitValue(unit, 'Service', 'ExecStart')!.split(' ');
    expect(argValue(args, '--roles')).toBeUndefined();
  });
});
