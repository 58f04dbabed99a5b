/**
 * The live capture filter: every DHCP datagram, and for activation the data packets from
 * subscriber prefixes only (cheap: the kernel drops the rest), tagged or untagged.
 */
export function captureFilter(subscriberPrefixes: readonly string[], extra?: string, options: { vlan?: boolean } = {}): string {
  const dhcp = 'udp and (port 67 or port 68)';
  const data = subscriberPrefixes.length ? `ip and (${subscriberPrefixes.map((p) => `src net ${p}`).join(' or ')})` : 'ip';
  const wanted = `(${dhcp}) or (${data})`;
  // `vlan` shifts the offsets for what follows it: untagged first, then (Q)inQ-tagged.
  const filter = options.vlan === false ? wanted : `${wanted} or (vlan and (${wanted})) or (vlan and vlan and (${wanted}))`;
  return extra ? `(${filter}) and (${extra})` : filter;
}
