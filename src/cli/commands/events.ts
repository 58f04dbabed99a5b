/** `dxgw events`: the site's events after a cursor, as GET /api/v1/events (docs/events.md). */
import type { Command } from 'commander';
import { DxgwError } from '../../errors/codes.js';
import { DEFAULT_EVENTS_LIMIT, eventsAfter, isEventId, MAX_EVENTS_LIMIT, parseLimit } from '../../events/resync.js';
import { addStoreOptions, connectStore, type StoreOptions } from '../connect.js';
import { printTable } from './bindings.js';

interface EventsOptions extends StoreOptions {
  after?: string;
  limit: string;
  json?: boolean;
}

const COLUMNS = ['ID', 'TYPE', 'VR', 'IP', 'SEQ', 'TIME'];

export function registerEvents(program: Command): void {
  addStoreOptions(program.command('events').description('events after a cursor (an event id), oldest first: resync for receivers'))
    .option('--after <eventId>', 'the last event you have (default: from the oldest retained event)')
    .option('--limit <n>', `at most this many (1-${MAX_EVENTS_LIMIT})`, String(DEFAULT_EVENTS_LIMIT))
    .option('--json', 'one JSON event per line; the next cursor on stderr')
    .action(async (opts: EventsOptions) => {
      if (opts.after !== undefined && !isEventId(opts.after)) throw new DxgwError('DXGW_CLI_BAD_ARGUMENT', `${JSON.stringify(opts.after)} is not an event id (<sessionId>-<seq>)`, { key: '--after' });
      const limit = parseLimit(opts.limit);
      if (limit === undefined) throw new DxgwError('DXGW_CLI_BAD_ARGUMENT', `${JSON.stringify(opts.limit)} is not an integer from 1 to ${MAX_EVENTS_LIMIT}`, { key: '--limit' });
      const c = await connectStore(opts);
      try {
        const page = await eventsAfter(c.store, opts.after, limit);
        const tail = `${page.events.length} event(s); next: ${page.next ?? '-'}${page.more ? ' (more follow)' : ''}\n`;
        if (opts.json) {
          process.stdout.write(page.events.map((e) => `${JSON.stringify(e)}\n`).join(''));
          process.stderr.write(tail);
        } else {
          const rows = page.events.map((e) => [e.id, e.type, e.subscriber.vr, e.subscriber.ip, String(e.seq), e.time]);
          process.stdout.write(printTable(rows, COLUMNS) + tail);
        }
      } finally {
        await c.close();
      }
    });
}
