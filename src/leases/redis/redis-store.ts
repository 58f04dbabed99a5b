/**
 * LeaseStore on Redis (DESIGN §1; keyspace in docs/redis-keyspace.md). The commit-transitions
 * script applies several transitions per call, in order, each checking the binding's rev and
 * writing the lease hash, its indexes, its timer, its outbox events and counters together; a
 * commit sends its calls in one pipelined round trip. Same semantics as
 * MemoryLeaseStore, proven by test/conformance/lease-store.ts.
 *
 * Ownership: a store built with `new RedisLeaseStore(client, site)` borrows the client and
 * `close()` leaves it open; `RedisLeaseStore.connect(url, site)` creates its own and
 * `close()` quits it. The client must not use ioredis `keyPrefix` (DESIGN §1).
 * Needs Redis >= 7.0 (script shebang flags, exclusive XRANGE bounds).
 */
import { Redis, type ChainableCommander, type RedisOptions } from 'ioredis';
import type { EventDraft, SubscriberEvent } from '../../events/event.js';
import { stampEvent } from '../../events/stamp.js';
import { DxgwError } from '../../errors/codes.js';
import type { Binding, BindingState } from '../binding.js';
import type { EngineCounter, Transition } from '../engine-types.js';
import { compareBindings, matchesFilter } from '../filter.js';
import type { BindingFilter, CommitResult, LeaseStore, OutboxEntry } from '../store.js';
import { decodeBinding, encodeBinding, STATE_CODE } from './binding-codec.js';
import { globEscape, laneOf, parseLane, parseLeaseKey, siteKeys, validateVr, type SiteKeys } from './keys.js';
import { parseClaimReply, parseCommitReply, parseTrimReply, storeUnavailable, type OutboxTrimResult, type TransitionReply } from './script-results.js';
import { MsgpackWriter } from './msgpack-writer.js';
import { defineLeaseScripts, SCRIPTS, type LeaseScriptCommands, type ScriptArg } from './scripts.js';

/** How much of the outbox is kept for resync (config `outbox`, docs/config.md). */
export interface OutboxRetention {
  maxEvents: number;
  maxAgeSeconds: number;
}

export interface RedisLeaseStoreOptions {
  /** Called for each stored entry that cannot be decoded (it is skipped, and counted in `corruptEntries`). */
  onCorrupt?: (where: string, reason: string) => void;
  /** SCAN COUNT hint and HGETALL batch size of `list()`/`count()` (default 1000). */
  scanCount?: number;
  /** `history()` reads at most this many outbox entries, newest first (default 200 000). */
  historyScanLimit?: number;
  /** Transitions per commit-transitions script call (default 64): bounds how long one call holds Redis. */
  transitionsPerCall?: number;
  /** `close()` quits the client (set by `connect()`). */
  ownsClient?: boolean;
  /** `connect()` only: connection errors of its own client (commands fail with DXGW_STORE_UNAVAILABLE anyway). */
  onConnectionError?: (err: Error) => void;
}

const OUTBOX_PAGE = 1000;

type Pipeline = ChainableCommander & LeaseScriptCommands<ChainableCommander>;
type Client = Redis & LeaseScriptCommands<Promise<unknown>>;

export class RedisLeaseStore implements LeaseStore {
  readonly keys: SiteKeys;
  private readonly client: Client;
  private readonly scanCount: number;
  private readonly historyScanLimit: number;
  private readonly transitionsPerCall: number;
  private corrupt = 0;

  /** A store with its own client, quit by `close()`. */
  static connect(url: string, site: string, options: RedisLeaseStoreOptions = {}, redisOptions: RedisOptions = {}): RedisLeaseStore {
    const client = new Redis(url, redisOptions);
    client.on('error', (err: Error) => options.onConnectionError?.(err));
    return new RedisLeaseStore(client, site, { ...options, ownsClient: true });
  }

