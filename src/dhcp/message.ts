/**
 * Decodes one BOOTP/DHCP message (RFC 2131 §2, options per RFC 2132, overload per §4.1 and
 * option 52, concatenation per RFC 3396). Zero-copy: the message is a view over the UDP
 * payload. Never throws: malformed input returns a typed DecodeError with the offset.
 */
import { decodeError, type DecodeError } from '../packet/decode-errors.js';
import { parseClientFqdn, type ClientFqdn } from './client-fqdn.js';
import { DhcpOptions, scanOptionArea } from './options.js';
import { parseRelayAgentInfo, type RelayAgentInfo } from './relay-agent-info.js';
import {
  CHADDR_OFFSET,
  FILE_LENGTH,
  FILE_OFFSET,
  FIXED_HEADER_LENGTH,
  FIXED_OPTION_LENGTHS,
  MAGIC_COOKIE,
  Option,
  Overload,
  OPTIONS_OFFSET,
  SNAME_LENGTH,
  SNAME_OFFSET,
} from './spec.js';

export interface DhcpMessage {
  kind: 'dhcp';
  /** The DHCP payload (view into the captured frame). */
  buf: Buffer;
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: number;
  yiaddr: number;
  siaddr: number;
  giaddr: number;
  /** Option 53, or 0 for a plain BOOTP message. */
  messageType: number;
  options: DhcpOptions;
  /** Option 52 in effect (0 = none): sname/file hold options, not names. */
  overload: number;
  /** Option 82 parsed, when present. */
  relayAgentInfo: RelayAgentInfo | undefined;
}

export function decodeDhcp(buf: Buffer): DhcpMessage | DecodeError {
  const len = buf.length;
  if (len < OPTIONS_OFFSET) return decodeError('dhcp-truncated', len, `DHCP needs ${OPTIONS_OFFSET} bytes, got ${len}`);
  const op = buf[0]!;
  if (op !== 1 && op !== 2) return decodeError('dhcp-bad-op', 0, `op ${op}`);
  const hlen = buf[2]!;
  if (hlen > 16) return decodeError('dhcp-bad-hlen', 2, `hlen ${hlen}`);
  if (buf.readUInt32BE(FIXED_HEADER_LENGTH) !== MAGIC_COOKIE) return decodeError('dhcp-bad-magic-cookie', FIXED_HEADER_LENGTH);

  const entries: number[] = [];
  const mainError = scanOptionArea(buf, OPTIONS_OFFSET, len, entries);
  if (mainError) return mainError;
  const options = new DhcpOptions(buf, entries);

  // Option 52 may only appear in the options field itself; it then extends the option space
  // into file, then sname (RFC 2131 §4.1).
  let overload = 0;
  if (entries.length > 0 && options.has(Option.OVERLOAD)) {
    const value = options.get(Option.OVERLOAD)!;
    overload = value.length === 1 ? value[0]! : -1;
    if (overload < Overload.FILE || overload > Overload.BOTH) return decodeError('dhcp-bad-overload', OPTIONS_OFFSET, `option 52 value ${overload}`);
    if (overload & Overload.FILE) {
      const error = scanOptionArea(buf, FILE_OFFSET, FILE_OFFSET + FILE_LENGTH, entries);
      if (error) return error;
    }
    if (overload & Overload.SNAME) {
      const error = scanOptionArea(buf, SNAME_OFFSET, SNAME_OFFSET + SNAME_LENGTH, entries);
      if (error) return error;
    }
  }

  // Fixed-size options are checked on their whole value: RFC 3396 allows any option to be
  // split over several instances.
  for (let i = 0; i < entries.length; i += 3) {
    const code = entries[i]!;
    const expected = FIXED_OPTION_LENGTHS.get(code);
    if (expected === undefined) continue;
    const length = options.valueLength(code);
    if (length !== expected) {
      return decodeError('dhcp-bad-option-length', entries[i + 1]! - 2, `option ${code} length ${length}, expected ${expected}`);
    }
  }

  let relayAgentInfo: RelayAgentInfo | undefined;
  const option82 = options.get(Option.RELAY_AGENT_INFO);
  if (option82) {
    const parsed = parseRelayAgentInfo(option82);
    if ('kind' in parsed) return parsed;
    relayAgentInfo = parsed;
  }

  return {
    kind: 'dhcp',
    buf,
    op,
    htype: buf[1]!,
    hlen,
    hops: buf[3]!,
    xid: buf.readUInt32BE(4),
    secs: buf.readUInt16BE(8),
    flags: buf.readUInt16BE(10),
    ciaddr: buf.readUInt32BE(12),
    yiaddr: buf.readUInt32BE(16),
    siaddr: buf.readUInt32BE(20),
    giaddr: buf.readUInt32BE(24),
    messageType: options.getUInt8(Option.MESSAGE_TYPE) ?? 0,
    options,
    overload,
    relayAgentInfo,
  };
}

// Typed accessors for the options dxgw acts on (RFC 2132 §9 unless noted).

/** chaddr, `hlen` bytes (a MAC for Ethernet). */
export function chaddr(msg: DhcpMessage): Buffer {
  return msg.buf.subarray(CHADDR_OFFSET, CHADDR_OFFSET + msg.hlen);
}
/** Option 50. */
export const requestedIp = (msg: DhcpMessage): number | undefined => msg.options.getUInt32(Option.REQUESTED_IP);
/** Option 51, seconds; INFINITE_LEASE for never. */
export const leaseSeconds = (msg: DhcpMessage): number | undefined => msg.options.getUInt32(Option.LEASE_TIME);
/** Option 54. */
export const serverId = (msg: DhcpMessage): number | undefined => msg.options.getUInt32(Option.SERVER_ID);
/** Option 58 (T1). */
export const renewalSeconds = (msg: DhcpMessage): number | undefined => msg.options.getUInt32(Option.RENEWAL_TIME);
/** Option 59 (T2). */
export const rebindingSeconds = (msg: DhcpMessage): number | undefined => msg.options.getUInt32(Option.REBINDING_TIME);
/** Option 55: the codes the client asks for, in its order. */
export function parameterRequestList(msg: DhcpMessage): number[] | undefined {
  const value = msg.options.get(Option.PARAMETER_REQUEST_LIST);
  return value ? Array.from(value) : undefined;
}
/** Option 60, as sent (usually ASCII). */
export function vendorClass(msg: DhcpMessage): string | undefined {
  return msg.options.get(Option.VENDOR_CLASS)?.toString('latin1');
}
/** Option 61: type octet followed by the identifier, raw. */
export const clientId = (msg: DhcpMessage): Buffer | undefined => msg.options.get(Option.CLIENT_ID);
/** Option 12. */
export function hostName(msg: DhcpMessage): string | undefined {
  return msg.options.get(Option.HOST_NAME)?.toString('latin1');
}
/** Option 81 (RFC 4702). */
export function clientFqdn(msg: DhcpMessage): ClientFqdn | undefined {
  const value = msg.options.get(Option.CLIENT_FQDN);
  return value ? parseClientFqdn(value) : undefined;
}
/** Option 82 sub-option 1. */
export const circuitId = (msg: DhcpMessage): Buffer | undefined => msg.relayAgentInfo?.circuitId;
/** Option 82 sub-option 2. */
export const remoteId = (msg: DhcpMessage): Buffer | undefined => msg.relayAgentInfo?.remoteId;
