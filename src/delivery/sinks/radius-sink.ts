/**
 * RADIUS accounting sink (RFC 2866, DESIGN §3): address-added → Start, address-renewed →
 * Interim-Update (when `interim`), address-deleted → Stop; Accounting-On at start() and
 * Accounting-Off at stop() only when the store holds none of this NAS's sessions
 * (radius-announcements.ts). Attributes: radius-attributes.ts; wire rules: src/radius/.
 *
 * Only silence is retryable: RFC 2866 has no negative Accounting-Response, so a record is
 * delivered once a server acknowledges it, and fails (retryably) when none does.
 */
import { createHash } from 'node:crypto';
import type { RadiusSinkConfig } from '../../config/schema-sinks.js';
import type { EventType, SubscriberEvent } from '../../events/event.js';
import {
  RadiusAccountingClient,
  RadiusClosedError,
  RadiusConfigError,
  RadiusEncodeError,
  RadiusTimeoutError,
  onAbort,
  zeroCounters,
  type RadiusAttribute,
  type RadiusCounters,
} from '../../radius/index.js';
import { PermanentDeliveryError, RetryableDeliveryError, type DeliveryAttempt, type Sink } from '../sink.js';
import type { NasAnnouncements } from './radius-announcements.js';
import { accountingAttributes, isAccountingEvent, nasAttributes } from './radius-attributes.js';

export interface RadiusSinkOptions {
  /** Per transmission (default 3000 ms). */
  timeoutMs?: number;
  /** Retransmissions per server (default 2). */
  retries?: number;
  /** Try a server that just failed a whole record last for this long (default 0). */
  deadTimeMs?: number;
  /** Local address of the UDP socket (default 0.0.0.0). */
  bindAddress?: string;
  /** Ever send Accounting-On/Off (default true; docs/radius.md says when not to). */
  accountingOnOff?: boolean;
  /**
   * The store's word on whether an Accounting-On/Off may go out. Without it (tests, tools)
   * the sink announces at every start() and never sends Accounting-Off.
   */
  announcements?: NasAnnouncements;
  now?: () => number;
}

const seconds = (ms: number): number => (Number.isFinite(ms) ? Math.max(0, Math.floor(ms / 1000)) : 0);

export class RadiusSink implements Sink {
  readonly type = 'radius' as const;
  readonly name: string;
  readonly events: ReadonlySet<EventType>;
  private readonly client: RadiusAccountingClient | undefined;
  private readonly configError: RadiusConfigError | undefined;
  private readonly now: () => number;
  private startedAt: number | undefined;
  private nasSessionId = '';
  /** Accounting-On still owed (or still to be decided): settled before the next record, so a server never sees a Start before it. */
  private onPending = false;
  /** The server acknowledged this run's Accounting-On; only the store's marker may still be owed. */
  private onSent = false;
  private onInFlight: Promise<void> | undefined;
  private stopped = false;

  /** Never throws: a configuration that cannot work fails every delivery permanently instead. */
  constructor(
    private readonly config: RadiusSinkConfig,
    private readonly options: RadiusSinkOptions = {},
  ) {
    this.name = config.name;
    this.now = options.now ?? Date.now;
    // The accounting events the config asks for (all three when `events` was left out).
    this.events = new Set(
      (config.events ?? ['address-added', 'address-renewed', 'address-deleted']).filter(
        (t) => isAccountingEvent(t) && (t !== 'address-renewed' || config.interim !== false),
      ),
    );
    try {
      this.client = new RadiusAccountingClient({ ...options, servers: config.servers, now: this.now });
    } catch (err) {
      if (!(err instanceof RadiusConfigError)) throw err;
      this.configError = err;
    }
  }

  /** Counters for metrics (all zero when the configuration is unusable). */
  get counters(): Readonly<RadiusCounters> {
    return this.client?.counters ?? zeroCounters();
  }

  /**
   * Opens the socket and, when the store holds none of this NAS's sessions, sends
   * Accounting-On; on failure it stays owed and goes out before the next record.
   */
  async start(): Promise<void> {
    const client = this.usableClient();
    this.startedAt = this.now();
    this.nasSessionId = createHash('sha256')
      .update(`${this.name}\0${this.config.nasIdentifier}\0${this.config.nasIp}\0${this.startedAt}`)
      .digest('hex')
      .slice(0, 16);
    this.onPending = this.options.accountingOnOff !== false;
    this.onSent = false;
    await this.guard(client.open());
    await this.accountingOn();
  }

