/**
 * How a decoded DHCP message is shown: one JSON object per message (the `dxgw decode`
 * output schema, docs/decode-output.md) and a fixed-width table row for people.
 */
import { bytesToHex, bytesToPlainHex, ipToString } from '../packet/addresses.js';
import type { DecodedDhcp } from './frame-decoder.js';
import { chaddr, circuitId, clientId, hostName, leaseSeconds, remoteId, requestedIp, serverId } from './message.js';
import { messageTypeName } from './spec.js';

export interface DecodedMessageJson {
  time: string;
  op: 'BOOTREQUEST' | 'BOOTREPLY';
  type: string;
  xid: string;
  chaddr: string;
  ciaddr: string;
  yiaddr: string;
  giaddr: string;
  siaddr: string;
  serverId: string | null;
  requestedIp: string | null;
  leaseSeconds: number | null;
  clientId: string | null;
  hostName: string | null;
  circuitId: string | null;
  remoteId: string | null;
  vlans: number[];
  srcMac: string | null;
  src: string;
  dst: string;
  /** Option code → value as plain hex (several instances of a code concatenated, RFC 3396). */
  options: Record<string, string>;
}

/** ISO-8601 UTC with microseconds, or nanoseconds when the capture has them. */
export function formatCaptureTime(seconds: number, nanos: number): string {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  const fraction = nanos % 1000 === 0 ? String(nanos / 1000).padStart(6, '0') : String(nanos).padStart(9, '0');
  return `${base}.${fraction}Z`;
}

const optionalHex = (value: Buffer | undefined): string | null => (value === undefined ? null : bytesToHex(value));
const optionalIp = (value: number | undefined): string | null => (value === undefined ? null : ipToString(value));

export function toDecodedJson(decoded: DecodedDhcp): DecodedMessageJson {
  const { frame, packet, message } = decoded;
  const options: Record<string, string> = {};
  for (const code of message.options.codes()) options[code] = bytesToPlainHex(message.options.get(code)!);
  return {
    time: formatCaptureTime(frame.seconds, frame.nanos),
    op: message.op === 1 ? 'BOOTREQUEST' : 'BOOTREPLY',
    type: messageTypeName(message.messageType, message.op),
    xid: '0x' + message.xid.toString(16).padStart(8, '0'),
    chaddr: bytesToHex(chaddr(message)),
    ciaddr: ipToString(message.ciaddr),
    yiaddr: ipToString(message.yiaddr),
    giaddr: ipToString(message.giaddr),
    siaddr: ipToString(message.siaddr),
    serverId: optionalIp(serverId(message)),
    requestedIp: optionalIp(requestedIp(message)),
    leaseSeconds: leaseSeconds(message) ?? null,
    clientId: optionalHex(clientId(message)),
    hostName: hostName(message) ?? null,
    circuitId: optionalHex(circuitId(message)),
    remoteId: optionalHex(remoteId(message)),
    vlans: [...packet.vlans],
    srcMac: packet.srcMacOffset < 0 ? null : bytesToHex(packet.frame, packet.srcMacOffset, packet.srcMacOffset + 6),
    src: `${ipToString(packet.srcIp)}:${packet.srcPort}`,
    dst: `${ipToString(packet.dstIp)}:${packet.dstPort}`,
    options,
  };
}

/** Printable ASCII shown as text, anything else as hex: circuit-ids are often interface names. */
function readable(value: Buffer | undefined): string {
  if (value === undefined) return '-';
  for (const byte of value) if (byte < 0x20 || byte > 0x7e) return bytesToHex(value);
  return value.toString('latin1');
}

export const TABLE_HEADER = ['TIME', 'TYPE', 'XID', 'CHADDR', 'CIADDR', 'YIADDR', 'GIADDR', 'LEASE', 'CIRCUIT-ID', 'REMOTE-ID', 'VLANS'];
const WIDTHS = [27, 12, 10, 17, 15, 15, 15, 10, 12, 12, 8];

export function formatTableRow(cells: string[]): string {
  return cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(WIDTHS[i]!))).join(' ');
}

export function toTableCells(decoded: DecodedDhcp): string[] {
  const { frame, packet, message } = decoded;
  const lease = leaseSeconds(message);
  return [
    formatCaptureTime(frame.seconds, frame.nanos),
    messageTypeName(message.messageType, message.op),
    message.xid.toString(16).padStart(8, '0'),
    bytesToHex(chaddr(message)),
    ipToString(message.ciaddr),
    ipToString(message.yiaddr),
    ipToString(message.giaddr),
    lease === undefined ? '-' : lease === 0xffffffff ? 'infinite' : String(lease),
    readable(circuitId(message)),
    readable(remoteId(message)),
    packet.vlans.length ? packet.vlans.join('.') : '-',
  ];
}
