/**
 * The SNMP agent role: a standalone net-snmp agent (not AgentX) on `snmp.listen`, serving
 * DXGW-MIB and the SNMPv2-MIB system group from an in-process mirror of the lease store.
 * v2c communities are read-only; v3 users (USM, SHA/SHA-2 + AES, DES only with the legacy
 * OpenSSL provider) may also destroy binding rows. docs/snmp.md has the operator's view.
 */
import { isIP } from 'node:net';
import snmp from 'net-snmp';
import type { DxgwConfig } from '../config/schema.js';
import { parseListen } from '../config/listen.js';
import { DxgwError } from '../errors/codes.js';
import type { LeaseStore } from '../leases/store.js';
import { BindingMirror, type BindingMirrorOptions } from './binding-mirror.js';
import { MibView, type BulkLimits } from './mib-view.js';
import type { AgentInternals, RequestMessage } from './net-snmp-internals.js';
import { BindingTableRegion, type BindingClearer } from './regions/binding-table.js';
import { SinkTableRegion } from './regions/sink-table.js';
import { StatisticsRegion } from './regions/statistics.js';
import { SystemGroupRegion, type SystemInfo } from './regions/system-group.js';
import { installRequestHandler, type AgentCounters } from './request-handler.js';
import { noSinks, type SinkCountersProvider } from './sink-counters.js';
import { dgramBindingTo, listening } from './udp-socket.js';
import { assertPrivProtocolsUsable, engineIdFor, netSnmpUser } from './usm.js';

export type SnmpConfig = DxgwConfig['snmp'];

export interface SnmpAgentOptions {
  /** The `snmp` config section: listen, communities, v1v2c, users. */
  config: SnmpConfig;
  site: string;
  store: LeaseStore;
  /** BindingService (or anything with its clear()): RowStatus destroy goes through it. Without one, nothing is writable. */
  bindings?: BindingClearer;
  /** Per-sink delivery counters for dxgwSinkTable (default: no sinks). */
  sinks?: SinkCountersProvider;
  /** A mirror someone else starts and stops (benchmarks); otherwise the agent builds and owns one. */
  mirror?: BindingMirror;
  mirrorOptions?: BindingMirrorOptions;
  /** Default: engineIdFor(site). */
  engineID?: Buffer;
  /** v3 users allowed to SET; default every user in config.users. Communities never write. */
  writeUsers?: readonly string[];
  limits?: Partial<BulkLimits & { maxMessageSize: number }>;
  system?: Partial<SystemInfo>;
  onError?: (error: unknown) => void;
}

const DEFAULT_LIMITS = { maxRepetitions: 1000, maxVarbinds: 5000, maxMessageSize: 65_000 };
/** Room for the message header, community or USM parameters, and encryption padding. */
const HEADER_ALLOWANCE = 400;

export class SnmpAgent {
  readonly counters: AgentCounters = { responses: 0, dropped: 0, rejected: 0, tooBig: 0, errors: 0 };
  private sinkTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly agent: AgentInternals,
    readonly mirror: BindingMirror,
    private readonly ownsMirror: boolean,
    readonly engineID: Buffer,
  ) {}

  /** Validates the security settings, loads the mirror, binds the socket. */
  static async start(options: SnmpAgentOptions): Promise<SnmpAgent> {
    const { config } = options;
    assertPrivProtocolsUsable(config.users);
    const listen = parseListen(config.listen);
    if (!listen) throw new DxgwError('DXGW_CONFIG_INVALID', `${JSON.stringify(config.listen)} is not a listen address`, { key: 'snmp.listen' });
    if (!config.v1v2c && config.users.length === 0) {
      throw new DxgwError('DXGW_CONFIG_INVALID', 'with v1v2c off, list at least one SNMPv3 user: nobody could query the agent', { key: 'snmp.users' });
    }

    const mirror = options.mirror ?? new BindingMirror(options.store, { ...options.mirrorOptions, onError: options.mirrorOptions?.onError ?? options.onError });
    if (!options.mirror) await mirror.start();
    const sinkRegion = new SinkTableRegion();
    const sinks = options.sinks ?? noSinks;
    const refreshSinks = async (): Promise<void> => {
      try {
        sinkRegion.update(await sinks.sinks());
      } catch (error) {
        options.onError?.(error);
      }
    };
    await refreshSinks();

    const view = new MibView([
      new SystemGroupRegion({ descr: 'dxgw DHCP external server gateway', name: options.site, ...options.system }),
      new BindingTableRegion(mirror, options.bindings),
      new StatisticsRegion(mirror),
      sinkRegion,
    ]);
    const engineID = options.engineID ?? engineIdFor(options.site);
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const writers = new Set(options.writeUsers ?? config.users.map((u) => u.name));

    let self: SnmpAgent | undefined;
    const agent = snmp.createAgent(
      {
        port: listen.port,
        address: listen.host,
        transport: isIP(listen.host) === 6 ? 'udp6' : 'udp4',
        engineID,
        dgramModule: dgramBindingTo(listen.port),
      },
      // net-snmp reports refused packets (bad community, failed USM check, undecodable) here.
      (error: unknown) => {
        if (error && self) self.counters.rejected++;
      },
    ) as AgentInternals & { getAuthorizer(): { addCommunity(c: string): void; addUser(u: snmp.User): void } };
    const authorizer = agent.getAuthorizer();
    if (config.v1v2c) for (const community of config.communities) authorizer.addCommunity(community);
    for (const user of config.users) authorizer.addUser(netSnmpUser(user));

    self = new SnmpAgent(agent, mirror, !options.mirror, engineID);
    installRequestHandler(agent, {
      view,
      limits: { ...limits, sizeBudget: limits.maxMessageSize - HEADER_ALLOWANCE },
      engineID,
      canWrite: (message: RequestMessage) => message.version === 3 && writers.has(message.user?.name ?? ''),
      counters: self.counters,
      ...(options.onError ? { onError: options.onError } : {}),
    });
    try {
      await Promise.all(Object.values(agent.listener.sockets).map(listening));
    } catch (error) {
      await self.stop();
      throw new DxgwError('DXGW_CONFIG_INVALID', `cannot listen for SNMP on ${config.listen}: ${(error as Error).message}`, { key: 'snmp.listen', cause: error });
    }
    const pollMs = options.mirrorOptions?.pollMs ?? 1000;
    const loop = (): void => {
      self!.sinkTimer = setTimeout(() => void refreshSinks().finally(loop), pollMs);
      self!.sinkTimer.unref();
    };
    loop();
    return self;
  }

  /** Where the agent listens (the real port when the config said 0). */
  address(): { address: string; port: number } {
    const socket = Object.values(this.agent.listener.sockets)[0]!;
    const { address, port } = socket.address();
    return { address, port };
  }

  async stop(): Promise<void> {
    if (this.sinkTimer) clearTimeout(this.sinkTimer);
    this.sinkTimer = undefined;
    await Promise.all(
      Object.values(this.agent.listener.sockets).map(
        (socket) =>
          new Promise<void>((resolve) => {
            try {
              socket.close(() => resolve());
            } catch {
              resolve(); // never bound, or already closed
            }
          }),
      ),
    );
    if (this.ownsMirror) await this.mirror.stop();
  }
}

export const startSnmpAgent = (options: SnmpAgentOptions): Promise<SnmpAgent> => SnmpAgent.start(options);
