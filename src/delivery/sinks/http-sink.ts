/**
 * SAE/SRC-style HTTP sink: POSTs each event as JSON, signed (HMAC-SHA256 over
 * `<timestamp>.<body>`), with the event id as idempotency key (docs/notifications.md says how
 * a receiver verifies). 2xx = delivered; 408, 429, 5xx, timeouts and network errors are
 * retried (honouring Retry-After); any other status is permanent.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { errors as undiciErrors, Pool } from 'undici';
import type { HttpSinkConfig } from '../../config/schema-sinks.js';
import type { EventType, SubscriberEvent } from '../../events/event.js';
import { PermanentDeliveryError, RetryableDeliveryError, type DeliveryAttempt, type Sink } from '../sink.js';

export const SIGNATURE_HEADER = 'x-dxgw-signature';
export const TIMESTAMP_HEADER = 'x-dxgw-timestamp';

/** `sha256=<hex>` of HMAC-SHA256(secret, `<timestamp>.<body>`). */
export function signBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class HttpSink implements Sink {
  readonly type = 'http' as const;
  readonly name: string;
  readonly events: ReadonlySet<EventType>;
  readonly concurrency: number;
  readonly batch?: { maxEvents: number; maxDelayMs: number };
  private readonly url: URL;
  private readonly configError: string | undefined;
  /** Own keep-alive pool, one connection per delivery in flight (undici: far less CPU per request than node:http). */
  private readonly pool: Pool;
  private readonly path: string;

  constructor(private readonly config: HttpSinkConfig) {
    this.name = config.name;
    this.events = new Set(config.events);
    this.concurrency = config.concurrency ?? 16;
    if (config.batch) this.batch = config.batch;
    this.url = new URL(config.url);
    let ca: Buffer | undefined;
    let configError: string | undefined;
    if (config.caFile) {
      try {
        ca = readFileSync(config.caFile);
      } catch (error) {
        // A CA file that cannot be read will not fix itself by retrying: every delivery fails permanently.
        configError = `sinks.${config.name}.caFile: cannot read ${config.caFile}: ${(error as Error).message}`;
      }
    }
    this.configError = configError;
    this.path = `${this.url.pathname}${this.url.search}`;
    this.pool = new Pool(this.url.origin, { connections: this.concurrency, ...(ca ? { connect: { ca } } : {}) });
  }

  async stop(): Promise<void> {
    await this.pool.close().catch(() => undefined);
  }

  async deliver(event: SubscriberEvent, attempt: DeliveryAttempt): Promise<void> {
    await this.send(JSON.stringify(event), { 'idempotency-key': event.id, 'x-dxgw-event-id': event.id, 'x-dxgw-event-type': event.type }, attempt);
  }

  /**
   * Batch mode: a JSON array of events, one subscriber's events in order. The request's
   * idempotency key names the batch; each event keeps its own id (docs/notifications.md).
   */
  async deliverBatch(events: readonly SubscriberEvent[], attempt: DeliveryAttempt): Promise<void> {
    const key = attempt.jobId ?? events[0]!.id;
    await this.send(JSON.stringify(events), { 'idempotency-key': key, 'x-dxgw-batch-id': key, 'x-dxgw-event-count': String(events.length) }, attempt);
  }

  private async send(body: string, extra: Record<string, string>, attempt: DeliveryAttempt): Promise<void> {
    if (this.configError) throw new PermanentDeliveryError(this.configError, 'DXGW_HTTP_CONFIG');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      ...extra,
      'x-dxgw-attempt': String(attempt.attempt),
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signBody(this.config.secret, timestamp, body),
    };
    const { status, retryAfter } = await this.post(body, headers, attempt.signal);
    if (status >= 200 && status < 300) return;
    const detail = `HTTP ${status} from ${this.url.origin}${this.url.pathname}`;
    if (status === 408 || status === 429 || status >= 500) {
      throw new RetryableDeliveryError(detail, `DXGW_HTTP_${status}`, retryAfterMs(retryAfter));
    }
    throw new PermanentDeliveryError(detail, `DXGW_HTTP_${status}`);
  }

  private async post(body: string, headers: Record<string, string>, signal: AbortSignal): Promise<{ status: number; retryAfter: string | string[] | undefined }> {
    try {
      // The attempt's signal is this job's own (worker.ts): undici's listener on it goes with the request.
      const response = await this.pool.request({ path: this.path, method: 'POST', headers, body, signal, headersTimeout: this.config.timeoutMs, bodyTimeout: this.config.timeoutMs });
      // Drain the body: the answer is in the status; the connection is reused after it.
      await response.body.dump();
      return { status: response.statusCode, retryAfter: response.headers['retry-after'] };
    } catch (error) {
      const timedOut = error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError;
      const why = timedOut ? `no answer within ${this.config.timeoutMs} ms` : causeOf(error);
      throw new RetryableDeliveryError(`POST ${this.url.origin}${this.url.pathname}: ${why}`, timedOut ? 'DXGW_HTTP_TIMEOUT' : 'DXGW_HTTP_UNREACHABLE');
    }
  }
}

/** ECONNREFUSED and the like, wherever undici put it. */
function causeOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  return e.code && !e.code.startsWith('UND_ERR') ? e.code : e.cause?.code ?? e.code ?? e.message ?? String(error);
}
