/** `dxgw notifications`: what failed, why, and retry or discard it (the same operations as REST). */
import type { Command } from 'commander';
import { NOTIFICATION_STATES, type NotificationOps, type NotificationState, type NotificationView } from '../../delivery/notifications.js';
import { DxgwError } from '../../errors/codes.js';
import { DEFAULT_VR } from '../../leases/binding.js';
import { closest } from '../../config/suggest.js';
import type { NotificationJobData } from '../../delivery/queues.js';
import { addStoreOptions, connectStore, type Connected, type StoreOptions } from '../connect.js';
import { filterOf, printTable } from './bindings.js';

interface Options extends StoreOptions {
  sink?: string;
  state?: string;
  json?: boolean;
  all?: boolean;
  vr?: string;
}

/** An unknown --sink is a wrong argument: say which sinks the config has (and the closest). */
function checkSink(sink: string | undefined, names: string[]): void {
  if (sink === undefined || names.includes(sink)) return;
  const near = closest(sink, names);
  throw new DxgwError('DXGW_CLI_BAD_ARGUMENT', `no sink named ${JSON.stringify(sink)} in the configuration${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}; sinks: ${names.join(', ') || 'none'}`, { key: '--sink' });
}

async function withOps<T>(opts: Options, fn: (ops: NotificationOps, c: Connected) => Promise<T>): Promise<T> {
  // BullMQ only when a notifications command runs.
  const { Queue } = await import('bullmq');
  const { NotificationOps } = await import('../../delivery/notifications.js');
  const { QUEUE_NAME, queuePrefix } = await import('../../delivery/queues.js');
  // The same Redis `dxgw bindings` finds (--redis, redis.url, or the embedded one in redis.dataDir).
  const c = await connectStore(opts);
  const names = c.config.sinks.map((s) => s.name);
  // Each queue's keys as the delivery role names them (queues.ts), on the CLI's own
  // connection: it fails fast where the daemon's waits for Redis to come back.
  const queues = new Map(names.map((name) => [name, new Queue<NotificationJobData>(QUEUE_NAME, { connection: c.redis, prefix: queuePrefix(c.config.site, name) })]));
  for (const q of queues.values()) q.on('error', () => undefined); // surfaced by the awaited commands
  try {
    checkSink(opts.sink, names);
    if (names.length === 0) process.stderr.write('dxgw: no sinks in the configuration: give the --config the gateway runs with (sink names come from it)\n');
    return await fn(new NotificationOps(queues), c);
  } catch (error) {
    throw asCliError(error, c.url);
  } finally {
    await Promise.all([...queues.values()].map((q) => q.close().catch(() => undefined)));
    await c.close();
  }
}

/** Redis going away mid-command surfaces from ioredis/BullMQ as plain errors: give them the store's code. */
function asCliError(error: unknown, url: string): unknown {
  if (error instanceof DxgwError || !(error instanceof Error)) return error;
  if (/Connection is closed|max retries per request|ECONNREFUSED|ECONNRESET|ETIMEDOUT|NOAUTH|WRONGPASS|READONLY|LOADING/i.test(`${error.name} ${error.message}`)) {
    return new DxgwError('DXGW_STORE_UNAVAILABLE', `Redis at ${url.replace(/\/\/[^@/]*@/, '//***@')} failed: ${error.message}`, { key: '--redis' });
  }
  return error;
}

function print(list: NotificationView[], json: boolean | undefined): void {
  if (json) {
    process.stdout.write(list.map((n) => `${JSON.stringify(n)}\n`).join(''));
    return;
  }
  const rows = list.map((n) => [n.id, n.state, n.type, n.subscriber.ip, `${n.attemptsMade}/${n.maxAttempts}`, (n.lastError ?? '-').slice(0, 60)]);
  process.stdout.write(`${printTable(rows, ['ID', 'STATE', 'TYPE', 'SUBSCRIBER', 'ATTEMPTS', 'LAST ERROR'])}${list.length} notification(s)\n`);
}

export function registerNotifications(program: Command): void {
  const cmd = program.command('notifications').description('northbound notifications: list failed ones, retry, discard');

  addStoreOptions(cmd.command('list', { isDefault: true }).description('notifications by sink and state (default: everything not yet delivered)'))
    .option('--sink <name>', 'one sink')
    .option('--state <state>', NOTIFICATION_STATES.join(' | '))
    .option('--json', 'one JSON object per line')
    .action(async (opts: Options) => {
      if (opts.state && !(NOTIFICATION_STATES as readonly string[]).includes(opts.state)) {
        throw new DxgwError('DXGW_CLI_BAD_ARGUMENT', `--state must be one of ${NOTIFICATION_STATES.join(', ')}`, { key: '--state' });
      }
      await withOps(opts, async (ops) => print(await ops.list({ ...(opts.sink ? { sink: opts.sink } : {}), ...(opts.state ? { state: opts.state as NotificationState } : {}) }), opts.json));
    });

  addStoreOptions(cmd.command('show').description('one notification: the event, every attempt, the last error').argument('<id>'))
    .action(async (id: string, opts: Options) => {
      await withOps(opts, async (ops) => process.stdout.write(`${JSON.stringify(await ops.show(id), null, 2)}\n`));
    });

  addStoreOptions(cmd.command('retry').description('retry one failed notification, or every failed one (--all, optionally --sink) with all attempts again').argument('[id]'))
    .option('--all', 'every failed notification')
    .option('--sink <name>', 'with --all: only this sink')
    .action(async (id: string | undefined, opts: Options) => {
      if (!id && !opts.all) throw new DxgwError('DXGW_CLI_BAD_ARGUMENT', 'give a notification id, or --all', { key: '--all' });
      await withOps(opts, async (ops) => {
        if (id) {
          await ops.retry(id);
          process.stdout.write(`retrying ${id}\n`);
        } else process.stdout.write(`retrying ${await ops.retryAll(opts.sink)} notification(s)\n`);
      });
    });

  addStoreOptions(cmd.command('discard').description('remove a notification for good (later events of its subscriber then go ahead)').argument('<id>'))
    .action(async (id: string, opts: Options) => {
      await withOps(opts, async (ops) => {
        await ops.discard(id);
        process.stdout.write(`discarded ${id}\n`);
      });
    });

  addStoreOptions(cmd.command('subscriber').description("a subscriber's notifications (found from its event history)").argument('<ip>'))
    .option('--vr <vr>', 'virtual router', DEFAULT_VR)
    .option('--json', 'one JSON object per line')
    .action(async (ip: string, opts: Options) => {
      const at = filterOf({ ip, vr: opts.vr ?? DEFAULT_VR });
      await withOps(opts, async (ops, c) => print(await ops.forSubscriber(c.store, at.vr!, at.ip!), opts.json));
    });
}
