/** LINKTYPE_* values (tcpdump.org/linktypes.html) that dxgw decodes. */
export const LinkType = {
  NULL: 0,
  EN10MB: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  LINUX_SLL2: 276,
  /** Raw IPv4 / raw IPv6 without a version check needed (editcap writes these). */
  IPV4: 228,
  IPV6: 229,
  /** DLT_RAW as some BSDs number it in pcap headers. */
  RAW_BSD_12: 12,
  RAW_BSD_14: 14,
} as const;

export const LINK_TYPE_NAMES: Record<number, string> = {
  0: 'NULL',
  1: 'EN10MB',
  12: 'RAW',
  14: 'RAW',
  101: 'RAW',
  108: 'LOOP',
  113: 'LINUX_SLL',
  276: 'LINUX_SLL2',
  228: 'IPV4',
  229: 'IPV6',
};

export function linkTypeName(linkType: number): string {
  return LINK_TYPE_NAMES[linkType] ?? `LINKTYPE_${linkType}`;
}
