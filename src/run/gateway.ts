/**
 * `dxgw run`: every role in one process by default (capture+engine in a worker thread,
 * bridge+delivery, api), or the roles given. Redis from the config, or an embedded one.
 * Stops gracefully: capture first, then delivery within a bound, then the API, and the
 * embedded Redis last.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { GatewayMetrics } from '../api/metrics.js';
import { buildApi } from '../api/server.js';
import { parseListen } from '../config/listen.js';
import type { DxgwConfig } from '../config/schema.js';
import { DeliveryService } from '../delivery/delivery-service.js';
import { isSinkHealthListener, SinkHealth } from '../delivery/sink-health.js';
import { NotificationOps } from '../delivery/notifications.js';
import { buildSinks } from '../delivery/sinks/build-sinks.js';
import { DxgwError, ErrorCodes, type ErrorCode } from '../errors/codes.js';
import { RedisLeaseStore } from '../leases/redis/redis-store.js';
import { BindingService } from '../subscribers/binding-service.js';
import { sweepExpired } from '../subscribers/expiry-sweeper.js';
import { engineConfigFrom } from '../subscribers/runtime-config.js';
import type { CaptureSource } from './capture-messages.js';
import { startCaptureRole, type CaptureRole } from './capture-role.js';
import { CaptureHealth, isCaptureHealthListener } from './capture-health.js';
import { DropReporter } from './drop-reporter.js';
import { startEmbeddedRedis, type EmbeddedRedis } from './embedded-redis.js';
import { redisBindingPages, redisOutboxTail, startSnmpAgent } from '../snmp/index.js';
import { startDaeServer } from '../dae/index.js';
import { applyDirect } from '../subscribers/direct-apply.js';
import { OutboxTrimmer } from '../events/outbox-retention.js';

export const ROLES = ['capture', 'delivery', 'api', 'snmp', 'dae'] as const;
export type Role = (typeof ROLES)[number];

export interface GatewayOptions {
  config: DxgwConfig;
  roles: ReadonlySet<Role>;
  /** Replay a capture file through the full daemon instead of live capture. */
  replay?: { path: string; speed: number | 'max' };
  exitWhenIdle?: boolean;
  logger: Logger;
}

export interface Gateway {
  redisUrl: string;
  apiAddress: string | undefined;
  stop(): Promise<void>;
  /** Resolves with the exit code when the gateway ends by itself (--exit-when-idle, fatal error). */
  finished: Promise<number>;
}

async function connect(url: string): Promise<Redis> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 5000 });
  probe.on('error', () => undefined); // reported by the awaited connect below
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    probe.disconnect();
    throw new DxgwError('DXGW_STORE_UNAVAILABLE', `cannot reach Redis at ${url.replace(/\/\/[^@]*@/, '//***@')}: ${(error as Error).message}`, { key: 'redis.url' });
  }
  probe.disconnect();
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  // ioredis reconnects by itself; an outage shows in /readyz and in the commands that fail.
  redis.on('error', () => undefined);
  return redis;
}

