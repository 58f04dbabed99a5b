import { describe, expect, it } from 'vitest';
import { DropReporter, type DropReport } from '../../src/run/drop-reporter.js';

describe('DropReporter', () => {
  it('says nothing without drops, reports the first at once, then at most every interval with the growth', () => {
    const reports: DropReport[] = [];
    const r = new DropReporter((x) => reports.push(x), 10_000);
    r.update(0, 0);
    r.update(0, 1000);
    expect(reports).toEqual([]);
    r.update(5, 2000);
    expect(reports).toEqual([{ dropped: 5, total: 5, seconds: 0 }]);
    r.update(50, 3000);
    r.update(90, 11_000);
    expect(reports).toHaveLength(1);
    r.update(120, 12_000);
    expect(reports[1]).toEqual({ dropped: 115, total: 120, seconds: 10 });
    r.update(120, 40_000);
    expect(reports).toHaveLength(2);
  });

  it('a capture that starts counting again from zero is reported from there', () => {
    const reports: DropReport[] = [];
    const r = new DropReporter((x) => reports.push(x), 0);
    r.update(100, 0);
    r.update(3, 1000);
    expect(reports.map((x) => [x.dropped, x.total])).toEqual([
      [100, 100],
      [3, 3],
    ]);
  });
});
