/** `dxgw run`: the daemon (src/run/gateway.ts). One clear line and a non-zero exit for any start-up problem. */
import type { Command } from 'commander';
import { pino } from 'pino';
import { loadConfig } from '../../config/load.js';
import { DxgwError } from '../../errors/codes.js';
import type { Role } from '../../run/gateway.js';

// The daemon pulls in BullMQ, Fastify, net-snmp …: loaded only when `run` runs, so the other
// commands start fast.
const ROLES = ['capture', 'delivery', 'api', 'snmp', 'dae'] as const satisfies readonly Role[];

interface RunOptions {
  config?: string;
  roles?: string;
  replay?: string;
  speed: string;
  exitWhenIdle?: boolean;
}

function parseRoles(text: string | undefined): Set<Role> {
  if (!text) return new Set(ROLES);
  const roles = text.split(',').map((r) => r.trim());
  const bad = roles.find((r) => !(ROLES as readonly string[]).includes(r));
  if (bad) throw new DxgwError('DXGW_RUN_BAD_ROLE', `unknown role "${bad}" (roles: ${ROLES.join(', ')})`, { key: '--roles' });
  return new Set(roles as Role[]);
}

function parseSpeed(text: string): number | 'max' {
  if (text === 'max') return 'max';
  const n = Number(text);
  if (!(n > 0)) throw new DxgwError('DXGW_CLI_BAD_ARGUMENT', `--speed must be a positive number or "max", not "${text}"`, { key: '--speed' });
  return n;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the gateway: capture + lease engine, delivery, REST API (all roles by default)')
    .option('-c, --config <file>', 'configuration file (YAML); DXGW_* environment variables override it')
    .option('--roles <list>', `comma-separated roles to run here: ${ROLES.join(', ')}`)
    .option('--replay <file>', 'feed a capture file through the full daemon instead of live capture')
    .option('--speed <n|max>', 'replay pace: 1 = real time, 10 = ten times faster, max = as fast as possible', '1')
    .option('--exit-when-idle', 'with --replay: exit once every notification is delivered or failed')
    .action(async (opts: RunOptions) => {
      const config = loadConfig(opts.config);
      const roles = parseRoles(opts.roles);
      const speed = parseSpeed(opts.speed);
      const logger = pino({ level: config.log.level, base: { site: config.site } }, pino.destination(2));
      const { startGateway } = await import('../../run/gateway.js');
      const gateway = await startGateway({ config, roles, logger, ...(opts.replay ? { replay: { path: opts.replay, speed } } : {}), exitWhenIdle: opts.exitWhenIdle ?? false });
      let stopping = false;
      const shutdown = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'stopping');
        // A stop that hangs (a peer that never answers) must not keep the process alive forever.
        const force = setTimeout(() => {
          logger.error('graceful stop took over 30 s; exiting');
          process.exit(1);
        }, 30_000);
        force.unref();
        await gateway.stop();
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      };
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
      process.on('SIGINT', () => void shutdown('SIGINT'));
      const code = await gateway.finished;
      stopping = true;
      await gateway.stop();
      logger.flush();
      process.exit(code);
    });
}