/** `CODE: message (at key)` from the capture process, back into a DxgwError for the CLI. */
function startupError(message: string): DxgwError {
  const m = /^(DXGW_[A-Z0-9_]+): (.*?)(?: \(at (.+)\))?$/.exec(message);
  const code = m && m[1]! in ErrorCodes ? (m[1] as ErrorCode) : 'DXGW_CAPTURE_OPEN_FAILED';
  return new DxgwError(code, m ? m[2]! : message, m?.[3] ? { key: m[3] } : {});
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, roles, logger } = options;
  let embedded: EmbeddedRedis | undefined;
  let redisUrl = config.redis.url;
  if (!redisUrl) {
    embedded = await startEmbeddedRedis(config.redis.dataDir);
    redisUrl = embedded.url;
    logger.info({ dataDir: config.redis.dataDir, url: redisUrl }, 'embedded redis-server started');
  }
  let finish!: (code: number) => void;
  const finished = new Promise<number>((r) => (finish = r));
  // Undone in reverse order: the embedded Redis, first in, is stopped last.
  const cleanups: Array<() => Promise<void>> = embedded ? [() => embedded!.stop()] : [];
  let stopCapture: (() => Promise<void>) | undefined;
  const stop = async () => {
    // Capture first, so its last transitions reach Redis while delivery still runs.
    await stopCapture?.().catch((error) => logger.warn({ err: error }, 'while stopping capture'));
    stopCapture = undefined;
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error) => logger.warn({ err: error }, 'while stopping'));
  };
  try {
    const redis = await connect(redisUrl);
    cleanups.push(async () => redis.disconnect());
    const store = new RedisLeaseStore(redis, config.site);
    // A store older than the by-state counters gets them from its table, before any transition.
    await store.countStatesOnce();
    const engine = engineConfigFrom(config);

    let capture: CaptureRole | undefined;
    let captureFatal: string | undefined;
    let started = false;
    let delivery: DeliveryService | undefined;
    const sinks = buildSinks(config, { redis, store });
    // One dxgwDeliveryFailed per sink outage (and a recovered one), not one per event.
    const health = new SinkHealth({ sinks: sinks.map((s) => s.name), failingAfterMs: config.retry.failingAfterMs, listeners: sinks.filter(isSinkHealthListener), onError: (error) => logger.warn({ err: error }, 'sink health notification') });
    cleanups.push(async () => health.stop());
    const metrics = new GatewayMetrics({
      store,
      ping: async () => (await redis.ping()) === 'PONG',
      sinkCounters: async () => (delivery ? delivery.sinkCounters() : []),
      capture: () => capture?.latest,
      sinkHealth: () => (delivery ? health.rows() : []),
    });
    if (roles.has('delivery') && sinks.length > 0) {
      delivery = new DeliveryService({
        site: config.site,
        redisUrl,
        store,
        sinks,
        retry: config.retry,
        completed: { count: config.outbox.completedJobs.maxJobs, ageSeconds: config.outbox.completedJobs.maxAgeSeconds },
        onDelivered: (sink, latency, events) => {
          metrics.onDelivered(sink.name, latency, events);
          health.onDelivered(sink.name);
        },
        onAttemptFailed: (sink, error) => {
          metrics.onAttemptFailed(sink.name, error.message);
          health.onAttemptFailed(sink.name, error);
        },
        onGaveUp: (sink, job, error) => {
          metrics.onGaveUp(sink.name);
          health.onGaveUp(sink.name, error);
          logger.error({ sink: sink.name, job: job.id, error: error.message }, 'notification failed for good; an operator can retry it');
        },
        onError: (where, error) => logger.error({ where, err: error }, 'delivery error'),
      });
      await delivery.start();
      cleanups.push(() => delivery!.stop(10_000));
      logger.info({ sinks: sinks.map((s) => `${s.name} (${s.type})`) }, 'delivery started');
    }

    // Capture after delivery: the first events find their queues being worked.
    if (roles.has('capture') && (options.replay || config.capture.interface)) {
      const source: CaptureSource = options.replay ? { kind: 'file', ...options.replay } : { kind: 'live' };
      // Dropped frames may be lost DHCP: a log line, not only a metric.
      const dhcpDrops = new DropReporter((d) => logger.warn({ role: 'capture', handle: 'dhcp', ...d }, 'libpcap dropped frames on the DHCP handle: DHCP messages were lost (capture.bufferSize, docs/operations.md)'));
      const dataDrops = new DropReporter((d) => logger.warn({ role: 'capture', handle: 'data', ...d }, 'libpcap dropped frames on the data handle: activations may be late (capture.dataBufferSize, docs/operations.md)'));
      // One SNMP notification per drop episode of a handle, and one when it has been quiet again.
      const captureHealth = new CaptureHealth({ clearedAfterMs: config.capture.dropsClearedAfterMs, listeners: sinks.filter(isCaptureHealthListener), onError: (error) => logger.warn({ err: error }, 'capture drop notification') });
      capture = startCaptureRole(
        config,
        redisUrl,
        source,
        (message) => {
          if (captureFatal !== undefined) return;
          captureFatal = message;
          // During start-up the thrown error is the one line; afterwards, log it.
          if (started) logger.fatal({ role: 'capture' }, message);
          finish(1);
        },
        (message) => logger.error({ role: 'capture' }, message),
        (stats) => {
          // A replay reads a file: nothing to drop.
          const h = stats.handles;
          if (!h) return;
          dhcpDrops.update(h.dhcp.dropped + h.dhcp.interfaceDropped);
          captureHealth.update('dhcp', h.dhcp.dropped + h.dhcp.interfaceDropped);
          if (h.data) {
            dataDrops.update(h.data.dropped + h.data.interfaceDropped);
            captureHealth.update('data', h.data.dropped + h.data.interfaceDropped);
          }
        },
      );
      stopCapture = () => capture!.stop();
      await Promise.race([capture.ready, finished]);
      // A capture that cannot start (no such interface, no CAP_NET_RAW) ends the start-up: one line.
      if (captureFatal !== undefined) throw startupError(captureFatal);
      logger.info({ source: options.replay ? options.replay.path : config.capture.interface }, 'capture started');
    } else {
      // Without a capture role here, this process expires leases (safe with several sweepers).
      const timer = setInterval(() => void sweepExpired(store, engine, Date.now()).catch((error) => logger.error({ err: error }, 'expiry sweep failed')), 1000);
      cleanups.push(async () => clearInterval(timer));
    }

    if (roles.has('delivery')) {
      // Bounded outbox: drops what the bridge moved and retention no longer needs (docs/config.md `outbox`).
      const trimmer = new OutboxTrimmer({ store, retention: config.outbox, bridge: sinks.length > 0, registry: metrics.registry, onError: (err) => logger.error({ err }, 'outbox trim failed'), onHeld: (held) => logger[held ? 'warn' : 'info']({ held }, held ? 'outbox trimming waits for the bridge' : 'outbox trimming caught up') });
      trimmer.start();
      cleanups.push(() => trimmer.stop());
    }

    let apiAddress: string | undefined;
    if (roles.has('api')) {
      const ops = delivery ? new NotificationOps(delivery.queues) : undefined;
      const app = buildApi({
        bindings: new BindingService(store, engine),
        events: store,
        metrics,
        ready: async () => (await redis.ping()) === 'PONG',
        ...(config.api.token ? { token: config.api.token } : {}),
        ...(ops && delivery ? { notifications: { ops, store, queues: delivery.queues } } : {}),
      });
      const listen = parseListen(config.api.listen)!;
      try {
        apiAddress = await app.listen({ host: listen.host, port: listen.port });
      } catch (error) {
        throw new DxgwError('DXGW_RUN_PORT_IN_USE', `api.listen ${config.api.listen}: ${(error as Error).message}`, { key: 'api.listen' });
      }
      cleanups.push(() => app.close());
      logger.info({ address: apiAddress }, 'api listening');
    }

    if (roles.has('snmp') && config.snmp.enabled) {
      const agent = await startSnmpAgent({
        config: config.snmp,
        site: config.site,
        store,
        bindings: new BindingService(store, engine),
        ...(delivery ? { sinks: { sinks: async () => health.withFailingSince(await delivery!.sinkCounters()) } } : {}),
        mirrorOptions: { outboxTail: redisOutboxTail(redis, store), pages: redisBindingPages(redis, store) },
        onError: (error) => logger.warn({ err: error }, 'snmp agent'),
      });
      cleanups.push(() => agent.stop());
      logger.info({ listen: `${agent.address().address}:${agent.address().port}` }, 'snmp agent listening');
    }

    if (roles.has('dae') && config.dae.enabled) {
      // The NAS identity a Disconnect/CoA must name is the one accounting announces.
      const radius = config.sinks.find((s) => s.type === 'radius');
      const dae = await startDaeServer({
        config: config.dae,
        store,
        engine,
        vr: config.capture.virtualRouter,
        nas: radius && radius.type === 'radius' ? { identifier: radius.nasIdentifier, ip: radius.nasIp } : {},
        applyChange: (b, change, time) =>
          applyDirect(store, engine, { kind: 'change', time, vr: b.vr, ip: b.ip, sessionId: b.sessionId, ...(change.profile !== undefined ? { profile: change.profile } : {}), attributes: change.attributes }),
        onLog: (level, message, fields) => logger[level](fields, message),
      });
      cleanups.push(() => dae.stop());
      logger.info({ listen: `${dae.address().address}:${dae.address().port}` }, 'RFC 5176 server listening');
    }

    if (options.exitWhenIdle && capture && options.replay) {
      void capture.replayDone.then(async () => {
        // pacedFrom: where a paced replay's clock started (how benchmarks time frames to their events).
        logger.info({ ...capture!.latest, ...(capture!.pacedFrom ? { pacedFrom: capture!.pacedFrom } : {}) }, 'replay finished; waiting for deliveries');
        while (delivery && !(await delivery.idle())) await new Promise((r) => setTimeout(r, 200));
        finish(0);
      });
    }
    started = true;
    return { redisUrl, apiAddress, stop, finished };
  } catch (error) {
    await stop();
    throw error;
  }
}