  constructor(
    redis: Redis,
    readonly site: string,
    private readonly options: RedisLeaseStoreOptions = {},
  ) {
    if (redis.options.keyPrefix) {
      throw new DxgwError('DXGW_CONFIG_INVALID', 'the lease store needs a Redis client without keyPrefix (keys carry their own hash tag)', {
        key: 'redis.keyPrefix',
      });
    }
    this.keys = siteKeys(site);
    defineLeaseScripts(redis);
    this.client = redis as Client;
    this.scanCount = options.scanCount ?? 1000;
    this.historyScanLimit = options.historyScanLimit ?? 200_000;
    this.transitionsPerCall = Math.max(1, Math.floor(options.transitionsPerCall ?? 64));
  }

  /** Stored entries skipped because they could not be decoded (edited by hand, …). */
  get corruptEntries(): number {
    return this.corrupt;
  }

  async get(vr: string, ip: string): Promise<Binding | undefined> {
    const key = this.keys.lease(vr, ip);
    try {
      return this.decode(key, vr, ip, await this.client.hgetall(key));
    } catch (err) {
      if (isWrongType(err)) return this.flag(key, 'not a hash');
      throw storeUnavailable('lease store get', err);
    }
  }

  async findByClient(vr: string, mac: string, clientId: string | null): Promise<Binding | undefined> {
    const pipe = this.client.pipeline();
    if (clientId !== null) pipe.hget(this.keys.clientIdIndex, `${vr}|${clientId}`);
    pipe.hget(this.keys.macIndex, `${vr}|${mac}`);
    const lanes = await this.exec('findByClient', pipe);
    // As in memory: the client-id entry when there is one, else the MAC entry.
    const lane = (lanes as Array<string | null>).find((l) => l !== null);
    return lane ? this.getLane(lane) : undefined;
  }

  async findByInterface(name: string): Promise<Binding | undefined> {
    const lane = await this.run('findByInterface', () => this.client.hget(this.keys.interfaceIndex, name));
    return lane === null ? undefined : this.getLane(lane);
  }

  async list(filter: BindingFilter = {}): Promise<Binding[]> {
    let found: Binding[];
    if (filter.vr !== undefined && filter.ip !== undefined) {
      const b = await this.get(filter.vr, filter.ip);
      found = b ? [b] : [];
    } else if (filter.interfaceName !== undefined) {
      const b = await this.findByInterface(filter.interfaceName);
      found = b ? [b] : [];
    } else {
      found = [];
      // A vr narrows the scan (`<vr>:*` also matches vrs that start with `<vr>:`: filtered below).
      const pattern = filter.vr === undefined ? this.keys.leasePattern : `${this.keys.leasePattern.slice(0, -1)}${globEscape(filter.vr)}:*`;
      await this.scanLeaseKeys(pattern, async (keys) => {
        const pipe = this.client.pipeline();
        for (const key of keys) pipe.hgetall(key);
        const replies = await this.run('list', () => pipe.exec());
        keys.forEach((key, i) => {
          const [err, hash] = replies?.[i] ?? [new Error('no reply')];
          if (err && !isWrongType(err)) throw storeUnavailable('lease store list', err);
          const at = parseLeaseKey(this.keys, key);
          const b = err ? this.flag(key, 'not a hash') : at ? this.decode(key, at.vr, at.ip, hash as Record<string, string>) : this.flag(key, 'unparseable lease key');
          if (b) found.push(b);
        });
      });
    }
    return found.filter((b) => matchesFilter(b, filter)).sort(compareBindings);
  }

  /** Number of lease hashes: a SCAN of the site's lease keys (O(bindings); for ops, not the hot path). */
  async count(): Promise<number> {
    let n = 0;
    await this.scanLeaseKeys(this.keys.leasePattern, async (keys) => {
      n += keys.length;
    });
    return n;
  }

