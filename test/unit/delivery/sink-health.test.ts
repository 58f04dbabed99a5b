/** SinkHealth: one announcement per sink outage, one per recovery, nothing for a blip. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isSinkHealthListener, SinkHealth, type SinkEpisode, type SinkRecovery } from '../../../src/delivery/sink-health.js';

function recorder() {
  const failing: SinkEpisode[] = [];
  const recovered: SinkRecovery[] = [];
  return {
    failing,
    recovered,
    listener: {
      sinkFailing: async (e: SinkEpisode) => void failing.push(e),
      sinkRecovered: async (r: SinkRecovery) => void recovered.push(r),
    },
  };
}

const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);
const boom = new Error('DXGW_HTTP_503: HTTP 503 from http://sae/events');

describe('SinkHealth', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it('an outage of N events is one failing announcement (after failingAfterMs) and one recovery', async () => {
    const r = recorder();
    const health = new SinkHealth({ sinks: ['sae', 'acct'], failingAfterMs: 5000, listeners: [r.listener] });
    for (let i = 0; i < 27; i++) health.onAttemptFailed('sae', boom);
    expect(health.failingSince('sae')).toBe(T0);
    expect(health.rows()).toEqual([{ name: 'sae', failingSince: T0 }, { name: 'acct', failingSince: null }]);
    await vi.advanceTimersByTimeAsync(4999);
    expect(r.failing).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.failing).toEqual([{ sink: 'sae', since: T0, failures: 27, gaveUp: 0, lastError: boom.message }]);

    // More failures and give-ups during the episode raise nothing more.
    for (let i = 0; i < 27; i++) {
      health.onAttemptFailed('sae', boom);
      health.onGaveUp('sae', boom);
    }
    await vi.advanceTimersByTimeAsync(60_000);
    expect(r.failing).toHaveLength(1);
    expect(r.recovered).toEqual([]);

    health.onDelivered('sae');
    health.onDelivered('sae');
    await vi.advanceTimersByTimeAsync(0);
    expect(r.recovered).toEqual([{ sink: 'sae', since: T0, failures: 54, gaveUp: 27, lastError: boom.message, recoveredAt: T0 + 65_000 }]);
    expect(health.failingSince('sae')).toBeNull();
    expect(r.failing).toHaveLength(1);
  });

  it('a blip that heals within failingAfterMs announces nothing; the next outage is a new episode', async () => {
    const r = recorder();
    const health = new SinkHealth({ sinks: ['sae'], failingAfterMs: 5000, listeners: [r.listener] });
    health.onAttemptFailed('sae', boom);
    await vi.advanceTimersByTimeAsync(1000);
    health.onDelivered('sae');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(r.failing).toEqual([]);
    expect(r.recovered).toEqual([]);

    health.onAttemptFailed('sae', boom);
    expect(health.failingSince('sae')).toBe(T0 + 11_000);
    await vi.advanceTimersByTimeAsync(5000);
    expect(r.failing.map((e) => [e.since, e.failures])).toEqual([[T0 + 11_000, 1]]);
  });

  it('sinks are tracked apart, a give-up alone opens an episode, and 0 announces at the first failure', async () => {
    const r = recorder();
    const health = new SinkHealth({ sinks: ['sae', 'acct'], failingAfterMs: 0, listeners: [r.listener] });
    health.onGaveUp('acct', new Error('DXGW_RADIUS_CONFIG: no servers'));
    health.onAttemptFailed('sae', boom);
    await vi.advanceTimersByTimeAsync(0);
    expect(r.failing.map((e) => `${e.sink}:${e.failures}:${e.gaveUp}`).sort()).toEqual(['acct:0:1', 'sae:1:0']);
    expect(r.failing.find((e) => e.sink === 'acct')!.lastError).toBe('DXGW_RADIUS_CONFIG: no servers');
    health.onDelivered('acct');
    await vi.advanceTimersByTimeAsync(0);
    expect(r.recovered.map((x) => x.sink)).toEqual(['acct']);
    expect(health.withFailingSince([{ name: 'sae', waiting: 3 }, { name: 'acct', waiting: 0 }])).toEqual([
      { name: 'sae', waiting: 3, failingSince: T0 },
      { name: 'acct', waiting: 0, failingSince: null },
    ]);
  });

  it('a listener that throws is reported, the others still hear; stop() cancels what is pending', async () => {
    const r = recorder();
    const errors: unknown[] = [];
    const broken = { sinkFailing: async () => Promise.reject(new Error('socket closed')), sinkRecovered: async () => undefined };
    const health = new SinkHealth({ sinks: ['sae'], failingAfterMs: 100, listeners: [broken, r.listener], onError: (e) => errors.push(e) });
    health.onAttemptFailed('sae', boom);
    await vi.advanceTimersByTimeAsync(100);
    expect(r.failing).toHaveLength(1);
    expect(errors.map((e) => (e as Error).message)).toEqual(['socket closed']);

    const quiet = recorder();
    const stopped = new SinkHealth({ sinks: ['sae'], failingAfterMs: 100, listeners: [quiet.listener] });
    stopped.onAttemptFailed('sae', boom);
    stopped.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(quiet.failing).toEqual([]);
    expect(stopped.failingSince('sae')).toBeNull();
  });

  it('recognises listeners', () => {
    expect(isSinkHealthListener(recorder().listener)).toBe(true);
    expect(isSinkHealthListener({ name: 'sae', deliver: async () => undefined })).toBe(false);
  });
});
