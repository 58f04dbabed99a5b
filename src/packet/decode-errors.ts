/**
 * Typed decode errors. The decoder never throws: a malformed frame comes back as one of these,
 * and callers count them by `code` (docs/error-codes.md lists them).
 */
export const DecodeErrorCodes = [
  'frame-empty',
  'unsupported-link-type',
  'link-truncated',
  'vlan-truncated',
  'vlan-too-deep',
  'ipv4-truncated',
  'ipv4-bad-header-length',
  'ipv4-bad-total-length',
  'udp-truncated',
  'udp-bad-length',
  'dhcp-truncated',
  'dhcp-bad-op',
  'dhcp-bad-hlen',
  'dhcp-bad-magic-cookie',
  'dhcp-option-overrun',
  'dhcp-bad-option-length',
  'dhcp-bad-overload',
  'dhcp-bad-relay-agent-info',
] as const;

export type DecodeErrorCode = (typeof DecodeErrorCodes)[number];

export interface DecodeError {
  kind: 'error';
  code: DecodeErrorCode;
  /** Offset in the frame (or DHCP payload for dhcp-*) where the fault was found. */
  offset: number;
  detail?: string;
}

export function decodeError(code: DecodeErrorCode, offset: number, detail?: string): DecodeError {
  return detail === undefined ? { kind: 'error', code, offset } : { kind: 'error', code, offset, detail };
}

/** Per-code counters, shared by every stage that decodes untrusted bytes. */
export class DecodeErrorCounters {
  private readonly counts = new Map<DecodeErrorCode, number>();

  add(code: DecodeErrorCode): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}
