/**
 * RADIUS accounting client (RFC 2866), one connected UDP socket per server: the kernel then
 * delivers only that server's datagrams, and a send needs no per-packet address (about
 * half the CPU of an unconnected send; bench/radius.mjs).
 *
 * One record is sent to the configured servers in order (skipping, until tried last, a
 * server that recently failed a whole record when deadTimeMs is set). Each server gets
 * 1 + `retries` transmissions, `timeoutMs` apart. Every retransmission is a new packet:
 * Acct-Delay-Time grows (RFC 2866 §5.2: the record changed, so it needs a new Identifier
 * and Request Authenticator; otherwise servers may discard it as a duplicate). Identifiers
 * of earlier transmissions stay reserved until the record settles, and a verified answer
 * to any of them ends the record: the server did record that version.
 *
 * A datagram is accepted only if it comes from a server's address and port, is a
 * well-formed Accounting-Response for an outstanding Identifier of that server, and its
 * Response Authenticator verifies byte for byte. Everything else is counted and dropped;
 * the record keeps waiting and retransmitting.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { onAbort } from './abort-hub.js';
import { verifyResponseAuthenticator } from './authenticator.js';
import { CODE_ACCOUNTING_RESPONSE, encodeAccountingRequest, type RadiusAttribute } from './codec.js';
import { zeroCounters, type RadiusCounters } from './counters.js';
import { RadiusClosedError, RadiusTimeoutError } from './errors.js';
import { checkResponse } from './response.js';
import { resolveServers, serverStates, type RadiusServerConfig, type ServerState } from './servers.js';

export type { RadiusServerConfig } from './servers.js';

export interface RadiusClientOptions {
  /** In order of preference. */
  servers: readonly RadiusServerConfig[];
  /** Wait for an answer to each transmission (default 3000 ms, JunosE's default). */
  timeoutMs?: number;
  /** Retransmissions per server after the first transmission (default 2). */
  retries?: number;
  /** After a server failed a whole record, try it last for this long (default 0: always in order). */
  deadTimeMs?: number;
  /** Local address of the socket (default 0.0.0.0; the port is always ephemeral). */
  bindAddress?: string;
  now?: () => number;
}

export interface AccountingRequest {
  /** Everything but Acct-Delay-Time, which the client adds to each transmission. */
  attributes: readonly RadiusAttribute[];
  /** Acct-Delay-Time of the first transmission (s): how long the record already waited. */
  delaySeconds?: number;
  signal?: AbortSignal;
}

export interface AccountingResult {
  /** `host:port` of the server that answered. */
  server: string;
  /** Identifier of the transmission answered. */
  identifier: number;
  transmissions: number;
  /** Acct-Delay-Time of the last transmission. */
  delaySeconds: number;
}

const MAX_DELAY = 0xffffffff;
const clampDelay = (s: number): number => Math.min(MAX_DELAY, Math.max(0, Math.floor(s)));

export class RadiusAccountingClient {
  private readonly servers: ServerState[];
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly deadTimeMs: number;
  private readonly now: () => number;
  private readonly stats = zeroCounters();
  /** Wakes every waiting record when the client closes. */
  private readonly waiting = new Set<() => void>();
  private sockets: Socket[] = [];
  private opening: Promise<void> | undefined;
  private closed = false;

  /** Throws RadiusConfigError for a configuration that cannot work. */
  constructor(private readonly options: RadiusClientOptions) {
    this.servers = serverStates(options.servers);
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.retries = options.retries ?? 2;
    this.deadTimeMs = options.deadTimeMs ?? 0;
    this.now = options.now ?? Date.now;
  }

  /** A snapshot of the counters. */
  get counters(): Readonly<RadiusCounters> {
    return { ...this.stats };
  }

  /** Resolves server names and opens the sockets; send() does it on first use. Idempotent. */
  open(): Promise<void> {
    if (this.closed) return Promise.reject(new RadiusClosedError());
    this.opening ??= this.bind().catch((err: unknown) => {
      this.opening = undefined; // a later send() tries again
      throw err;
    });
    return this.opening;
  }

  private async bind(): Promise<void> {
    await resolveServers(this.servers);
    const opened: Socket[] = [];
    try {
      for (const server of this.servers) opened.push(await this.connect(server));
    } catch (err) {
      await Promise.all(opened.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
      throw err;
    }
    this.sockets = opened;
    for (const [i, server] of this.servers.entries()) server.socket = opened[i];
  }

  private async connect(server: ServerState): Promise<Socket> {
    const socket = createSocket('udp4');
    socket.on('message', (msg, rinfo) => this.receive(server, msg, rinfo));
    // Asynchronous socket errors (ICMP port unreachable on a connected socket) must not crash the process.
    socket.on('error', () => this.stats.sendErrors++);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: this.options.bindAddress ?? '0.0.0.0', port: 0 }, () => {
        socket.connect(server.config.port, server.address!, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    }).catch((err: unknown) => {
      socket.close();
      throw err;
    });
    socket.unref(); // pending records hold timers; an idle client keeps nobody alive
    return socket;
  }