  /**
   * One pipelined round trip: the transitions go in script calls of at most
   * `transitionsPerCall`, each call applying its transitions in order, each atomically. The
   * counters ride with the last call, which adds them when any of its transitions applied;
   * when none of those did but an earlier call's did, they follow in a second round trip (so,
   * as in memory: counted iff some transition of the commit applied).
   */
  async commit(transitions: Transition[], counters: EngineCounter[]): Promise<CommitResult[]> {
    if (transitions.length === 0) return [];
    const counts = countsOf(counters);
    const flatCounts = Object.entries(counts).flat();
    const pipe = this.client.pipeline() as Pipeline;
    const calls: Transition[][] = [];
    for (let at = 0; at < transitions.length; at += this.transitionsPerCall) calls.push(transitions.slice(at, at + this.transitionsPerCall));
    calls.forEach((call, i) => pipe.dxgwLeaseCommit(...this.commitArgs(call, i === calls.length - 1 ? flatCounts : [])));
    const replies = await this.exec('commit', pipe);
    const results: CommitResult[] = [];
    replies.forEach((reply, i) => {
      const call = calls[i]!;
      const perTransition = parseCommitReply(SCRIPTS.commit.file, reply, call.length);
      call.forEach((t, j) => results.push(this.commitResult(t, perTransition[j]!)));
    });
    const lastCall = results.slice(transitions.length - calls[calls.length - 1]!.length);
    if (flatCounts.length > 0 && !lastCall.some((r) => r.ok) && results.some((r) => r.ok)) await this.addCounters(counts);
    return results;
  }

  async addCounters(counts: Record<string, number>): Promise<void> {
    const entries = Object.entries(counts);
    if (entries.length === 0) return;
    const pipe = this.client.pipeline();
    for (const [name, n] of entries) {
      if (!Number.isSafeInteger(n)) throw new TypeError(`counter ${name}: ${n} is not an integer`);
      pipe.hincrby(this.keys.stats, name, n);
    }
    await this.exec('addCounters', pipe);
  }

  /**
   * Bindings by state from the `bindings:<code>` fields the transition scripts keep. A store
   * written before they existed has no `bindings:counted` mark: then the table is counted.
   */
  async bindingsByState(): Promise<Record<BindingState, number>> {
    const states = Object.keys(STATE_CODE) as BindingState[];
    const raw = await this.run('bindingsByState', () => this.client.hmget(this.keys.stats, COUNTED, ...states.map((s) => `bindings:${STATE_CODE[s]}`)));
    if (raw[0] === null) return countStates(await this.list());
    return Object.fromEntries(states.map((s, i) => [s, Math.max(0, Number(raw[i + 1] ?? 0))])) as Record<BindingState, number>;
  }

  /** Sets the by-state fields from the table once (start-up of a store older than them). */
  async countStatesOnce(): Promise<void> {
    if ((await this.run('countStatesOnce', () => this.client.hexists(this.keys.stats, COUNTED))) === 1) return;
    const byState = countStates(await this.list());
    const fields = Object.fromEntries(Object.entries(byState).map(([s, n]) => [`bindings:${STATE_CODE[s as BindingState]}`, n]));
    await this.run('countStatesOnce', () => this.client.hset(this.keys.stats, { ...fields, [COUNTED]: Date.now() }));
  }

