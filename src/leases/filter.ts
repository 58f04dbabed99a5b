/** Binding filters and ordering shared by every store and by the ops surfaces. */
import { parseIp } from '../packet/addresses.js';
import type { Binding } from './binding.js';
import type { BindingFilter } from './store.js';

export function matchesFilter(b: Binding, f: BindingFilter): boolean {
  return (
    (f.vr === undefined || b.vr === f.vr) &&
    (f.ip === undefined || b.ip === f.ip) &&
    (f.mac === undefined || b.mac === f.mac.toLowerCase()) &&
    (f.interfaceName === undefined || b.interfaceName === f.interfaceName) &&
    (f.giaddr === undefined || b.giaddr === f.giaddr) &&
    (f.state === undefined || b.state === f.state)
  );
}

/** By virtual router, then numerically by address (the SNMP table's order too). */
export function compareBindings(a: Binding, b: Binding): number {
  if (a.vr !== b.vr) return a.vr < b.vr ? -1 : 1;
  return (parseIp(a.ip) ?? 0) - (parseIp(b.ip) ?? 0);
}
