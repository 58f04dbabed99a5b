/**
 * The wiring around the collector: with activation.source flows the live capture takes DHCP
 * only (the predicate the capture filter asks), and the flow counters reach /metrics.
 */
import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../../src/api/metrics.js';
import { parseConfig } from '../../../src/config/index.js';
import { captureWantsData, flowsWanted } from '../../../src/flows/activation-source.js';
import type { FlowStats } from '../../../src/flows/flow-source.js';
import { FLOW_ERROR_REASONS, FLOW_RECORD_RESULTS, zeroCounts } from '../../../src/flows/reasons.js';
import { MemoryLeaseStore } from '../../../src/leases/memory-store.js';
import { captureFilter } from '../../../src/run/bpf-filter.js';

describe('activation source', () => {
  it.each([
    [{}, true, false],
    [{ activation: { mode: 'ack' } }, false, false],
    [{ activation: { source: 'flows', flows: { listen: '127.0.0.1:4739' } } }, false, true],
  ])('%j: data packets from the capture %s, flow collector %s', (input, data, flows) => {
    const config = parseConfig(input);
    expect(captureWantsData(config)).toBe(data);
    expect(flowsWanted(config)).toBe(flows);
  });

  it('with flows the capture filter is the DHCP-only one', () => {
    const config = parseConfig({ capture: { subscriberPrefixes: ['192.0.2.0/24'] }, activation: { source: 'flows', flows: { listen: '127.0.0.1:4739' } } });
    const filter = captureFilter({ subscriberPrefixes: config.capture.subscriberPrefixes, dataPackets: captureWantsData(config) });
    expect(filter).toBe(captureFilter({ subscriberPrefixes: [], dataPackets: false }));
    expect(filter).not.toContain('src net');
  });
});

describe('flow metrics', () => {
  it('exports datagrams, records by result, errors by reason and templates from the capture stats', async () => {
    const flows: FlowStats = {
      datagrams: 12,
      records: 40,
      optionsRecords: 3,
      templates: 5,
      templatesExpired: 2,
      templatesWithdrawn: 1,
      errors: { ...zeroCounts(FLOW_ERROR_REASONS), 'unknown-template': 4, 'exporter-not-allowed': 7 },
      results: { ...zeroCounts(FLOW_RECORD_RESULTS), observed: 2, 'not-awaiting': 30, dhcp: 8 },
    };
    const metrics = new GatewayMetrics({ store: new MemoryLeaseStore('m'), ping: async () => true, capture: () => ({ frames: 1, captureDrops: 0, flows }) });
    const text = await metrics.registry.metrics();
    expect(text).toContain('dxgw_flow_datagrams_total{kind="received"} 12');
    expect(text).toContain('dxgw_flow_datagrams_total{kind="options-records"} 3');
    expect(text).toContain('dxgw_flow_records_total{result="observed"} 2');
    expect(text).toContain('dxgw_flow_records_total{result="not-awaiting"} 30');
    expect(text).toContain('dxgw_flow_records_total{result="icmp-error"} 0');
    expect(text).toContain('dxgw_flow_errors_total{reason="unknown-template"} 4');
    expect(text).toContain('dxgw_flow_errors_total{reason="exporter-not-allowed"} 7');
    expect(text).toContain('dxgw_flow_templates_removed_total{cause="expired"} 2');
    expect(text).toContain('dxgw_flow_templates 5');
    expect(text).toMatch(/# TYPE dxgw_flow_records_total counter/);
  });

  it('without flow activation, the flow series carry no samples', async () => {
    const metrics = new GatewayMetrics({ store: new MemoryLeaseStore('m'), ping: async () => true, capture: () => ({ frames: 1, captureDrops: 0 }) });
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/^dxgw_flow_records_total\{/m);
    expect(text).toContain('dxgw_flow_templates 0');
  });
});
