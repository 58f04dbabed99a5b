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

let cachedSecond = NaN;
let cachedBase = '';

/** ISO-8601 UTC with microseconds, or nanoseconds when the capture has them. */
export function formatCaptureTime(seconds: number, nanos: number): string {
  // Captures are in time order: the date part changes once a second at most.
  if (seconds !== cachedSecond) {
    cachedSecond = seconds;
    cachedBase = new Date(seconds * 1000).toISOString().slice(0, 19);
  }
  const base = cachedBase;
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
    xid: `0x${message.xid.toString(16).padStart(8, '0')}`,
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

const jsonHex = (value: Buffer | undefined): string => (value === undefined ? 'null' : `"${bytesToHex(value)}"`);
const jsonIp = (value: number | undefined): string => (value === undefined ? 'null' : `"${ipToString(value)}"`);

/**
 * The same object as `toDecodedJson`, serialised directly: `dxgw decode` prints hundreds of
 * thousands of these per second, and building then stringifying an object costs 3× more.
 * Only host names can hold characters that need escaping; they go through JSON.stringify.
 */
export function toDecodedJsonLine(decoded: DecodedDhcp): string {
  const { frame, packet, message } = decoded;
  // One hex conversion of the whole message; option values are substrings of it.
  const hex = message.buf.toString('hex');
  const e = message.options.rawEntries;
  let options = '';
  for (let i = 0; i < e.length; i += 3) {
    const code = e[i]!;
    let seenBefore = false;
    for (let j = 0; j < i; j += 3) if (e[j] === code) seenBefore = true;
    if (seenBefore) continue;
    let value = hex.slice(e[i + 1]! * 2, (e[i + 1]! + e[i + 2]!) * 2);
    // RFC 3396: later instances of the code continue the value.
    for (let j = i + 3; j < e.length; j += 3) if (e[j] === code) value += hex.slice(e[j + 1]! * 2, (e[j + 1]! + e[j + 2]!) * 2);
    options += `${options ? ',' : ''}"${code}":"${value}"`;
  }
  const lease = leaseSeconds(message);
  const host = hostName(message);
  const mac = packet.srcMacOffset < 0 ? 'null' : `"${bytesToHex(packet.frame, packet.srcMacOffset, packet.srcMacOffset + 6)}"`;
  return (
    `{"time":"${formatCaptureTime(frame.seconds, frame.nanos)}","op":"${message.op === 1 ? 'BOOTREQUEST' : 'BOOTREPLY'}"` +
    `,"type":"${messageTypeName(message.messageType, message.op)}","xid":"0x${message.xid.toString(16).padStart(8, '0')}"` +
    `,"chaddr":"${bytesToHex(chaddr(message))}","ciaddr":"${ipToString(message.ciaddr)}","yiaddr":"${ipToString(message.yiaddr)}"` +
    `,"giaddr":"${ipToString(message.giaddr)}","siaddr":"${ipToString(message.siaddr)}","serverId":${jsonIp(serverId(message))}` +
    `,"requestedIp":${jsonIp(requestedIp(message))},"leaseSeconds":${lease === undefined ? 'null' : lease}` +
    `,"clientId":${jsonHex(clientId(message))},"hostName":${host === undefined ? 'null' : JSON.stringify(host)}` +
    `,"circuitId":${jsonHex(circuitId(message))},"remoteId":${jsonHex(remoteId(message))},"vlans":[${packet.vlans.join(',')}]` +
    `,"srcMac":${mac},"src":"${ipToString(packet.srcIp)}:${packet.srcPort}","dst":"${ipToString(packet.dstIp)}:${packet.dstPort}"` +
    `,"options":{${options}}}`
  );
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
