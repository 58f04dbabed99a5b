/**
 * Bindings for people and programs: the one service behind `dxgw bindings`, the REST API and
 * (later) SNMP writes. Clears go through the engine, so they produce the same events as an
 * expiry, with reason `cleared`.
 */
import type { SubscriberEvent } from '../events/event.js';
import type { Binding, SubscriberIdentity } from '../leases/binding.js';
import { subscriberOf } from '../events/drafts.js';
import type { EngineConfig } from '../leases/engine.js';
import type { BindingFilter, LeaseStore } from '../leases/store.js';
import { applyDirect } from './direct-apply.js';

export interface BindingView extends SubscriberIdentity {
  state: Binding['state'];
  interface: { name: string; profile: string | null; vr: string } | null;
  loginName: string | null;
  lease: { seconds: number; startedAt: string; expiresAt: string | null; remainingSeconds: number | null };
  boundAt: string;
  activatedAt: string | null;
  sessionId: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function bindingView(b: Binding, now: number): BindingView {
  return {
    ...subscriberOf(b),
    state: b.state,
    interface: b.interfaceName === null ? null : { name: b.interfaceName, profile: b.profile, vr: b.interfaceVr ?? b.vr },
    loginName: b.loginName,
    lease: {
      seconds: b.leaseSeconds,
      startedAt: iso(b.leaseStart),
      expiresAt: b.expiresAt === null ? null : iso(b.expiresAt),
      remainingSeconds: b.expiresAt === null ? null : Math.max(0, Math.round((b.expiresAt - now) / 1000)),
    },
    boundAt: iso(b.boundAt),
    activatedAt: b.activatedAt === null ? null : iso(b.activatedAt),
    sessionId: b.sessionId,
  };
}

export class BindingService {
  constructor(
    private readonly store: LeaseStore,
    private readonly engine: EngineConfig,
    private readonly clock: () => number = Date.now,
  ) {}

  async list(filter: BindingFilter = {}): Promise<BindingView[]> {
    const now = this.clock();
    return (await this.store.list(filter)).map((b) => bindingView(b, now));
  }

  async show(vr: string, ip: string): Promise<BindingView | undefined> {
    const b = await this.store.get(vr, ip);
    return b && bindingView(b, this.clock());
  }

  /**
   * Clears every binding matching the filter (an empty filter clears nothing: pass
   * `all: true`). Each clear is keyed on (IP, MAC) so a binding re-allocated meanwhile to
   * another client is left alone.
   */
  async clear(filter: BindingFilter, options: { all?: boolean; reason?: 'cleared' | 'disconnected' } = {}): Promise<{ cleared: number; events: SubscriberEvent[] }> {
    if (!options.all && Object.values(filter).every((v) => v === undefined)) return { cleared: 0, events: [] };
    const targets = await this.store.list(filter);
    const events: SubscriberEvent[] = [];
    let cleared = 0;
    for (const b of targets) {
      const produced = await applyDirect(this.store, this.engine, {
        kind: 'clear',
        time: this.clock(),
        vr: b.vr,
        ip: b.ip,
        reason: options.reason ?? 'cleared',
        mac: b.mac,
      });
      const stillThere = await this.store.get(b.vr, b.ip);
      if (!stillThere || stillThere.sessionId !== b.sessionId) cleared++;
      events.push(...produced);
    }
    return { cleared, events };
  }

  history(vr: string, ip: string, limit = 100): Promise<SubscriberEvent[]> {
    return this.store.history(vr, ip, limit);
  }

  /** Statistics: counters, plus bindings by state (kept by the store, not counted per call). */
  async stats(): Promise<{ bindings: Record<string, number>; counters: Record<string, number> }> {
    const byState = await this.store.bindingsByState();
    const total = Object.values(byState).reduce((a, b) => a + b, 0);
    return { bindings: { total, ...byState }, counters: await this.store.counters() };
  }
}
