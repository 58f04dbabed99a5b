/**
 * dxgwStatistics: the store's counters (as the mirror last read them) and the mirror's
 * bindings by state. Rebuilt only when those change, so a walk sees one consistent snapshot.
 */
import { MessageType } from '../../dhcp/spec.js';
import type { BindingMirror } from '../binding-mirror.js';
import { DeleteReasonValue, MAX_NAME_LENGTH, Oids, StatScalar } from '../mib.js';
import { stringIndex, type Oid } from '../oid.js';
import { counter64, gauge32, text, type SnmpValue } from '../values.js';
import { InstanceList, type InstanceEntry } from './instance-list.js';
import type { Instance, MibRegion } from './region.js';

/** Option 53 value of a `messages-<TYPE>` counter name (BOOTP = no option 53 = 0). */
export function messageTypeCode(name: string): number | undefined {
  if (name === 'BOOTP') return 0;
  if (name in MessageType) return MessageType[name as keyof typeof MessageType];
  const unknown = /^UNKNOWN-(\d{1,3})$/.exec(name);
  return unknown && Number(unknown[1]) <= 255 ? Number(unknown[1]) : undefined;
}

export class StatisticsRegion implements MibRegion {
  readonly prefix: Oid = Oids.statistics;
  private list = new InstanceList([]);
  private builtFrom: unknown;
  private builtStates = '';

  constructor(private readonly mirror: BindingMirror) {}

  get(oid: Oid): SnmpValue | undefined {
    return this.current().get(oid);
  }

  next(oid: Oid): Instance | undefined {
    return this.current().next(oid);
  }

  private current(): InstanceList {
    const { counters, byState } = this.mirror;
    const states = `${byState.bound}/${byState.active}/${byState.denied}`;
    if (counters !== this.builtFrom || states !== this.builtStates) {
      this.list = new InstanceList(this.entries(counters));
      this.builtFrom = counters;
      this.builtStates = states;
    }
    return this.list;
  }

  private entries(c: Record<string, number>): InstanceEntry[] {
    const n = (name: string): number => c[name] ?? 0;
    const sum = (prefix: string): number => Object.entries(c).reduce((s, [k, v]) => (k.startsWith(prefix) ? s + v : s), 0);
    const scalar = (arc: number, value: SnmpValue): InstanceEntry => ({ oid: [...Oids.statistics, arc, 0], value });
    const { byState } = this.mirror;
    const out: InstanceEntry[] = [
      scalar(StatScalar.frames, counter64(n('frames-total'))),
      scalar(StatScalar.dhcpMessages, counter64(c['frames-dhcp'] ?? sum('messages-'))),
      scalar(StatScalar.decodeErrors, counter64(sum('decode-errors-'))),
      scalar(StatScalar.bindingsCreated, counter64(n('bindings-created'))),
      scalar(StatScalar.activations, counter64(n('activations'))),
      scalar(StatScalar.renewals, counter64(n('renewals'))),
      scalar(StatScalar.duplicateClients, counter64(n('conflicts-duplicate-client'))),
      scalar(StatScalar.declines, counter64(n('conflicts-declined'))),
      scalar(StatScalar.routeMapDenied, counter64(n('route-map-denied'))),
      scalar(StatScalar.bindingsBound, gauge32(byState.bound)),
      scalar(StatScalar.bindingsActive, gauge32(byState.active)),
      scalar(StatScalar.bindingsDenied, gauge32(byState.denied)),
    ];
    for (const [reason, code] of Object.entries(DeleteReasonValue)) {
      out.push({ oid: [...Oids.deletionEntry, 2, code], value: counter64(n(`deletions-${reason}`)) });
    }
    for (const [name, value] of Object.entries(c)) {
      const type = name.startsWith('messages-') ? messageTypeCode(name.slice('messages-'.length)) : undefined;
      if (type !== undefined) {
        out.push({ oid: [...Oids.messageEntry, 2, type], value: text(name.slice('messages-'.length)) });
        out.push({ oid: [...Oids.messageEntry, 3, type], value: counter64(value) });
      }
      const index = stringIndex(name);
      if (index[0]! >= 1 && index[0]! <= MAX_NAME_LENGTH) out.push({ oid: [...Oids.counterEntry, 2, ...index], value: counter64(value) });
    }
    return out;
  }
}
