/**
 * `dxgw config check FILE [--print]`: loads the file as `dxgw run` would (with DXGW_*
 * environment overrides unless --no-env), prints `ok: FILE` and, with --print, the effective
 * configuration with secrets redacted, as YAML. On errors: one line each on stderr, exit 1.
 */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { ConfigError } from '../../config/issues.js';
import { loadConfig } from '../../config/load.js';
import { redactConfig } from '../../config/redact.js';

export interface CheckOptions {
  print?: boolean;
  env?: boolean;
}

export interface CheckOutcome {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** The whole check as data, so tests need no process. */
export function checkConfigFile(file: string, options: CheckOptions = {}, env: Record<string, string | undefined> = process.env): CheckOutcome {
  try {
    const config = loadConfig(file, options.env === false ? {} : env);
    const printed = options.print ? stringify(redactConfig(config), { lineWidth: 0 }) : '';
    return { ok: true, stdout: `ok: ${file}\n${printed}`, stderr: '' };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { ok: false, stdout: '', stderr: `${error.describe()}\n` };
  }
}

export function registerConfig(program: Command): void {
  const config = program.command('config').description('work with the configuration file');
  config
    .command('check')
    .description('validate a configuration file (and DXGW_* environment overrides)')
    .argument('<file>', 'YAML configuration file')
    .option('-p, --print', 'print the effective configuration (defaults filled in, secrets redacted) as YAML')
    .option('--no-env', 'ignore DXGW_* environment overrides')
    .action((file: string, options: CheckOptions) => {
      const outcome = checkConfigFile(file, options);
      process.stdout.write(outcome.stdout);
      process.stderr.write(outcome.stderr);
      if (!outcome.ok) process.exitCode = 1;
    });
}
