/** `dxgw bindings`: list, show and clear shadow leases (the same service as the REST API). */
import type { Command } from 'commander';
import { DxgwError } from '../../errors/codes.js';
import { DEFAULT_VR } from '../../leases/binding.js';
import type { BindingFilter } from '../../leases/store.js';
import { BindingService, type BindingView } from '../../subscribers/binding-service.js';
import { engineConfigFrom } from '../../subscribers/runtime-config.js';
import { filterFrom } from '../../api/routes/bindings.js';
import { addStoreOptions, connectStore, type StoreOptions } from '../connect.js';

interface FilterOptions extends StoreOptions {
  ip?: string;
  mac?: string;
  interface?: string;
  vr?: string;
  giaddr?: string;
  state?: string;
  json?: boolean;
  all?: boolean;
}

/** The REST API's filter parsing, its errors as CLI ones (at --<option>). */
export function filterOf(opts: FilterOptions): BindingFilter {
  try {
    return filterFrom({ ip: opts.ip, mac: opts.mac, interface: opts.interface, vr: opts.vr, giaddr: opts.giaddr, state: opts.state });
  } catch (error) {
    if (error instanceof DxgwError) throw new DxgwError('DXGW_CLI_BAD_ARGUMENT', error.message, { key: `--${error.key ?? 'filter'}` });
    throw error;
  }
}

const COLUMNS = ['VR', 'IP', 'STATE', 'MAC', 'GIADDR', 'INTERFACE', 'PROFILE', 'REMAINING'];

function row(b: BindingView): string[] {
  const remaining = b.lease.remainingSeconds === null ? 'infinite' : `${b.lease.remainingSeconds}s`;
  return [b.vr, b.ip, b.state, b.mac, b.giaddr, b.interface?.name ?? '-', b.interface?.profile ?? '-', remaining];
}

export function printTable(rows: string[][], header: string[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

function withFilters(command: Command): Command {
  return addStoreOptions(command)
    .option('--ip <ip>', 'address')
    .option('--mac <mac>', 'client MAC (aa:bb:cc:dd:ee:ff)')
    .option('--interface <name>', 'dynamic subscriber interface name')
    .option('--vr <vr>', 'virtual router')
    .option('--giaddr <ip>', 'relay address')
    .option('--state <state>', 'bound | active | denied');
}

export function registerBindings(program: Command): void {
  const bindings = program.command('bindings').description('list, show and clear shadow leases');

  withFilters(bindings.command('list', { isDefault: true }).description('list bindings (all filters ANDed)'))
    .option('--json', 'one JSON object per line')
    .action(async (opts: FilterOptions) => {
      const c = await connectStore(opts);
      try {
        const list = await new BindingService(c.store, engineConfigFrom(c.config)).list(filterOf(opts));
        if (opts.json) process.stdout.write(list.map((b) => `${JSON.stringify(b)}\n`).join(''));
        else process.stdout.write(`${printTable(list.map(row), COLUMNS)}${list.length} binding(s)\n`);
      } finally {
        await c.close();
      }
    });

  addStoreOptions(bindings.command('show').description('one binding, all fields, as JSON').argument('<ip>'))
    .option('--vr <vr>', 'virtual router', DEFAULT_VR)
    .action(async (ip: string, opts: FilterOptions) => {
      const c = await connectStore(opts);
      try {
        const view = await new BindingService(c.store, engineConfigFrom(c.config)).show(opts.vr ?? DEFAULT_VR, filterOf({ ip }).ip!);
        if (!view) throw new DxgwError('DXGW_BINDING_NOT_FOUND', `no binding for ${ip} in virtual router ${opts.vr ?? DEFAULT_VR}`);
        process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
      } finally {
        await c.close();
      }
    });

  withFilters(bindings.command('clear').description('clear bindings (events as for an expiry, reason cleared)'))
    .option('--all', 'clear every binding of the site')
    .action(async (opts: FilterOptions) => {
      const filter = filterOf(opts);
      if (Object.keys(filter).length === 0 && !opts.all) {
        throw new DxgwError('DXGW_CLI_BAD_ARGUMENT', 'give a filter (--ip, --mac, --interface, --vr, --giaddr, --state) or --all', { key: '--all' });
      }
      const c = await connectStore(opts);
      try {
        const result = await new BindingService(c.store, engineConfigFrom(c.config)).clear(filter, { all: opts.all ?? false });
        process.stdout.write(`cleared ${result.cleared} binding(s), ${result.events.length} event(s) queued\n`);
      } finally {
        await c.close();
      }
    });

  addStoreOptions(bindings.command('stats').description('bindings by state and the engine counters'))
    .action(async (opts: StoreOptions) => {
      const c = await connectStore(opts);
      try {
        process.stdout.write(`${JSON.stringify(await new BindingService(c.store, engineConfigFrom(c.config)).stats(), null, 2)}\n`);
      } finally {
        await c.close();
      }
    });

  addStoreOptions(bindings.command('history').description("a subscriber's events from the outbox").argument('<ip>'))
    .option('--vr <vr>', 'virtual router', DEFAULT_VR)
    .option('--limit <n>', 'at most this many (newest)', '100')
    .action(async (ip: string, opts: FilterOptions & { limit: string }) => {
      const c = await connectStore(opts);
      try {
        const events = await new BindingService(c.store, engineConfigFrom(c.config)).history(opts.vr ?? DEFAULT_VR, filterOf({ ip }).ip!, Number(opts.limit) || 100);
        process.stdout.write(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
      } finally {
        await c.close();
      }
    });
}
