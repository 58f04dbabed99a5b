import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { parse } from 'yaml';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkConfigFile, registerConfig } from '../../../src/cli/commands/config.js';
import { tempFile } from './helpers.js';

const EXAMPLE = fileURLToPath(new URL('../../../deploy/dxgw.example.yaml', import.meta.url));

describe('dxgw config check', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('prints ok for a valid file, and the redacted effective config with --print', () => {
    expect(checkConfigFile(EXAMPLE, {}, {})).toEqual({ ok: true, stdout: `ok: ${EXAMPLE}\n`, stderr: '' });
    const printed = checkConfigFile(EXAMPLE, { print: true }, { DXGW_LOG__LEVEL: 'debug' });
    expect(printed.ok).toBe(true);
    const [first, ...rest] = printed.stdout.split('\n');
    expect(first).toBe(`ok: ${EXAMPLE}`);
    const effective = parse(rest.join('\n')) as { log: { level: string }; api: { token: string }; sinks: Array<{ secret: string }> };
    expect(effective.log.level).toBe('debug');
    expect(effective.api.token).toBe('***');
    expect(effective.sinks[0]?.secret).toBe('***');
    expect(printed.stdout).not.toContain('change-me');
  });

  it('ignores the environment with --no-env', () => {
    expect(checkConfigFile(EXAMPLE, { env: false }, { DXGW_NOPE: '1' }).ok).toBe(true);
    expect(checkConfigFile(EXAMPLE, {}, { DXGW_NOPE: '1' }).ok).toBe(false);
  });

  it('prints each error on its own line', () => {
    const path = tempFile('site: "a b"\ncapture: { snapLength: 1 }\n');
    expect(checkConfigFile(path, {}, {})).toEqual({
      ok: false,
      stdout: '',
      stderr: 'DXGW_CONFIG_INVALID: site: "a b" must be 1-32 characters of A-Z a-z 0-9 _ . -\nDXGW_CONFIG_INVALID: capture.snapLength: 1 is below the minimum 64\n',
    });
    expect(checkConfigFile('/nonexistent.yaml', {}, {}).stderr).toBe('DXGW_CONFIG_UNREADABLE: cannot read config file /nonexistent.yaml: no such file\n');
  });

  it('is registered as `config check` and exits 1 on errors', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const program = new Command('dxgw').exitOverride();
    registerConfig(program);
    await program.parseAsync(['config', 'check', tempFile('site: lab\n'), '--print'], { from: 'user' });
    expect(out.mock.calls.map((c) => String(c[0])).join('')).toMatch(/^ok: .*\nsite: lab\n/);
    expect(process.exitCode).toBeUndefined();
    await program.parseAsync(['config', 'check', tempFile('site: [\n')], { from: 'user' });
    expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/^DXGW_CONFIG_UNREADABLE: .*dxgw\.yaml:\d+:\d+: /);
    expect(process.exitCode).toBe(1);
  });
});
