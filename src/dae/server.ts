/**
 * The RFC 5176 Dynamic Authorization server (DESIGN §3 "Inbound RFC 5176"): one UDP socket,
 * a secret per client address, requests from anyone else dropped unanswered. Every datagram
 * goes: source check → shape → authenticators → duplicate cache → attributes → session →
 * clear (Disconnect) or change (CoA) → signed ACK/NAK. Drops are counted and logged, never
 * answered (an answer would confirm a guessed secret); nothing a datagram holds can throw
 * out of the handler.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP, type AddressInfo } from 'node:net';
import type { DxgwConfig } from '../config/schema.js';
import { parseListen } from '../config/listen.js';
import { DxgwError } from '../errors/codes.js';
import type { EngineConfig } from '../leases/engine.js';
import type { LeaseStore } from '../leases/store.js';
import { buildAnswer } from './answer.js';
import { readAttributes } from './attributes.js';
import { verifyRequest } from './auth.js';
import type { ApplyChange } from './coa.js';
import { zeroDaeCounters, type DaeCounters, type DropReason } from './counters.js';
import { DuplicateCache, type DuplicateKey } from './duplicates.js';
import { handle, type HandlerContext, type Outcome } from './handler.js';
import { LogThrottle } from './log-throttle.js';
import { parseRequest, type DaeRequest } from './packet.js';
import { ERROR_CAUSE } from './protocol.js';

export type DaeConfig = DxgwConfig['dae'];
export type DaeLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface DaeServerOptions {
  config: DaeConfig;
  store: LeaseStore;
  engine: EngineConfig;
  /** This NAS as accounting names it (the RADIUS sink's nasIdentifier and nasIp). */
  nas: { identifier?: string; ip?: string };
  onLog?(level: DaeLogLevel, message: string, fields: Record<string, unknown>): void;
  /** The capture's virtual router: turns address look-ups into direct gets. Omitted: any. */
  vr?: string;
  /** Applies a CoA change; omitted (the engine has no change observation yet): CoA-NAK 405. */
  applyChange?: ApplyChange;
  /** The CoA attribute that carries a new interface profile (e.g. 'ERX-Service-Bundle'). */
  profileAttribute?: string;
  /** RFC 5176 §3.5 replay window for Event-Timestamp, seconds (default 300; 0 = not checked). */
  eventTimestampWindowSec?: number;
  /** How long an answer is replayed to a retransmission (default 30 s). */
  duplicateWindowMs?: number;
  clock?: () => number;
}

export interface DaeServer {
  address(): AddressInfo;
  readonly counters: DaeCounters;
  stop(): Promise<void>;
}

const REQUEST_NAME = { disconnect: 'Disconnect-Request', coa: 'CoA-Request' } as const;
const ACK_NAME = { disconnect: 'Disconnect-ACK', coa: 'CoA-ACK' } as const;

