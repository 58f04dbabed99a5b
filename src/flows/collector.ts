/**
 * The UDP collector: binds activation.flows.listen, drops datagrams from addresses that are
 * not listed exporters (when a list is configured), decodes the rest, and hands every data
 * record to `onRecord`. Template expiry runs on a timer too, so an exporter that went away
 * does not keep its templates.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { parseListen } from '../config/listen.js';
import { DxgwError } from '../errors/codes.js';
import { FlowDecoder, type FlowDecoderStats } from './decoder.js';
import type { FlowRecord } from './flow-record.js';

export interface FlowCollectorOptions {
  /** host:port */
  listen: string;
  /** IPv4 addresses allowed to export; empty = any. */
  exporters: readonly string[];
  templateTimeoutSeconds: number;
  maxTemplates: number;
  onRecord: (record: FlowRecord) => void;
  /** Clock of template refresh and expiry (ms). */
  now?: () => number;
}

const SWEEP_MS = 30_000;

/** An IPv4 exporter seen on an IPv6 (dual-stack) socket arrives as ::ffff:a.b.c.d. */
const plain = (address: string) => (address.startsWith('::ffff:') ? address.slice(7) : address);

export class FlowCollector {
  readonly decoder: FlowDecoder;
  private readonly allowed: ReadonlySet<string> | null;
  private readonly now: () => number;
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly options: FlowCollectorOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.decoder = new FlowDecoder({ templateTimeoutMs: options.templateTimeoutSeconds * 1000, templateLimit: options.maxTemplates });
    this.allowed = options.exporters.length ? new Set(options.exporters) : null;
    socket.on('message', (msg, rinfo) => this.receive(msg, plain(rinfo.address), rinfo.port));
    // A receive error on UDP (an ICMP error queued on the socket) is not fatal: keep reading.
    socket.on('error', () => undefined);
    this.sweep = setInterval(() => this.decoder.cache.sweep(this.now()), SWEEP_MS).unref();
  }

  /** One datagram (the socket's handler; tests call it directly too). */
  receive(msg: Buffer, address: string, port: number): void {
    if (this.allowed && !this.allowed.has(address)) {
      this.decoder.error('exporter-not-allowed');
      return;
    }
    for (const record of this.decoder.decode(msg, address, port, this.now())) this.options.onRecord(record);
  }

  address(): { address: string; port: number } {
    return this.socket.address();
  }

  stats(): FlowDecoderStats {
    return this.decoder.stats();
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

/** Binds the listen address; a port in use or an address not on this host is a DxgwError naming the key. */
export async function startFlowCollector(options: FlowCollectorOptions): Promise<FlowCollector> {
  const listen = parseListen(options.listen);
  if (!listen) throw new DxgwError('DXGW_CONFIG_INVALID', `activation.flows.listen ${JSON.stringify(options.listen)} is not host:port`, { key: 'activation.flows.listen' });
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
    const code = error.code === 'EADDRINUSE' ? 'DXGW_RUN_PORT_IN_USE' : 'DXGW_FLOWS_BIND_FAILED';
    throw new DxgwError(code, `activation.flows.listen ${options.listen}: ${error.message}`, { key: 'activation.flows.listen', cause: error });
  });
  return new FlowCollector(socket, options);
}
