/**
 * Per-sink delivery counters for dxgwSinkTable. The delivery pipeline (BullMQ, one queue per
 * sink) implements this; the agent asks it once per poll and serves the last answer.
 */
export interface SinkCounters {
  name: string;
  /** Jobs waiting for their first or next attempt. */
  waiting: number;
  /** Jobs waiting out a retry backoff. */
  delayed: number;
  /** Jobs given up on (waiting for an operator). */
  failed: number;
  /** Jobs delivered since the queue was created. */
  delivered: number;
  /** When an attempt last failed (ms since epoch), or null. */
  lastErrorTime: number | null;
  /** That failure's message, when known. */
  lastError?: string | null;
  /** Since when the sink is failing (ms since epoch; src/delivery/sink-health.ts), or null/absent while healthy. */
  failingSince?: number | null;
}

export interface SinkCountersProvider {
  sinks(): Promise<SinkCounters[]>;
}

/** Until the pipeline exists: no sinks. */
export const noSinks: SinkCountersProvider = { sinks: async () => [] };

/** A fixed list (tests, and a process that runs no delivery role). */
export function staticSinks(list: SinkCounters[]): SinkCountersProvider {
  return { sinks: async () => list.map((s) => ({ ...s })) };
}
