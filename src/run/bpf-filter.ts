/**
 * The live capture filters (tcpdump syntax), tagged or untagged alike:
 * - the DHCP handle takes every DHCP datagram (and nothing else);
 * - the data handle (activation.mode first-packet only) takes the data packets whose source
 *   is a subscriber waiting for its first packet: the pending set, or the subscriber
 *   prefixes when that set is too large for one filter (docs/adr/0006).
 */
import { ipToString } from '../packet/addresses.js';

export interface CaptureFilterOptions {
  subscriberPrefixes: readonly string[];
  /** `capture.filter`: and-ed into every branch. */
  extra?: string | undefined;
  /** Activation on the first data packet needs data packets; on the ACK only DHCP. */
  dataPackets: boolean;
  /** False for cooked captures ("any"), which cannot filter on VLAN tags. */
  vlan?: boolean;
}

const DHCP = 'udp and (port 67 or port 68)';

/** The DHCP handle's filter (with `dataPackets`, the one-handle filter of DHCP and prefix data). */
export function captureFilter(options: CaptureFilterOptions): string {
  const data = options.subscriberPrefixes.length ? `ip and (${options.subscriberPrefixes.map((p) => `src net ${p}`).join(' or ')})` : 'ip';
  return tagged(options.dataPackets ? `(${DHCP}) or (${data})` : DHCP, options);
}

/**
 * Most source terms (single addresses or merged blocks) a data filter carries; a larger
 * pending set falls back to the prefixes. Measured with tcpdump -d (libpcap 1.10.3), VLAN
 * branches included: 512 scattered addresses compile to 837 BPF instructions, 2,385 with
 * a capture.filter of `not host 192.0.2.250` (libpcap cannot share the address list between
 * branches then); the kernel takes 4,096, and every packet on the interface walks the list.
 * A filter that still does not fit (a long capture.filter) fails to open: the prefixes again.
 */
export const MAX_DATA_FILTER_TERMS = 512;

/** Matches no packet: the data handle's filter while nobody waits for activation. */
export const MATCH_NOTHING = 'less 1';

export interface DataFilterOptions {
  extra?: string | undefined;
  vlan?: boolean;
  maxTerms?: number;
}

export interface DataFilter {
  filter: string;
  /** 'pending': the pending set itself; 'prefixes': too large, the subscriber prefixes instead; 'none': nobody pending. */
  kind: 'pending' | 'prefixes' | 'none';
  terms: number;
}

/**
 * The data handle's filter for `pending` (IPv4 addresses as numbers): IPv4 from one of them,
 * never DHCP itself (the DHCP handle has it, and DHCP never activates).
 */
export function dataFilter(pending: Iterable<number>, prefixes: readonly string[], options: DataFilterOptions = {}): DataFilter {
  const max = options.maxTerms ?? MAX_DATA_FILTER_TERMS;
  // maxTerms 0: the caller knows the set is too large; do not even sort it.
  const blocks = max > 0 ? mergeBlocks(pending) : undefined;
  if (blocks ? blocks.length === 0 : pending[Symbol.iterator]().next().done) return { filter: MATCH_NOTHING, kind: 'none', terms: 0 };
  const tooMany = !blocks || blocks.length > max;
  const terms = tooMany ? prefixes.map((p) => `src net ${p}`) : blocks.map(([ip, len]) => (len === 32 ? `src host ${ipToString(ip)}` : `src net ${ipToString(ip)}/${len}`));
  const sources = terms.length ? ` and (${terms.join(' or ')})` : '';
  return { filter: tagged(`ip and not (${DHCP})${sources}`, options), kind: tooMany ? 'prefixes' : 'pending', terms: terms.length };
}

function tagged(traffic: string, options: { extra?: string | undefined; vlan?: boolean }): string {
  // The extra expression joins each branch *after* its `vlan` keywords, so that it reads the
  // packet at the same (shifted) offsets as the rest of that branch.
  const wanted = options.extra ? `(${traffic}) and (${options.extra})` : traffic;
  // libpcap's `vlan` shifts the offsets of everything after it in the expression, `or`
  // branches included: untagged, then nested one tag deeper at a time.
  return options.vlan === false ? wanted : `(${wanted}) or (vlan and ((${wanted}) or (vlan and (${wanted}))))`;
}

/** Sorted addresses merged into aligned CIDR blocks [network, length]: a pool handed out in order is a few terms. */
export function mergeBlocks(addresses: Iterable<number>): Array<[number, number]> {
  const sorted = [...new Set(addresses)].sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i]!;
    // Grow the block while it stays aligned and every address of it is present.
    let len = 32;
    while (len > 0) {
      const size = 2 ** (33 - len);
      if (start % size !== 0 || i + size - 1 >= sorted.length || sorted[i + size - 1] !== start + size - 1) break;
      len--;
    }
    out.push([start, len]);
    i += 2 ** (32 - len);
  }
  return out;
}
