/**
 * Flow activation in the capture process (docs/adr/0007-flow-activation.md): the collector
 * and the activation rules wired to the process's lease pipeline, and their statistics for
 * the gateway's /metrics.
 */
import type { DxgwConfig } from '../config/schema.js';
import type { LeasePipeline } from '../subscribers/lease-pipeline.js';
import { startFlowCollector, type FlowCollector } from './collector.js';
import type { FlowDecoderStats } from './decoder.js';
import { FlowActivation } from './flow-activation.js';
import type { FlowRecordResult } from './reasons.js';

export interface FlowStats extends FlowDecoderStats {
  results: Record<FlowRecordResult, number>;
}

export interface FlowSource {
  collector: FlowCollector;
  stats(): FlowStats;
  close(): Promise<void>;
}

export async function startFlowSource(flows: NonNullable<DxgwConfig['activation']['flows']>, pipeline: LeasePipeline): Promise<FlowSource> {
  const activation = new FlowActivation(pipeline);
  // The capture process's tick flushes the pipeline (every 200 ms), as for captured packets.
  const collector = await startFlowCollector({ ...flows, onRecord: (record) => void activation.handle(record) });
  return {
    collector,
    stats: () => ({ ...collector.stats(), results: { ...activation.results } }),
    close: () => collector.close(),
  };
}
