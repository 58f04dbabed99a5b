/** The data filter follows the pending set: batched, rebuilt only on a real change, prefixes when too large or unopenable. */
import { describe, expect, it } from 'vitest';
import { ActivationFilter, type PendingView } from '../../../src/run/activation-filter.js';
import type { DataFilter } from '../../../src/run/bpf-filter.js';
import { parseIp } from '../../../src/packet/addresses.js';

class View implements PendingView {
  awaitingVersion = 0;
  readonly set = new Set<number>();
  add(ip: string): void {
    this.set.add(parseIp(ip)!);
    this.awaitingVersion++;
  }
  delete(ip: string): void {
    this.set.delete(parseIp(ip)!);
    this.awaitingVersion++;
  }
  awaitingActivation(): ReadonlySet<number> {
    return this.set;
  }
}

function setup() {
  const view = new View();
  const applied: DataFilter[] = [];
  const filter = new ActivationFilter(view, { vr: 'default', prefixes: ['10.0.0.0/8'], vlan: false, minIntervalMs: 100, apply: (f) => applied.push(f) });
  return { view, applied, filter };
}

describe('ActivationFilter', () => {
  it('rebuilds at most once per interval, with every change of the interval', () => {
    const { view, applied, filter } = setup();
    filter.tick(0);
    expect(applied).toHaveLength(0); // nothing pending, nothing changed: no handle yet
    view.add('10.0.0.1');
    filter.tick(1000);
    expect(applied.at(-1)).toMatchObject({ kind: 'pending', filter: 'ip and not (udp and (port 67 or port 68)) and (src host 10.0.0.1)' });
    view.add('10.0.0.9');
    view.add('10.0.0.8');
    filter.tick(1050); // within the interval: batched
    expect(applied).toHaveLength(2 - 1);
    filter.tick(1100);
    expect(applied).toHaveLength(2);
    expect(applied.at(-1)!.filter).toContain('src host 10.0.0.1 or src net 10.0.0.8/31');
    view.delete('10.0.0.1');
    view.delete('10.0.0.8');
    view.delete('10.0.0.9');
    filter.tick(1300);
    expect(applied.at(-1)).toMatchObject({ kind: 'none' });
  });

  it('a renewal (leaves and re-enters the set) does not rebuild', () => {
    const { view, applied, filter } = setup();
    view.add('10.0.0.1');
    filter.tick(0);
    view.delete('10.0.0.1');
    view.add('10.0.0.1');
    filter.tick(500);
    expect(applied).toHaveLength(1);
  });

  it('a pending filter that cannot be opened falls back to the prefixes at once', () => {
    const { view, applied, filter } = setup();
    let generation = 0;
    const f = new ActivationFilter(view, { vr: 'default', prefixes: ['10.0.0.0/8'], vlan: false, apply: (x) => {
        applied.push(x);
        return ++generation;
      },
    });
    view.add('10.0.0.1');
    f.tick(0);
    f.openFailed(generation);
    expect(applied.at(-1)).toMatchObject({ kind: 'prefixes', filter: 'ip and not (udp and (port 67 or port 68)) and (src net 10.0.0.0/8)' });
    expect(filter.rebuilds).toBe(0);
  });
});
