/**
 * Applies one observation straight against a store, outside the capture pipeline: operator
 * clears (CLI, REST, SNMP), RFC 5176 disconnects and the expiry sweeper. Reads what the
 * engine needs, decides, commits guarded by rev; when another writer got there first, reads
 * again and re-decides. The same engine, so the same events as any other ending.
 */
import type { SubscriberEvent } from '../events/event.js';
import type { Binding } from '../leases/binding.js';
import { decide, type EngineConfig } from '../leases/engine.js';
import type { BindingLookup } from '../leases/engine-types.js';
import type { Observation } from '../leases/observation.js';
import type { LeaseStore } from '../leases/store.js';

const MAX_ATTEMPTS = 8;

async function snapshot(store: LeaseStore, obs: Observation): Promise<BindingLookup> {
  const byIp = 'ip' in obs ? await store.get(obs.vr, obs.ip) : undefined;
  const byClient = 'mac' in obs && obs.mac && obs.kind !== 'data' && obs.kind !== 'clear' ? await store.findByClient(obs.vr, obs.mac, 'clientId' in obs ? obs.clientId : null) : undefined;
  const known = [byIp, byClient].filter((b): b is Binding => b !== undefined);
  return {
    get: (vr, ip) => known.find((b) => b.vr === vr && b.ip === ip),
    findByClient: () => byClient,
    // Direct application never activates, so interface names are never chosen here.
    findByInterface: () => undefined,
  };
}

export async function applyDirect(store: LeaseStore, engine: EngineConfig, obs: Observation): Promise<SubscriberEvent[]> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const decision = decide(obs, await snapshot(store, obs), engine);
    if (decision.transitions.length === 0) {
      if (decision.counters.length) await store.addCounters(Object.fromEntries(decision.counters.map((c) => [c, 1])));
      return [];
    }
    const results = await store.commit(decision.transitions, decision.counters);
    if (results.every((r) => r.ok)) return results.flatMap((r) => (r.ok ? r.events : []));
  }
  throw new Error(`${obs.kind} of ${'ip' in obs ? obs.ip : '?'} kept conflicting with other writers`);
}