  /** Sends one accounting record; resolves on a verified Accounting-Response, throws RadiusTimeoutError when no server answers. */
  async send(request: AccountingRequest): Promise<AccountingResult> {
    const { signal } = request;
    signal?.throwIfAborted();
    await this.open();
    this.stats.requests++;
    const started = this.now();
    const base = clampDelay(request.delaySeconds ?? 0);
    const held: Array<[ServerState, number]> = [];
    let answer: { server: ServerState; identifier: number } | undefined;
    let wake: (() => void) | undefined;
    const wakeUp = (): void => wake?.();
    this.waiting.add(wakeUp);
    let delay = base;
    let transmissions = 0;
    try {
      const order = this.serverOrder();
      for (const [index, server] of order.entries()) {
        for (let i = 0; i <= this.retries && !answer; i++) {
          const identifier = await server.ids.acquire(signal);
          held.push([server, identifier]);
          if (this.closed) throw new RadiusClosedError();
          if (answer) break; // an earlier transmission was answered while we waited for an identifier
          if (transmissions > 0) delay = Math.min(MAX_DELAY, Math.max(delay + 1, base + Math.floor((this.now() - started) / 1000)));
          const packet = encodeAccountingRequest(identifier, server.config.secret, [...request.attributes, { name: 'Acct-Delay-Time', value: delay }]);
          server.outstanding.set(identifier, {
            authenticator: packet.subarray(4, 20),
            settle: (id) => {
              answer ??= { server, identifier: id };
              wake?.();
            },
          });
          this.transmit(server, packet);
          transmissions++;
          this.stats.transmissions++;
          if (transmissions > 1) this.stats.retransmissions++;
          await this.wait(signal, (w) => (wake = w));
          if (this.closed && !answer) throw new RadiusClosedError();
        }
        if (answer) break;
        server.deadUntil = this.now() + this.deadTimeMs;
        if (index < order.length - 1) this.stats.failovers++;
      }
      if (!answer) {
        this.stats.timeouts++;
        throw new RadiusTimeoutError(`no Accounting-Response from ${order.map((s) => s.label).join(', ')} after ${transmissions} transmissions`, transmissions);
      }
      answer.server.deadUntil = 0;
      this.stats.responses++;
      return { server: answer.server.label, identifier: answer.identifier, transmissions, delaySeconds: delay };
    } finally {
      this.waiting.delete(wakeUp);
      for (const [server, identifier] of held) {
        server.outstanding.delete(identifier);
        server.ids.release(identifier);
      }
    }
  }

  /** Stops the sockets; waiting records fail with RadiusClosedError. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wakeUp of this.waiting) wakeUp();
    await this.opening?.catch(() => undefined);
    const sockets = this.sockets;
    this.sockets = [];
    for (const server of this.servers) server.socket = undefined;
    await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
  }

  /** Servers not marked dead first, in configured order; dead ones last rather than never. */
  private serverOrder(): ServerState[] {
    const now = this.now();
    return [...this.servers.filter((s) => s.deadUntil <= now), ...this.servers.filter((s) => s.deadUntil > now)];
  }

  private transmit(server: ServerState, packet: Buffer): void {
    server.socket!.send(packet, (err) => {
      if (err) this.stats.sendErrors++; // lost like any datagram: the timeout runs on
    });
  }

  /** Resolves on an answer (via the wake hook), the timeout or close; rejects when aborted. */
  private wait(signal: AbortSignal | undefined, hook: (wake: () => void) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        unsubscribe?.();
        resolve();
      };
      const timer = setTimeout(done, this.timeoutMs);
      // One shared listener per signal (abort-hub.ts), removed when this wait ends.
      const unsubscribe = signal
        ? onAbort(signal, () => {
            clearTimeout(timer);
            reject(signal.reason);
          })
        : undefined;
      hook(done);
    });
  }

  /** Never throws: whatever arrives is either one record's answer or a counted discard. */
  private receive(server: ServerState, datagram: Buffer, from: RemoteInfo): void {
    // The connected socket lets only the server's datagrams in; checked anyway, it costs nothing.
    if (from.address !== server.address || from.port !== server.config.port) {
      this.stats.unknownResponses++;
      return;
    }
    const check = checkResponse(datagram);
    if (!check.ok || check.header.code !== CODE_ACCOUNTING_RESPONSE) {
      this.stats.malformedResponses++;
      return;
    }
    const transmission = server.outstanding.get(check.header.identifier);
    if (!transmission) {
      this.stats.unknownResponses++;
      return;
    }
    if (!verifyResponseAuthenticator(datagram, transmission.authenticator, server.config.secret)) {
      this.stats.badAuthenticators++;
      return;
    }
    // One verified answer per transmission: a second copy finds no outstanding entry.
    server.outstanding.delete(check.header.identifier);
    transmission.settle(check.header.identifier);
  }
}