  /**
   * Sends Accounting-Off (after a start()) when the store holds no binding any more, then
   * closes the socket whatever happened. Bindings outlive the stop: while any remains, an
   * Off would end at the server sessions whose Interims and Stops follow the restart.
   */
  async stop(): Promise<void> {
    if (!this.client || this.stopped) return;
    this.stopped = true;
    try {
      const store = this.options.announcements;
      if (this.startedAt !== undefined && this.options.accountingOnOff !== false && store && !(await store.holdsSessions())) {
        await this.send(nasAttributes('Accounting-Off', this.config, this.nasSessionId, this.now()), 0);
      }
    } finally {
      await this.client.close();
    }
  }

  async deliver(event: SubscriberEvent, attempt: DeliveryAttempt): Promise<void> {
    if (!isAccountingEvent(event.type)) return; // interface-* events are not accounting
    if (event.type === 'address-renewed' && this.config.interim === false) return;
    this.usableClient();
    const attributes = this.guardSync(() => accountingAttributes(event, this.config));
    if (this.onPending) await abortable(this.accountingOn(), attempt.signal);
    // A later job attempt says how long the record has waited since the event (RFC 2866 §5.2).
    const delay = attempt.attempt > 1 ? seconds(this.now() - Date.parse(event.time)) : 0;
    await this.send(attributes, delay, attempt.signal);
  }

  /** One Accounting-On decision at a time, however many deliveries wait for it. */
  private accountingOn(): Promise<void> {
    if (!this.onPending) return Promise.resolve();
    this.onInFlight ??= this.announce().finally(() => {
      this.onInFlight = undefined;
    });
    return this.onInFlight;
  }

  /** Accounting-On unless the store says this NAS announced itself into it; then the marker. */
  private async announce(): Promise<void> {
    const store = this.options.announcements;
    if (!this.onSent) {
      if (store && (await this.guard(store.announced()))) {
        this.onPending = false;
        return;
      }
      const startedAt = this.startedAt ?? this.now();
      await this.send(nasAttributes('Accounting-On', this.config, this.nasSessionId, startedAt), seconds(this.now() - startedAt));
      this.onSent = true;
    }
    // Written only after the server acknowledged: a crash before it announces again (harmless: no Start went out yet).
    if (store) await this.guard(store.recordAnnounced(this.nasSessionId, this.now()));
    this.onPending = false;
  }

  private async send(attributes: RadiusAttribute[], delaySeconds: number, signal?: AbortSignal): Promise<void> {
    const client = this.usableClient();
    await this.guard(client.send({ attributes, delaySeconds, ...(signal ? { signal } : {}) }), signal);
  }

  private usableClient(): RadiusAccountingClient {
    if (!this.client) throw new PermanentDeliveryError(`RADIUS sink ${this.name}: ${this.configError!.message}`, 'DXGW_RADIUS_CONFIG');
    return this.client;
  }

  private async guard<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await work;
    } catch (err) {
      throw this.deliveryError(err, signal);
    }
  }

  private guardSync<T>(work: () => T): T {
    try {
      return work();
    } catch (err) {
      throw this.deliveryError(err);
    }
  }

  /** Silence, shutdown and local hiccups are retryable; what no retry can fix is permanent. */
  private deliveryError(err: unknown, signal?: AbortSignal): Error {
    if (err instanceof PermanentDeliveryError || err instanceof RetryableDeliveryError) return err;
    const prefix = `RADIUS sink ${this.name}`;
    if (err instanceof RadiusTimeoutError) return new RetryableDeliveryError(`${prefix}: ${err.message}`, 'DXGW_RADIUS_TIMEOUT');
    if (err instanceof RadiusConfigError) return new PermanentDeliveryError(`${prefix}: ${err.message}`, 'DXGW_RADIUS_CONFIG');
    if (err instanceof RadiusEncodeError) return new PermanentDeliveryError(`${prefix}: ${err.message}`, 'DXGW_RADIUS_ENCODE');
    if (err instanceof RadiusClosedError) return new RetryableDeliveryError(`${prefix}: the sink is stopping`, 'DXGW_RADIUS_CLOSED');
    if (signal?.aborted) return new RetryableDeliveryError(`${prefix}: attempt aborted`, 'DXGW_RADIUS_ABORTED');
    return new RetryableDeliveryError(`${prefix}: ${(err as Error)?.message ?? String(err)}`, 'DXGW_RADIUS_ERROR');
  }
}

/** `work`, or a rejection as soon as `signal` aborts (the shared work itself runs on). */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new RetryableDeliveryError('attempt aborted', 'DXGW_RADIUS_ABORTED'));
  return new Promise<T>((resolve, reject) => {
    const unsubscribe = onAbort(signal, () => reject(new RetryableDeliveryError('attempt aborted', 'DXGW_RADIUS_ABORTED')));
    work.then(resolve, reject).finally(unsubscribe);
  });
}
