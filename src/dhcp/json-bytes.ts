/**
 * `dxgw decode`'s JSON line written straight into an output buffer as bytes: the same bytes
 * as `toDecodedJsonLine` (format.ts, the reference; a test holds them equal), without the
 * strings. Building the line as a string made hundreds of intermediate strings per message,
 * which were then flattened and encoded to UTF-8 again on the way to stdout.
 */
import type { DecodedDhcp } from './frame-decoder.js';
import { formatCaptureTime } from './format.js';
import { CHADDR_OFFSET, messageTypeName, Option } from './spec.js';

/** Where bytes are appended: buffer[length] on; reserve() may swap in a new buffer. */
export interface ByteSink {
  buffer: Buffer;
  length: number;
  reserve(bytes: number): void;
}

const ascii = (text: string): Uint8Array => Buffer.from(text, 'latin1');
const HEX_PAIRS = new Uint16Array(256);
const HEX_DIGITS = '0123456789abcdef';
for (let i = 0; i < 256; i++) HEX_PAIRS[i] = HEX_DIGITS.charCodeAt(i >> 4) | (HEX_DIGITS.charCodeAt(i & 15) << 8);
const DECIMAL = Array.from({ length: 256 }, (_, i) => ascii(String(i)));

const K_TIME = ascii('{"time":"');
const K_OP_REQUEST = ascii('","op":"BOOTREQUEST","type":"');
const K_OP_REPLY = ascii('","op":"BOOTREPLY","type":"');
const K_XID = ascii('","xid":"0x');
const K_CHADDR = ascii('","chaddr":"');
const K_CIADDR = ascii('","ciaddr":"');
const K_YIADDR = ascii('","yiaddr":"');
const K_GIADDR = ascii('","giaddr":"');
const K_SIADDR = ascii('","siaddr":"');
const K_SERVER_ID = ascii('","serverId":');
const K_REQUESTED_IP = ascii(',"requestedIp":');
const K_LEASE = ascii(',"leaseSeconds":');
const K_CLIENT_ID = ascii(',"clientId":');
const K_HOST_NAME = ascii(',"hostName":');
const K_CIRCUIT_ID = ascii(',"circuitId":');
const K_REMOTE_ID = ascii(',"remoteId":');
const K_VLANS = ascii(',"vlans":[');
const K_SRC_MAC = ascii('],"srcMac":');
const K_SRC = ascii(',"src":"');
const K_DST = ascii('","dst":"');
const K_OPTIONS = ascii('","options":{');
const K_END = ascii('}}\n');
const NULL = ascii('null');

const TYPE_NAMES = new Map<string, Uint8Array>();
function typeName(type: number, op: number): Uint8Array {
  const name = messageTypeName(type, op);
  let bytes = TYPE_NAMES.get(name);
  if (bytes === undefined) {
    bytes = ascii(name);
    TYPE_NAMES.set(name, bytes);
  }
  return bytes;
}

