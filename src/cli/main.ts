/** The `dxgw` command line: one sub-command per file in ./commands. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { registerDecode } from './commands/decode.js';
import { reportError } from './report-error.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

type Register = typeof registerDecode;

// Loaded on demand: `run` pulls in BullMQ, Fastify, ioredis …, which `dxgw decode` of a
// capture should not pay for at every start (hundreds of milliseconds).
const COMMANDS: Array<[name: string, load: () => Promise<Register>]> = [
  ['decode', async () => (await import('./commands/decode.js')).registerDecode],
  ['run', async () => (await import('./commands/run.js')).registerRun],
  ['replay', async () => (await import('./commands/replay.js')).registerReplay],
  ['bindings', async () => (await import('./commands/bindings.js')).registerBindings],
  ['notifications', async () => (await import('./commands/notifications.js')).registerNotifications],
  ['events', async () => (await import('./commands/events.js')).registerEvents],
  ['config', async () => (await import('./commands/config.js')).registerConfig],
];

/** The program with every command, or only `only` when that names one (the others are not loaded). */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('dxgw')
    .description('DHCP external server gateway: watches DHCP, keeps shadow leases, notifies policy servers')
    .version(pkg.version)
    .showHelpAfterError();
  const chosen = COMMANDS.filter(([name]) => name === only);
  for (const [, load] of chosen.length ? chosen : COMMANDS) (await load())(program);
  return program;
}

async function main(): Promise<void> {
  try {
    await (await buildProgram(process.argv[2])).parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    const { line, status } = reportError(error);
    process.stderr.write(`${line}\n`);
    process.exit(status);
  }
}

// A closed pipe (`dxgw decode x | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

await main();
