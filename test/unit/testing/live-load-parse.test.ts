/**
 * The live load driver reads dxgw's /metrics in both forms (one unlabeled capture handle, or
 * a series per handle) and tcpreplay's summary; a misread would make the load test pass on
 * nothing.
 */
import { describe, expect, it } from 'vitest';
import { parseCaptureMetrics, parseTcpreplay } from '../../../src/testing/live-load.js';

describe('live load: reading /metrics and tcpreplay', () => {
  it('one unlabeled handle: its drops are the DHCP drops', () => {
    const m = parseCaptureMetrics('# HELP dxgw_capture_drops x\n# TYPE dxgw_capture_drops gauge\ndxgw_capture_drops 12\ndxgw_capture_frames 3400\ndxgw_capture_drops_total_other 99\n');
    expect(m.drops).toEqual({ total: 12, unlabeled: 12 });
    expect(m.frames.total).toBe(3400);
    expect(m.dhcpDrops).toBe(12);
  });

  it('a series per handle: the DHCP handle alone counts as DHCP drops', () => {
    const m = parseCaptureMetrics('dxgw_capture_drops{handle="dhcp"} 0\ndxgw_capture_drops{handle="data"} 5000\ndxgw_capture_frames{handle="dhcp"} 40\ndxgw_capture_frames{handle="data"} 9e3\n');
    expect(m.drops).toEqual({ total: 5000, dhcp: 0, data: 5000 });
    expect(m.frames).toEqual({ total: 9040, dhcp: 40, data: 9000 });
    expect(m.dhcpDrops).toBe(0);
  });

  it("tcpreplay's summary: packets, seconds and the achieved rate", () => {
    const text = 'Actual: 4000 packets (1368000 bytes) sent in 2.00 seconds\nRated: 683800.5 Bps, 5.47 Mbps, 1998.01 pps\nStatistics for network device: gen0\n';
    expect(parseTcpreplay(text)).toEqual({ packets: 4000, seconds: 2, pps: 1998.01 });
    expect(() => parseTcpreplay('tcpreplay: Fatal Error')).toThrow(/no tcpreplay summary/);
  });
});