/** Appends one message as a JSON line (with its newline) to `sink`. */
export function writeDecodedJsonLine(decoded: DecodedDhcp, sink: ByteSink): void {
  const { frame, packet, message } = decoded;
  const buf = message.buf;
  const options = message.options;
  const e = options.rawEntries;
  // Upper bound: fixed text and numbers (~600), hex of the whole message (at most twice per
  // byte, colons included three times), and the host name's JSON (at most 6 bytes a char).
  let room = 1024 + buf.length * 6 + packet.vlans.length * 6;
  const host = options.get(Option.HOST_NAME);
  const hostJson = host === undefined ? undefined : JSON.stringify(host.toString('latin1'));
  if (hostJson !== undefined) room += hostJson.length * 3;
  sink.reserve(room);
  const out = sink.buffer;
  let p = sink.length;

  p = put(out, p, K_TIME);
  p = putAscii(out, p, formatCaptureTime(frame.seconds, frame.nanos));
  p = put(out, p, message.op === 1 ? K_OP_REQUEST : K_OP_REPLY);
  p = put(out, p, typeName(message.messageType, message.op));
  p = put(out, p, K_XID);
  p = putHex32(out, p, message.xid);
  p = put(out, p, K_CHADDR);
  p = putColonHex(out, p, buf, CHADDR_OFFSET, CHADDR_OFFSET + message.hlen);
  p = put(out, p, K_CIADDR);
  p = putIp(out, p, message.ciaddr);
  p = put(out, p, K_YIADDR);
  p = putIp(out, p, message.yiaddr);
  p = put(out, p, K_GIADDR);
  p = putIp(out, p, message.giaddr);
  p = put(out, p, K_SIADDR);
  p = putIp(out, p, message.siaddr);
  p = put(out, p, K_SERVER_ID);
  p = putOptionalIp(out, p, options.getUInt32(Option.SERVER_ID));
  p = put(out, p, K_REQUESTED_IP);
  p = putOptionalIp(out, p, options.getUInt32(Option.REQUESTED_IP));
  p = put(out, p, K_LEASE);
  const lease = options.getUInt32(Option.LEASE_TIME);
  p = lease === undefined ? put(out, p, NULL) : putAscii(out, p, String(lease));
  p = put(out, p, K_CLIENT_ID);
  p = putOptionalHex(out, p, options.get(Option.CLIENT_ID));
  p = put(out, p, K_HOST_NAME);
  // Host names are the one field that may need escaping (and UTF-8 for bytes >= 0x80).
  p = hostJson === undefined ? put(out, p, NULL) : p + out.write(hostJson, p, 'utf8');
  const agent = message.relayAgentInfo;
  p = put(out, p, K_CIRCUIT_ID);
  p = putOptionalHex(out, p, agent?.circuitId);
  p = put(out, p, K_REMOTE_ID);
  p = putOptionalHex(out, p, agent?.remoteId);
  p = put(out, p, K_VLANS);
  const vlans = packet.vlans;
  for (let i = 0; i < vlans.length; i++) {
    if (i > 0) out[p++] = 0x2c; // ','
    p = putAscii(out, p, String(vlans[i]));
  }
  p = put(out, p, K_SRC_MAC);
  if (packet.srcMacOffset < 0) p = put(out, p, NULL);
  else {
    out[p++] = 0x22;
    p = putColonHex(out, p, packet.frame, packet.srcMacOffset, packet.srcMacOffset + 6);
    out[p++] = 0x22;
  }
  p = put(out, p, K_SRC);
  p = putIp(out, p, packet.srcIp);
  out[p++] = 0x3a; // ':'
  p = putAscii(out, p, String(packet.srcPort));
  p = put(out, p, K_DST);
  p = putIp(out, p, packet.dstIp);
  out[p++] = 0x3a;
  p = putAscii(out, p, String(packet.dstPort));
  p = put(out, p, K_OPTIONS);
  // Codes in order of first appearance; RFC 3396: later instances continue the value.
  let first = true;
  for (let i = 0; i < e.length; i += 3) {
    const code = e[i]!;
    let seenBefore = false;
    for (let j = 0; j < i; j += 3) if (e[j] === code) seenBefore = true;
    if (seenBefore) continue;
    if (!first) out[p++] = 0x2c;
    first = false;
    out[p++] = 0x22;
    p = put(out, p, DECIMAL[code]!);
    out[p++] = 0x22;
    out[p++] = 0x3a;
    out[p++] = 0x22;
    p = putPlainHex(out, p, buf, e[i + 1]!, e[i + 1]! + e[i + 2]!);
    for (let j = i + 3; j < e.length; j += 3) if (e[j] === code) p = putPlainHex(out, p, buf, e[j + 1]!, e[j + 1]! + e[j + 2]!);
    out[p++] = 0x22;
  }
  p = put(out, p, K_END);
  sink.length = p;
}

function put(out: Buffer, p: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) out[p++] = bytes[i]!;
  return p;
}

/** Text known to be ASCII (numbers, times, names from tables). */
function putAscii(out: Buffer, p: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[p++] = text.charCodeAt(i);
  return p;
}

function putPair(out: Buffer, p: number, byte: number): number {
  const pair = HEX_PAIRS[byte]!;
  out[p] = pair & 0xff;
  out[p + 1] = pair >> 8;
  return p + 2;
}

function putHex32(out: Buffer, p: number, n: number): number {
  p = putPair(out, p, (n >>> 24) & 255);
  p = putPair(out, p, (n >>> 16) & 255);
  p = putPair(out, p, (n >>> 8) & 255);
  return putPair(out, p, n & 255);
}

function putPlainHex(out: Buffer, p: number, bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) p = putPair(out, p, bytes[i]!);
  return p;
}

function putColonHex(out: Buffer, p: number, bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    if (i > start) out[p++] = 0x3a;
    p = putPair(out, p, bytes[i]!);
  }
  return p;
}

function putOptionalHex(out: Buffer, p: number, value: Uint8Array | undefined): number {
  if (value === undefined) return put(out, p, NULL);
  out[p++] = 0x22;
  p = putColonHex(out, p, value, 0, value.length);
  out[p++] = 0x22;
  return p;
}

function putIp(out: Buffer, p: number, ip: number): number {
  p = put(out, p, DECIMAL[ip >>> 24]!);
  out[p++] = 0x2e;
  p = put(out, p, DECIMAL[(ip >>> 16) & 255]!);
  out[p++] = 0x2e;
  p = put(out, p, DECIMAL[(ip >>> 8) & 255]!);
  out[p++] = 0x2e;
  return put(out, p, DECIMAL[ip & 255]!);
}

function putOptionalIp(out: Buffer, p: number, ip: number | undefined): number {
  if (ip === undefined) return put(out, p, NULL);
  out[p++] = 0x22;
  p = putIp(out, p, ip);
  out[p++] = 0x22;
  return p;
}
