/**
 * The live capture filter, run by libpcap itself (tcpdump -r) over untagged, 802.1Q and QinQ
 * captures: `capture.filter` narrows every branch at the right offsets, and ack mode takes
 * DHCP only.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ipToString, parseIp } from '../../../src/packet/addresses.js';
import { captureFilter, dataFilter, MATCH_NOTHING, MAX_DATA_FILTER_TERMS, mergeBlocks } from '../../../src/run/bpf-filter.js';
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

describe.runIf(requireTool('tcpdump'))('dataFilter under libpcap', () => {
  const instructions = (filter: string): number => execFileSync('tcpdump', ['-d', filter], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean).length;

  it('a pending set of MAX_DATA_FILTER_TERMS scattered addresses compiles within the kernel limit, VLAN branches and an extra expression included', () => {
    // Every other address: nothing merges, the worst case.
    const pending = Array.from({ length: MAX_DATA_FILTER_TERMS }, (_, i) => (10 << 24) + 2 * i);
    const f = dataFilter(pending, ['10.0.0.0/8'], { extra: 'not host 192.0.2.250' });
    expect(f.kind).toBe('pending');
    expect(f.terms).toBe(MAX_DATA_FILTER_TERMS);
    const count = instructions(f.filter);
    expect(count).toBeGreaterThan(MAX_DATA_FILTER_TERMS);
    expect(count).toBeLessThan(4096);
  });

  it('one term more falls back to the prefixes; none pending matches nothing', () => {
    const pending = Array.from({ length: MAX_DATA_FILTER_TERMS + 1 }, (_, i) => (10 << 24) + 2 * i);
    const f = dataFilter(pending, ['10.0.0.0/8', '100.64.0.0/10']);
    expect(f).toMatchObject({ kind: 'prefixes', terms: 2 });
    expect(f.filter).toContain('src net 100.64.0.0/10');
    expect(dataFilter([], ['10.0.0.0/8'])).toMatchObject({ kind: 'none', filter: MATCH_NOTHING });
  });

  for (const file of ['dnsmasq-dora-ping-renew-release.pcap', 'vlan-8021q.pcap', 'vlan-qinq.pcap']) {
    it(`${file}: takes the pending client's data packets, tagged or not, and never DHCP`, () => {
      // The fixtures' client address (from the DHCP handle's view of the ACK).
      const out = execFileSync('tshark', ['-r', join(FIXTURE_DIR, file), '-Y', 'dhcp.option.dhcp == 5', '-T', 'fields', '-e', 'dhcp.ip.your'], { encoding: 'utf8' });
      const client = out.split('\n').find(Boolean)!;
      const f = dataFilter([parseIp(client)!], []);
      const taken = matched(file, f.filter);
      expect(taken).toBeGreaterThan(0);
      // Exactly the IPv4 non-DHCP packets from the client, as tshark counts them.
      const expected = execFileSync('tshark', ['-r', join(FIXTURE_DIR, file), '-Y', `ip.src == ${client} && !dhcp && !(ip.flags.mf == 0 && ip.frag_offset > 0)`, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
      expect(taken).toBe(expected);
      // Another address takes nothing.
      expect(matched(file, dataFilter([parseIp('203.0.113.77')!], []).filter)).toBe(0);
    });
  }
});

describe('mergeBlocks', () => {
  it('merges aligned runs into CIDR blocks and leaves the rest as hosts', () => {
    const a = (t: string) => parseIp(t)!;
    const blocks = mergeBlocks([a('10.0.0.0'), a('10.0.0.1'), a('10.0.0.2'), a('10.0.0.3'), a('10.0.0.5'), a('10.0.0.6'), a('10.0.0.7'), a('10.0.0.3')]);
    expect(blocks.map(([ip, len]) => `${ipToString(ip)}/${len}`)).toEqual(['10.0.0.0/30', '10.0.0.5/32', '10.0.0.6/31']);
    expect(mergeBlocks(Array.from({ length: 256 }, (_, i) => a('10.1.2.0') + i))).toEqual([[a('10.1.2.0'), 24]]);
  });
});
