import type { RouteMapSubject } from '../../../src/routemap/types.js';

/** Latin1 text → colon hex, as the decoder prints option 82 sub-options. */
export function hex(text: string): string {
  return [...text].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join(':');
}

export function subject(overrides: Partial<RouteMapSubject> = {}): RouteMapSubject {
  return {
    vr: 'default',
    ip: '192.0.2.10',
    giaddr: '198.51.100.1',
    mac: '00:1b:21:aa:bb:cc',
    clientId: '01:00:1b:21:aa:bb:cc',
    circuitId: hex('ge-0/0/1:100'),
    remoteId: hex('cpe-42'),
    vlans: [200, 100],
    vendorClass: 'MSFT 5.0',
    options: { '60': '4d53465420352e30', '12': '686f7374' },
    ...overrides,
  };
}
