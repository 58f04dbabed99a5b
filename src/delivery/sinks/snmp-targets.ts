/**
 * One notification target: a net-snmp session (v2c community or v3 USM user) that sends a
 * trap (done once the datagram is out) or an inform (done once the receiver acknowledges;
 * net-snmp resends it `retries` times, `timeoutMs` apart, before giving up).
 */
import { isIP } from 'node:net';
import snmp from 'net-snmp';
import type { SnmpSinkConfig } from '../../config/schema-sinks.js';
import { netSnmpUser, type SnmpUserConfig } from '../../snmp/usm.js';
import type { Notification } from './snmp-notifications.js';

export type SnmpTargetConfig = SnmpSinkConfig['targets'][number];

export interface TargetOptions {
  /** Our engine ID: the authoritative one of v3 traps (receivers key the user on it). */
  engineID: Buffer;
  retries: number;
  timeoutMs: number;
  onError?: (error: unknown) => void;
}

/** The receiver answered with a report (unknown user, wrong digest …): configuration, not weather. */
export class SnmpTargetRefused extends Error {}

export class NotificationTarget {
  readonly label: string;
  private session: snmp.Session | undefined;

  constructor(
    readonly config: SnmpTargetConfig,
    private readonly user: SnmpUserConfig | undefined,
    private readonly options: TargetOptions,
  ) {
    this.label = `${config.inform ? 'inform' : 'trap'} ${config.version === '3' ? `v3 ${config.user}` : 'v2c'} → ${config.host}:${config.port}`;
  }

  send(n: Notification): Promise<void> {
    const session = this.open();
    return new Promise((resolve, reject) => {
      const done = (error: Error | null | undefined): void => {
        if (!error) resolve();
        else if (error instanceof snmp.ResponseInvalidError || error instanceof snmp.RequestFailedError) reject(new SnmpTargetRefused(error.message));
        else reject(error);
      };
      try {
        if (this.config.inform) session.inform(n.oid, n.varbinds as snmp.Varbind[], {}, (error) => done(error));
        else session.trap(n.oid, n.varbinds as snmp.Varbind[], {}, (error: Error | null) => done(error));
      } catch (error) {
        reject(error);
      }
    });
  }

  close(): void {
    try {
      this.session?.close();
    } catch {
      // already closed
    }
    this.session = undefined;
  }

  private open(): snmp.Session {
    if (this.session) return this.session;
    const { config, options } = this;
    // Informs go to the trap port too; net-snmp sends v3 requests to `port` after discovery.
    const common = {
      port: config.port,
      trapPort: config.port,
      retries: options.retries,
      timeout: options.timeoutMs,
      transport: isIP(config.host) === 6 ? ('udp6' as const) : ('udp4' as const),
    };
    const session =
      config.version === '3' && this.user
        ? snmp.createV3Session(config.host, netSnmpUser(this.user), { ...common, version: 3, engineID: options.engineID })
        : snmp.createSession(config.host, config.community ?? 'public', { ...common, version: snmp.Version2c });
    // An undecodable datagram on the session socket is emitted as 'error': unhandled, it would crash us.
    session.on('error', (error: unknown) => options.onError?.(error));
    this.session = session;
    return session;
  }
}
