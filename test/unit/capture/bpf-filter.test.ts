/**
 * The live capture filter, run by libpcap itself (tcpdump -r) over untagged, 802.1Q and QinQ
 * captures: `capture.filter` narrows every branch at the right offsets, and ack mode takes
 * DHCP only.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureFilter } from '../../../src/run/bpf-filter.js';
import { FIXTURE_DIR } from '../../helpers/fixtures.js';
import { requireTool } from '../../helpers/tools.js';

/** Frames of `file` that `filter` takes. */
function matched(file: string, filter: string): number {
  const out = execFileSync('tcpdump', ['-r', join(FIXTURE_DIR, file), '-nn', filter], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter(Boolean).length;
}

/** DHCP frames of `file` by tshark's dissectors (an independent count). */
function dhcpFrames(file: string): number {
  const out = execFileSync('tshark', ['-r', join(FIXTURE_DIR, file), '-Y', 'dhcp', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter(Boolean).length;
}

describe.runIf(requireTool('tcpdump') && requireTool('tshark'))('captureFilter under libpcap', () => {
  const files = ['dnsmasq-dora-ping-renew-release.pcap', 'vlan-8021q.pcap', 'vlan-qinq.pcap'];
  const base = { subscriberPrefixes: ['192.0.2.0/24'] };

  for (const file of files) {
    it(`${file}: an extra expression keeps every DHCP frame it allows, tagged or not`, () => {
      const dhcpOnly = matched(file, captureFilter({ ...base, dataPackets: false }));
      // Every DHCP frame of the capture, whatever its tags, as tshark counts them.
      expect(dhcpOnly).toBe(dhcpFrames(file));
      expect(dhcpOnly).toBeGreaterThan(0);
      // The configuration's own example, and one naming DHCP again: neither may lose a frame.
      expect(matched(file, captureFilter({ ...base, dataPackets: false, extra: 'udp and (port 67 or port 68)' }))).toBe(dhcpOnly);
      expect(matched(file, captureFilter({ ...base, dataPackets: false, extra: 'not host 192.0.2.250' }))).toBe(dhcpOnly);
      // And it does narrow, at the right offsets: only the clients' side of the exchange.
      const clientSide = matched(file, captureFilter({ ...base, dataPackets: false, extra: 'not src port 67' }));
      expect(clientSide).toBeGreaterThan(0);
      expect(clientSide).toBeLessThan(dhcpOnly);
    });

    it(`${file}: first-packet mode adds the subscribers' data packets, ack mode does not`, () => {
      const withData = matched(file, captureFilter({ ...base, dataPackets: true }));
      const dhcpOnly = matched(file, captureFilter({ ...base, dataPackets: false }));
      expect(withData).toBeGreaterThan(dhcpOnly);
    });
  }
});
