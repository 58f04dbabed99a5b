/**
 * The live capture filter: every DHCP datagram and, when activation waits for a subscriber's
 * first packet, the data packets from subscriber prefixes (cheap: the kernel drops the rest),
 * tagged or untagged.
 */
export interface CaptureFilterOptions {
  subscriberPrefixes: readonly string[];
  /** `capture.filter`: and-ed into every branch. */
  extra?: string | undefined;
  /** Activation on the first data packet needs data packets; on the ACK only DHCP. */
  dataPackets: boolean;
  /** False for cooked captures ("any"), which cannot filter on VLAN tags. */
  vlan?: boolean;
}

export function captureFilter(options: CaptureFilterOptions): string {
  const dhcp = 'udp and (port 67 or port 68)';
  const data = options.subscriberPrefixes.length ? `ip and (${options.subscriberPrefixes.map((p) => `src net ${p}`).join(' or ')})` : 'ip';
  const traffic = options.dataPackets ? `(${dhcp}) or (${data})` : dhcp;
  // The extra expression joins each branch *after* its `vlan` keywords, so that it reads the
  // packet at the same (shifted) offsets as the rest of that branch.
  const wanted = options.extra ? `(${traffic}) and (${options.extra})` : traffic;
  // libpcap's `vlan` shifts the offsets of everything after it in the expression, `or`
  // branches included: untagged, then nested one tag deeper at a time.
  return options.vlan === false ? wanted : `(${wanted}) or (vlan and ((${wanted}) or (vlan and (${wanted}))))`;
}
