/**
 * Prometheus metrics (prom-client): delivery per sink (delivered, failed attempts by error
 * code, given up, latency, failing since), queue depths, capture frames and drops, the engine's and
 * decoder's counters from the store, and Redis health. Gauges are read at scrape time.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FlowStats } from '../flows/flow-source.js';
import type { LeaseStore } from '../leases/store.js';
import type { CaptureHandleStats } from '../run/live-handles.js';

export interface MetricsSources {
  store: LeaseStore;
  ping: () => Promise<boolean>;
  sinkCounters?: () => Promise<Array<{ name: string; waiting: number; delayed: number; failed: number }>>;
  capture?: () => { frames: number; captureDrops: number; handles?: CaptureHandleStats | undefined; flows?: FlowStats | undefined } | undefined;
  /** Every sink this process delivers to, with since when it is failing (ms) or null (src/delivery/sink-health.ts). */
  sinkHealth?: () => Array<{ name: string; failingSince: number | null }>;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly delivered = new Counter({ name: 'dxgw_notifications_delivered_total', help: 'Notifications delivered, by sink', labelNames: ['sink'], registers: [this.registry] });
  private readonly attemptFailed = new Counter({ name: 'dxgw_notification_attempts_failed_total', help: 'Failed delivery attempts, by sink and error code', labelNames: ['sink', 'code'], registers: [this.registry] });
  private readonly gaveUp = new Counter({ name: 'dxgw_notifications_failed_total', help: 'Notifications given up on (waiting for an operator), by sink', labelNames: ['sink'], registers: [this.registry] });
  private readonly latency = new Histogram({
    name: 'dxgw_notification_latency_seconds',
    help: 'From when dxgw committed the event (wall clock) to the sink accepting it, by sink',
    labelNames: ['sink'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600, 3600],
    registers: [this.registry],
  });

  constructor(sources: MetricsSources) {
    const { store } = sources;
    new Gauge({
      name: 'dxgw_redis_up',
      help: '1 when Redis answers PING',
      registers: [this.registry],
      async collect() {
        this.set((await sources.ping()) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'dxgw_store_counter',
      help: 'Statistics kept in the lease store: engine transitions, deletions by reason, conflicts, DHCP messages by type, decode errors (see docs/snmp.md for the names)',
      labelNames: ['name'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [name, value] of Object.entries(await store.counters().catch(() => ({})))) this.set({ name }, value);
      },
    });
    new Gauge({
      name: 'dxgw_queue_jobs',
      help: 'Notification jobs by sink and state',
      labelNames: ['sink', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const s of (await sources.sinkCounters?.().catch(() => [])) ?? []) {
          this.set({ sink: s.name, state: 'waiting' }, s.waiting);
          this.set({ sink: s.name, state: 'delayed' }, s.delayed);
          this.set({ sink: s.name, state: 'failed' }, s.failed);
        }
      },
    });
    new Gauge({
      name: 'dxgw_sink_failing_since_seconds',
      help: 'Since when a sink is failing: unix time of its first failed attempt since it last delivered; 0 while healthy',
      labelNames: ['sink'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const s of sources.sinkHealth?.() ?? []) this.set({ sink: s.name }, s.failingSince === null ? 0 : s.failingSince / 1000);
      },
    });
    // Per capture handle (docs/adr/0006): "dhcp", and "data" in first-packet mode. A replay reads a file: its frames count as "dhcp".
    const handles = () => {
      const latest = sources.capture?.();
      if (!latest) return [];
      if (!latest.handles) return [{ handle: 'dhcp', frames: latest.frames, drops: latest.captureDrops }];
      const out = [{ handle: 'dhcp', frames: latest.handles.dhcp.frames, drops: latest.handles.dhcp.dropped + latest.handles.dhcp.interfaceDropped }];
      const data = latest.handles.data;
      if (data) out.push({ handle: 'data', frames: data.frames, drops: data.dropped + data.interfaceDropped });
      return out;
    };
    new Gauge({
      name: 'dxgw_capture_frames',
      help: 'Frames the capture read since it started, by handle (dhcp; data in first-packet mode)',
      labelNames: ['handle'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const h of handles()) this.set({ handle: h.handle }, h.frames);
      },
    });
    new Gauge({
      name: 'dxgw_capture_drops',
      help: 'Frames libpcap dropped since the capture started (kernel buffer full, or interface drops), by handle',
      labelNames: ['handle'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const h of handles()) this.set({ handle: h.handle }, h.drops);
      },
    });
    this.flowMetrics(sources);
  }

  /** Flow-record activation (activation.source flows): the capture process's cumulative counts, read at scrape time. */
  private flowMetrics(sources: MetricsSources): void {
    const flows = () => sources.capture?.()?.flows;
    const counter = (name: string, help: string, label: string, values: (f: FlowStats) => Record<string, number>) =>
      new Counter({
        name,
        help,
        labelNames: [label],
        registers: [this.registry],
        collect() {
          this.reset();
          const f = flows();
          if (f) for (const [key, n] of Object.entries(values(f))) this.inc({ [label]: key }, n);
        },
      });
    counter('dxgw_flow_datagrams_total', 'Flow export datagrams received (IPFIX / NetFlow v9), by what they were', 'kind', (f) => ({ received: f.datagrams, 'options-records': f.optionsRecords }));
    counter('dxgw_flow_records_total', 'Flow data records, by what activation made of them (docs/config.md "Activation from flow records")', 'result', (f) => f.results);
    counter('dxgw_flow_errors_total', 'Malformed or refused flow datagrams, sets, templates and records, by reason (unknown-template: data sets whose template is not known)', 'reason', (f) => f.errors);
    counter('dxgw_flow_templates_removed_total', 'Templates forgotten, by cause (expired: not refreshed in activation.flows.templateTimeoutSeconds; withdrawn by the exporter)', 'cause', (f) => ({ expired: f.templatesExpired, withdrawn: f.templatesWithdrawn }));
    new Gauge({
      name: 'dxgw_flow_templates',
      help: 'Templates held by the flow collector',
      registers: [this.registry],
      collect() {
        this.set(flows()?.templates ?? 0);
      },
    });
  }

  /** `events` delivered together (one job), `latencyMs` after the first was committed. */
  onDelivered(sink: string, latencyMs: number, events = 1): void {
    this.delivered.inc({ sink }, events);
    for (let i = 0; i < events; i++) this.latency.observe({ sink }, Math.max(0, latencyMs) / 1000);
  }

  onAttemptFailed(sink: string, message: string): void {
    this.attemptFailed.inc({ sink, code: /^(DXGW_[A-Z0-9_]+|SNMP_[A-Z_]+)/.exec(message)?.[1] ?? 'OTHER' });
  }

  onGaveUp(sink: string): void {
    this.gaveUp.inc({ sink });
  }
}
