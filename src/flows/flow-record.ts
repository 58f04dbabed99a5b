/** One data record of a flow export, reduced to what activation needs. */
export interface FlowRecord {
  /** sourceIPv4Address (IE 8), or undefined when the template has none (IPv6 flows …). */
  srcIp: number | undefined;
  /** sourceMacAddress (IE 56), else postSourceMacAddress (IE 81), colon hex; null when absent. */
  srcMac: string | null;
  /** protocolIdentifier (IE 4), or -1. */
  protocol: number;
  /** Transport ports (IE 7, 11), or -1. For ICMP, exporters following Cisco put type × 256 + code in the destination port. */
  srcPort: number;
  dstPort: number;
  /** ICMP type from icmpTypeCodeIPv4 (IE 32) or icmpTypeIPv4 (IE 176), or -1. */
  icmpType: number;
  /** packetDeltaCount (IE 2) or packetTotalCount (IE 86), when present. */
  packets: number | undefined;
  /** First and last packet of the flow, ms since the Unix epoch (exporter's clock), when the record says. */
  start: number | undefined;
  end: number | undefined;
  /** The message's export time (ms; second resolution). */
  exportTime: number;
}
