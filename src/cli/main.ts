/** The `dxgw` command line: one sub-command per file in ./commands. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerBindings } from './commands/bindings.js';
import { registerConfig } from './commands/config.js';
import { registerDecode } from './commands/decode.js';
import { registerEvents } from './commands/events.js';
import { registerNotifications } from './commands/notifications.js';
import { registerReplay } from './commands/replay.js';
import { registerRun } from './commands/run.js';
import { reportError } from './report-error.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('dxgw')
    .description('DHCP external server gateway: watches DHCP, keeps shadow leases, notifies policy servers')
    .version(pkg.version)
    .showHelpAfterError();
  registerDecode(program);
  registerRun(program);
  registerReplay(program);
  registerBindings(program);
  registerNotifications(program);
  registerEvents(program);
  registerConfig(program);
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    const { line, status } = reportError(error);
    process.stderr.write(line + '\n');
    process.exit(status);
  }
}

// A closed pipe (`dxgw decode x | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

await main();