/** `::ffff:192.0.2.1` (an IPv4 peer on a dual-stack socket) → `192.0.2.1`. */
const plainAddress = (address: string): string => (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

class Dae implements DaeServer {
  readonly counters = zeroDaeCounters();
  private readonly secrets = new Map<string, string>();
  private readonly duplicates: DuplicateCache;
  private readonly throttle: LogThrottle;
  private readonly context: HandlerContext;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly clock: () => number;

  constructor(
    private readonly socket: Socket,
    private readonly options: DaeServerOptions,
    listenHost: string,
  ) {
    for (const c of options.config.clients) if (!this.secrets.has(c.address)) this.secrets.set(c.address, c.secret);
    this.clock = options.clock ?? Date.now;
    this.duplicates = new DuplicateCache(options.duplicateWindowMs ?? 30_000, 10_000, this.clock);
    this.throttle = new LogThrottle(10_000, this.clock);
    const ownIps = new Set<string>();
    if (options.nas.ip) ownIps.add(options.nas.ip);
    if (isIP(listenHost) === 4 && listenHost !== '0.0.0.0') ownIps.add(listenHost);
    this.context = {
      store: options.store,
      engine: options.engine,
      nas: options.nas,
      ownIps,
      clock: this.clock,
      ...(options.vr === undefined ? {} : { vr: options.vr }),
      ...(options.applyChange ? { applyChange: options.applyChange } : {}),
      ...(options.profileAttribute === undefined ? {} : { profileAttribute: options.profileAttribute }),
    };
    socket.on('message', (datagram, from) => this.track(this.receive(datagram, from)));
    socket.on('error', (error) => this.log('error', 'DAE socket error', { err: error.message }));
  }

  address(): AddressInfo {
    return this.socket.address();
  }

  private stopped: Promise<void> | undefined;

  /** Stops taking requests, lets those in flight answer, closes the socket. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.socket.removeAllListeners('message');
      await Promise.allSettled([...this.inFlight]);
      await new Promise<void>((resolve) => this.socket.close(() => resolve()));
    })();
    return this.stopped;
  }

  private track(work: Promise<void>): void {
    const p = work.catch((error: unknown) => this.log('error', 'DAE request failed', { err: (error as Error).message }));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private log(level: DaeLogLevel, message: string, fields: Record<string, unknown>): void {
    try {
      this.options.onLog?.(level, message, fields);
    } catch {
      // A failing logger must not take the request down with it.
    }
  }

  private drop(reason: DropReason, from: string, detail: string, level: DaeLogLevel = 'warn'): void {
    this.counters.dropped[reason]++;
    const suppressed = level === 'debug' ? 0 : this.throttle.admit(`${from}|${reason}`);
    if (suppressed !== undefined) this.log(level, `DAE request dropped: ${reason}`, { client: from, reason, detail, ...(suppressed ? { suppressed } : {}) });
  }

  private async receive(datagram: Buffer, from: RemoteInfo): Promise<void> {
    this.counters.datagrams++;
    const source = plainAddress(from.address);
    const secret = this.secrets.get(source);
    if (secret === undefined) return this.drop('unknown-client', source, `${source} is not in dae.clients`);
    const parsed = parseRequest(datagram);
    if (!parsed.ok) return this.drop(parsed.reason, source, parsed.detail);
    const request = parsed.request;
    const auth = verifyRequest(request, secret);
    if (!auth.ok) return this.drop(auth.reason, source, `identifier ${request.identifier}: wrong secret or forged request`);

    const key: DuplicateKey = { address: source, port: from.port, identifier: request.identifier, authenticator: request.authenticator };
    const earlier = this.duplicates.get(key);
    if (earlier) {
      this.counters.duplicates++;
      this.log('debug', 'DAE retransmission answered from cache', { client: source, identifier: request.identifier });
      const answer = await earlier;
      if (answer) this.send(answer, from);
      return;
    }
    this.counters.requests[REQUEST_NAME[request.kind]]++;
    const answer = this.answer(request, secret, source);
    // A failed answer (a bug: handle() turns store errors into NAKs) replays as silence.
    this.duplicates.set(key, answer.then((a) => a?.packet, () => undefined));
    const done = await answer;
    if (done?.transient) this.duplicates.delete(key);
    if (done) this.send(done.packet, from);
  }

  /** The signed answer, or undefined for a request dropped after authentication. */
  private async answer(request: DaeRequest, secret: string, source: string): Promise<{ packet: Buffer; transient: boolean } | undefined> {
    const read = readAttributes(request.kind, request.attributes);
    let outcome: Outcome;
    if (!read.ok) outcome = { ack: false, cause: read.cause, detail: read.detail };
    else {
      const window = this.options.eventTimestampWindowSec ?? 300;
      const ts = read.request.eventTimestamp;
      if (window > 0 && ts !== undefined && Math.abs(this.clock() / 1000 - ts) > window) {
        this.drop('stale-timestamp', source, `Event-Timestamp ${ts} outside ±${window} s`);
        return undefined;
      }
      outcome = await handle(request.kind, read.request, this.context);
    }
    const fields = {
      client: source,
      request: REQUEST_NAME[request.kind],
      identifier: request.identifier,
      ...(outcome.session ? { sessionId: outcome.session.sessionId, vr: outcome.session.vr, ip: outcome.session.ip, mac: outcome.session.mac } : {}),
      detail: outcome.detail,
    };
    if (outcome.ack) {
      this.counters.acks[ACK_NAME[request.kind]]++;
      this.log('info', ACK_NAME[request.kind], fields);
      return { packet: buildAnswer(request, secret), transient: false };
    }
    this.counters.naks[outcome.cause] = (this.counters.naks[outcome.cause] ?? 0) + 1;
    const level = outcome.cause === ERROR_CAUSE.RESOURCES_UNAVAILABLE ? 'error' : 'info';
    this.log(level, `${request.kind === 'disconnect' ? 'Disconnect' : 'CoA'}-NAK ${outcome.cause}`, { ...fields, errorCause: outcome.cause });
    return { packet: buildAnswer(request, secret, outcome.cause), transient: outcome.transient === true };
  }

  private send(packet: Buffer, to: RemoteInfo): void {
    try {
      this.socket.send(packet, to.port, to.address, (error) => {
        if (error) this.drop('send-error', plainAddress(to.address), error.message, 'error');
      });
    } catch (error) {
      this.drop('send-error', plainAddress(to.address), (error as Error).message, 'error');
    }
  }
}

/** Binds `config.listen` and answers until stop(). A port in use or an address not local is a DxgwError. */
export async function startDaeServer(options: DaeServerOptions): Promise<DaeServer> {
  const listen = parseListen(options.config.listen);
  if (!listen) throw new DxgwError('DXGW_CONFIG_INVALID', `dae.listen ${JSON.stringify(options.config.listen)} is not host:port`, { key: 'dae.listen' });
  const socket = createSocket({ type: isIP(listen.host) === 6 ? 'udp6' : 'udp4' });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(listen.port, listen.host, () => {
      socket.off('error', reject);
      resolve();
    });
  }).catch((error: NodeJS.ErrnoException) => {
    try {
      socket.close();
    } catch {
      // already closed by the failed bind
    }
    const code = error.code === 'EADDRINUSE' ? 'DXGW_RUN_PORT_IN_USE' : 'DXGW_DAE_BIND_FAILED';
    throw new DxgwError(code, `dae.listen ${options.config.listen}: ${error.message}`, { key: 'dae.listen', cause: error });
  });
  return new Dae(socket, options, listen.host);
}
