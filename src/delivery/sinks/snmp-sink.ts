/**
 * SNMP notification sink (DESIGN §3): DXGW-MIB notifications to every configured target,
 * SNMPv2c or v3 (USM), as traps or informs.
 *
 *   address-added   → dxgwBindingCreated
 *   address-deleted → dxgwBindingDeleted (with the reason), then dxgwDuplicateClient when
 *                     the reason is `replaced`
 *   sinkFailing() / sinkRecovered() (any sink's health, src/delivery/sink-health.ts)
 *                     → dxgwDeliveryFailed / dxgwDeliveryRecovered
 *
 * An attempt is delivered when every target took it: a trap once its datagram is sent (fire
 * and forget), an inform once acknowledged. An inform never acknowledged after net-snmp's own
 * resends is a RetryableDeliveryError; on the pipeline's retry, targets that already took
 * the event are skipped (remembered in memory, so a restart may repeat one: at least once).
 */
import type { SnmpSinkConfig } from '../../config/schema-sinks.js';
import { DxgwError } from '../../errors/codes.js';
import type { EventType, SubscriberEvent } from '../../events/event.js';
import { assertPrivProtocolsUsable, engineIdFor, type SnmpUserConfig } from '../../snmp/usm.js';
import { PermanentDeliveryError, RetryableDeliveryError, type DeliveryAttempt, type Sink } from '../sink.js';
import type { SinkEpisode, SinkHealthListener, SinkRecovery } from '../sink-health.js';
import type { CaptureDropEpisode, CaptureHealthListener } from '../../run/capture-health.js';
import { captureDroppingNotification, captureDropsClearedNotification, notificationsFor, sinkFailingNotification, sinkRecoveredNotification, type Notification } from './snmp-notifications.js';
import { NotificationTarget, SnmpTargetRefused } from './snmp-targets.js';

export interface SnmpSinkOptions {
  /** `snmp.users` of the config: v3 targets name one of them. */
  users: readonly SnmpUserConfig[];
  site: string;
  /** Engine ID of our v3 traps (receivers need it in `createUser -e`); default engineIdFor(site). */
  engineID?: Buffer;
  /** Inform resends after the first try (default 2) and the wait for each answer (default 2000 ms). */
  informRetries?: number;
  informTimeoutMs?: number;
  onError?: (error: unknown) => void;
}

/** Events that produce notifications. */
const NOTIFYING: ReadonlySet<EventType> = new Set(['address-added', 'address-deleted']);
/** Events remembered as taken by some targets, waiting for a retry (oldest dropped first). */
const MAX_PARTIAL = 10_000;

export class SnmpNotificationSink implements Sink, SinkHealthListener, CaptureHealthListener {
  readonly type = 'snmp' as const;
  readonly name: string;
  readonly events: ReadonlySet<EventType>;
  readonly engineID: Buffer;
  private readonly targets: NotificationTarget[];
  private readonly configError: DxgwError | undefined;
  /** eventId → indexes of targets that already took it. */
  private readonly partial = new Map<string, Set<number>>();

  /** Never throws: a configuration that cannot work makes start() throw and every delivery fail permanently. */
  constructor(
    config: SnmpSinkConfig,
    private readonly options: SnmpSinkOptions,
  ) {
    this.name = config.name;
    this.events = new Set(config.events.filter((t) => NOTIFYING.has(t)));
    this.engineID = options.engineID ?? engineIdFor(options.site);
    const users = new Map(options.users.map((u) => [u.name, u]));
    let configError: DxgwError | undefined;
    try {
      const missing = config.targets.find((t) => t.version === '3' && !users.has(t.user ?? ''));
      if (missing) throw new DxgwError('DXGW_CONFIG_INVALID', `SNMP target ${missing.host}: user ${JSON.stringify(missing.user)} is not in snmp.users`, { key: `sinks.${config.name}.targets` });
      assertPrivProtocolsUsable(options.users, new Set(config.targets.flatMap((t) => (t.user ? [t.user] : []))));
    } catch (error) {
      if (!(error instanceof DxgwError)) throw error;
      configError = error;
    }
    this.configError = configError;
    const targetOptions = {
      engineID: this.engineID,
      retries: options.informRetries ?? 2,
      timeoutMs: options.informTimeoutMs ?? 2000,
      ...(options.onError ? { onError: options.onError } : {}),
    };
    this.targets = config.targets.map((t) => new NotificationTarget(t, t.user ? users.get(t.user) : undefined, targetOptions));
  }

  async start(): Promise<void> {
    if (this.configError) throw this.configError;
  }

  async stop(): Promise<void> {
    for (const target of this.targets) target.close();
  }

  async deliver(event: SubscriberEvent, attempt: DeliveryAttempt): Promise<void> {
    if (this.configError) throw new PermanentDeliveryError(this.configError.message, this.configError.code);
    const notifications = notificationsFor(event);
    if (notifications.length === 0) return;
    const taken = this.partial.get(event.id) ?? new Set<number>();
    const results = await Promise.allSettled(
      this.targets.map(async (target, i) => {
        if (taken.has(i)) return;
        // In order per target: the NMS sees the deletion before the duplicate-client notice.
        for (const n of notifications) {
          if (attempt.signal.aborted) throw new RetryableDeliveryError('delivery aborted', 'DXGW_SNMP_ABORTED');
          await target.send(n);
        }
        taken.add(i);
      }),
    );
    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [{ target: this.targets[i]!, error: r.reason as unknown }] : []));
    if (failures.length === 0) {
      this.partial.delete(event.id);
      return;
    }
    this.remember(event.id, taken);
    const detail = failures.map((f) => `${f.target.label}: ${(f.error as Error)?.message ?? String(f.error)}`).join('; ');
    if (failures.every((f) => f.error instanceof SnmpTargetRefused)) throw new PermanentDeliveryError(`SNMP receiver refused the notification (${detail})`, 'DXGW_SNMP_REFUSED');
    throw new RetryableDeliveryError(`SNMP notification not delivered (${detail})`, 'DXGW_SNMP_NOT_ACKNOWLEDGED');
  }

  /** dxgwDeliveryFailed to every target (a sink, maybe this one, started failing): never throws. */
  async sinkFailing(episode: SinkEpisode): Promise<void> {
    await this.broadcast(sinkFailingNotification(episode));
  }

  /** dxgwDeliveryRecovered to every target: never throws. */
  async sinkRecovered(recovery: SinkRecovery): Promise<void> {
    await this.broadcast(sinkRecoveredNotification(recovery));
  }

  /** dxgwCaptureDropping to every target: never throws. */
  async captureDropping(episode: CaptureDropEpisode): Promise<void> {
    await this.broadcast(captureDroppingNotification(episode));
  }

  /** dxgwCaptureDropsCleared to every target: never throws. */
  async captureDropsCleared(episode: CaptureDropEpisode): Promise<void> {
    await this.broadcast(captureDropsClearedNotification(episode));
  }

  /** Best effort, outside the queue: failures go to onError. */
  private async broadcast(n: Notification): Promise<void> {
    if (this.configError) return;
    const results = await Promise.allSettled(this.targets.map((t) => t.send(n)));
    for (const r of results) if (r.status === 'rejected') this.options.onError?.(r.reason);
  }

  private remember(eventId: string, taken: Set<number>): void {
    this.partial.delete(eventId);
    this.partial.set(eventId, taken);
    if (this.partial.size > MAX_PARTIAL) this.partial.delete(this.partial.keys().next().value!);
  }
}