  async counters(): Promise<Record<string, number>> {
    const raw = await this.run('counters', () => this.client.hgetall(this.keys.stats));
    return Object.fromEntries(
      Object.entries(raw)
        .filter(([name]) => !name.startsWith('bindings:'))
        .map(([name, v]) => [name, Number(v)] as const)
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  }

  async claimExpired(now: number, limit: number, claimMs: number): Promise<Array<{ vr: string; ip: string }>> {
    if (limit < 1) return [];
    const reply = await this.run('claimExpired', () =>
      this.client.dxgwLeaseClaimExpired(this.keys.expiry, now, Math.floor(limit), now + claimMs),
    );
    const out: Array<{ vr: string; ip: string }> = [];
    for (const lane of parseClaimReply(reply)) {
      const at = parseLane(lane);
      if (at) out.push(at);
      else this.flag(`${this.keys.expiry} ${lane}`, 'timer member is not <vr>|<ip>');
    }
    return out;
  }

  async nextExpiry(): Promise<number | null> {
    const [, score] = await this.run('nextExpiry', () => this.client.zrange(this.keys.expiry, 0, 0, 'WITHSCORES'));
    return score === undefined ? null : Number(score);
  }

  async readOutbox(afterPosition: string, limit: number): Promise<OutboxEntry[]> {
    const out: OutboxEntry[] = [];
    let after = afterPosition;
    while (out.length < limit) {
      const count = limit - out.length;
      const page = await this.run('readOutbox', () => this.client.xrange(this.keys.outbox, `(${after}`, '+', 'COUNT', count));
      for (const [id, fields] of page) {
        const event = this.decodeEntry(id, fields);
        if (event) out.push({ position: id, event: event.event });
      }
      if (page.length < count) break;
      after = page[page.length - 1]![0];
    }
    return out;
  }

  async history(vr: string, ip: string, limit: number): Promise<SubscriberEvent[]> {
    const lane = laneOf(vr, ip);
    const newestFirst: SubscriberEvent[] = [];
    let end = '+';
    let scanned = 0;
    while (newestFirst.length < limit && scanned < this.historyScanLimit) {
      const page = await this.run('history', () => this.client.xrevrange(this.keys.outbox, end, '-', 'COUNT', OUTBOX_PAGE));
      for (const [id, fields] of page) {
        scanned++;
        if (fieldOf(fields, 'lane') !== lane) continue;
        const entry = this.decodeEntry(id, fields);
        if (entry) newestFirst.push(entry.event);
        if (newestFirst.length >= limit) break;
      }
      if (page.length < OUTBOX_PAGE) break;
      end = `(${page[page.length - 1]![0]}`;
    }
    return newestFirst.reverse();
  }

  /**
   * One trim-outbox call (src/leases/lua/trim-outbox-4.lua): removes at most `limit` of the
   * oldest entries that the bridge has moved and that are outside retention (beyond the
   * newest `maxEvents`, or older than `maxAgeSeconds`), with their event id index entries.
   * `requireCheckpoint`: a bridge consumes the outbox, so nothing goes before it has a checkpoint.
   */
  async trimOutbox(retention: OutboxRetention, options: { limit?: number; requireCheckpoint: boolean }): Promise<OutboxTrimResult> {
    const k = this.keys;
    const reply = await this.run('trimOutbox', () =>
      this.client.dxgwOutboxTrim(
        k.outbox,
        k.outboxIds,
        k.bridgeCheckpoint,
        k.outboxTrimmed,
        Math.floor(retention.maxEvents),
        Math.floor(retention.maxAgeSeconds * 1000),
        Math.max(1, Math.floor(options.limit ?? 1000)),
        options.requireCheckpoint ? '1' : '0',
      ),
    );
    return parseTrimReply(reply);
  }

  /** The outbox position of a retained event (O(1): the event id index), or undefined. */
  async eventPosition(eventId: string): Promise<string | undefined> {
    return (await this.run('eventPosition', () => this.client.hget(this.keys.outboxIds, eventId))) ?? undefined;
  }

  async outboxTrimmedThrough(): Promise<string | null> {
    return this.run('outboxTrimmedThrough', () => this.client.get(this.keys.outboxTrimmed));
  }

  /** The oldest and newest retained events, and the newest position ever trimmed (null: nothing trimmed yet). */
  async outboxBounds(): Promise<{ oldest: OutboxEntry | undefined; newest: OutboxEntry | undefined; trimmedThrough: string | null }> {
    const [oldest, last, trimmedThrough] = await Promise.all([
      this.readOutbox('0', 1),
      this.run('outboxBounds', () => this.client.xrevrange(this.keys.outbox, '+', '-', 'COUNT', 1)),
      this.outboxTrimmedThrough(),
    ]);
    const newest = last[0] && this.decodeEntry(last[0][0], last[0][1]);
    return { oldest: oldest[0], newest: newest ? { position: last[0]![0], event: newest.event } : undefined, trimmedThrough };
  }

  async close(): Promise<void> {
    if (!this.options.ownsClient) return;
    await this.client.quit().catch(() => this.client.disconnect());
  }

  // ---------------------------------------------------------------------------------------

  /** numkeys, keys, then the packed batch of one commit-transitions call (see the script's header). */
  private commitArgs(call: Transition[], counters: Array<string | number>): ScriptArg[] {
    const k = this.keys;
    const keys: string[] = [k.macIndex, k.clientIdIndex, k.interfaceIndex, k.expiry, k.seq, k.outbox, k.stats, k.outboxIds];
    const w = new MsgpackWriter();
    w.array(call.length + 1).array(counters.length);
    for (const c of counters) w.str(c);
    for (const t of call) {
      const b = t.binding;
      validateVr(b.vr);
      keys.push(k.lease(b.vr, b.ip));
      if (t.op === 'put') {
        const fields = encodeBinding(b);
        w.array(10).str('p').str(laneOf(b.vr, b.ip)).str(t.expectRev).str(b.vr).str(`${b.vr}|${b.mac}`);
        w.str(b.clientId === null ? '' : `${b.vr}|${b.clientId}`).str(b.interfaceName ?? '').str(b.expiresAt === null ? '' : b.expiresAt);
        w.array(fields.length);
        for (const f of fields) w.str(f);
      } else {
        w.array(5).str('d').str(laneOf(b.vr, b.ip)).str(t.expectRev).str(b.vr);
      }
      w.array(t.events.length * 2);
      for (const draft of t.events) w.str(draft.sessionId).str(JSON.stringify(draft));
    }
    return [keys.length, ...keys, w.bytes()];
  }

  private commitResult(t: Transition, reply: TransitionReply): CommitResult {
    switch (reply.status) {
      case 'applied':
        if (reply.seqs.length !== t.events.length) throw new DxgwError('DXGW_STORE_UNAVAILABLE', 'script returned a wrong number of seqs');
        return { ok: true, events: t.events.map((draft, i) => stampEvent(draft, this.site, reply.seqs[i]!)) };
      case 'conflict':
        return { ok: false, error: 'conflict' };
      case 'interface-taken':
        return { ok: false, error: 'interface-taken' };
    }
  }

  private async getLane(lane: string): Promise<Binding | undefined> {
    const at = parseLane(lane);
    if (!at) {
      this.flag(lane, 'index value is not <vr>|<ip>');
      return undefined;
    }
    return this.get(at.vr, at.ip);
  }

  private decode(key: string, vr: string, ip: string, hash: Record<string, string>): Binding | undefined {
    if (Object.keys(hash).length === 0) return undefined;
    const r = decodeBinding(vr, ip, hash);
    return r.ok ? r.binding : this.flag(key, r.reason);
  }

  private decodeEntry(id: string, fields: string[]): { event: SubscriberEvent } | undefined {
    const seq = Number(fieldOf(fields, 'seq'));
    const body = fieldOf(fields, 'body');
    if (!Number.isSafeInteger(seq) || body === undefined) return this.flag(`${this.keys.outbox} ${id}`, 'outbox entry without seq or body');
    let draft: EventDraft;
    try {
      draft = JSON.parse(body) as EventDraft;
      return { event: stampEvent(draft, this.site, seq) };
    } catch {
      return this.flag(`${this.keys.outbox} ${id}`, 'outbox body is not an event draft');
    }
  }

  private flag(where: string, reason: string): undefined {
    this.corrupt++;
    this.options.onCorrupt?.(where, reason);
    return undefined;
  }

  private async scanLeaseKeys(pattern: string, onBatch: (keys: string[]) => Promise<void>): Promise<void> {
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.run('scan', () => this.client.scan(cursor, 'MATCH', pattern, 'COUNT', this.scanCount));
      cursor = next;
      // SCAN may return a key twice (while the keyspace rehashes).
      const fresh = keys.filter((k) => !seen.has(k) && (seen.add(k), true));
      if (fresh.length > 0) await onBatch(fresh);
    } while (cursor !== '0');
  }

  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw storeUnavailable(`lease store ${what}`, err);
    }
  }

  /** Executes a pipeline; any command error fails the whole call (DXGW_STORE_UNAVAILABLE). */
  private async exec(what: string, pipe: ChainableCommander): Promise<unknown[]> {
    const replies = await this.run(what, () => pipe.exec());
    if (replies === null) throw storeUnavailable(`lease store ${what}`, new Error('pipeline discarded'));
    return replies.map(([err, reply]) => {
      if (err) throw storeUnavailable(`lease store ${what}`, err);
      return reply;
    });
  }
}

const isWrongType = (err: unknown): boolean => err instanceof Error && err.message.startsWith('WRONGTYPE');

function countsOf(counters: EngineCounter[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of counters) out[c] = (out[c] ?? 0) + 1;
  return out;
}

function fieldOf(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

const COUNTED = 'bindings:counted';

function countStates(bindings: Binding[]): Record<BindingState, number> {
  const byState: Record<BindingState, number> = { bound: 0, active: 0, denied: 0 };
  for (const b of bindings) byState[b.state]++;
  return byState;
}
