/**
 * SAE/SRC-style HTTP sink: POSTs each event as JSON, signed (HMAC-SHA256 over
 * `<timestamp>.<body>`), with the event id as idempotency key (docs/notifications.md says how
 * a receiver verifies). 2xx = delivered; 408, 429, 5xx, timeouts and network errors are
 * retried (honouring Retry-After); any other status is permanent.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { HttpSinkConfig } from '../../config/schema-sinks.js';
import type { EventType, SubscriberEvent } from '../../events/event.js';
import { PermanentDeliveryError, RetryableDeliveryError, type DeliveryAttempt, type Sink } from '../sink.js';

export const SIGNATURE_HEADER = 'x-dxgw-signature';
export const TIMESTAMP_HEADER = 'x-dxgw-timestamp';

/** `sha256=<hex>` of HMAC-SHA256(secret, `<timestamp>.<body>`). */
export function signBody(secret: string, timestamp: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
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
  private readonly ca: Buffer | undefined;
  private readonly configError: string | undefined;
  /** Own keep-alive pool, one socket per delivery in flight: no connection set-up per event. */
  private readonly agent: HttpAgent;

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
    this.ca = ca;
    this.configError = configError;
    const pool = { keepAlive: true, maxSockets: this.concurrency, maxFreeSockets: this.concurrency, scheduling: 'lifo' as const };
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent({ ...pool, ...(ca ? { ca } : {}) }) : new HttpAgent(pool);
  }

  async stop(): Promise<void> {
    this.agent.destroy();
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
    const response = await this.post(body, headers, attempt.signal);
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) return;
    const detail = `HTTP ${status} from ${this.url.origin}${this.url.pathname}`;
    if (status === 408 || status === 429 || status >= 500) {
      throw new RetryableDeliveryError(detail, `DXGW_HTTP_${status}`, retryAfterMs(response.headers['retry-after']));
    }
    throw new PermanentDeliveryError(detail, `DXGW_HTTP_${status}`);
  }

  private post(body: string, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const req = send(this.url, { method: 'POST', headers, agent: this.agent }, (res) => {
        // Drain the body: the answer is in the status; keep-alive sockets need it read.
        res.resume();
        res.on('end', () => resolve(res));
        res.on('error', reject);
      });
      // Timer and shutdown listener are this request's own, and go with it.
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(new Error('timeout'));
      }, this.config.timeoutMs);
      const abort = () => req.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
      req.on('close', () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', abort);
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        const why = timedOut ? `no answer within ${this.config.timeoutMs} ms` : error.code ?? error.message;
        reject(new RetryableDeliveryError(`POST ${this.url.origin}${this.url.pathname}: ${why}`, timedOut ? 'DXGW_HTTP_TIMEOUT' : 'DXGW_HTTP_UNREACHABLE'));
      });
      req.end(body);
    });
  }
}
