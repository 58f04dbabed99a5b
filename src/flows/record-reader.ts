/**
 * Reads one data record against its template: the offsets of the wanted fields (computed once
 * for fixed-length templates, per record when variable-length fields — RFC 7011 §7: a 1-byte
 * length, or 255 then a 2-byte length — come before them), then their values.
 */
import { bytesToHex } from '../packet/addresses.js';
import type { FlowRecord } from './flow-record.js';
import { IE, NTP_UNIX_OFFSET_SECONDS, VARIABLE_LENGTH } from './spec.js';
import type { Template } from './template.js';

/** How record times map to the Unix epoch. */
export interface TimeBase {
  /** Export time of the message (ms). */
  exportMs: number;
  /** The exporter's sysUpTime (ms) at `exportMs`: v9 from the header, IPFIX from systemInitTimeMilliseconds; undefined = unknown. */
  uptimeMs: number | undefined;
}

/** Fields by IE id of the record being read (only wanted ones). */
type Values = Map<number, number>;

/** Bytes of the record at `offset`, or -1 when a variable-length field runs past `end`. */
export function recordLength(buf: Buffer, offset: number, end: number, template: Template): number {
  if (template.fixedLength !== null) return template.fixedLength;
  let at = offset;
  for (const f of template.fields) {
    if (f.length !== VARIABLE_LENGTH) {
      at += f.length;
      continue;
    }
    if (at >= end) return -1;
    let n = buf[at]!;
    at += 1;
    if (n === 255) {
      if (at + 2 > end) return -1;
      n = buf.readUInt16BE(at);
      at += 2;
    }
    at += n;
  }
  return at > end ? -1 : at - offset;
}

/** Offsets of the wanted fields in a variable-length record (fixed templates have them precomputed). */
function wantedOffsets(buf: Buffer, offset: number, template: Template): number[] {
  const out: number[] = [];
  let at = offset;
  let w = 0;
  template.fields.forEach((f, i) => {
    if (template.wanted[w]?.index === i) {
      out.push(at);
      w++;
    }
    if (f.length !== VARIABLE_LENGTH) at += f.length;
    else {
      const n = buf[at]!;
      at += n === 255 ? 3 + buf.readUInt16BE(at + 1) : 1 + n;
    }
  });
  return out;
}

function readUnsigned(buf: Buffer, at: number, length: number): number {
  switch (length) {
    case 1:
      return buf[at]!;
    case 2:
      return buf.readUInt16BE(at);
    case 4:
      return buf.readUInt32BE(at);
    default:
      return Number(buf.readBigUInt64BE(at));
  }
}

/** NTP-format timestamp (RFC 7011 §6.1.9): seconds since 1900, then a 2^-32 fraction. */
function ntpToUnixMs(buf: Buffer, at: number): number {
  return (buf.readUInt32BE(at) - NTP_UNIX_OFFSET_SECONDS) * 1000 + (buf.readUInt32BE(at + 4) / 2 ** 32) * 1000;
}

function readValues(buf: Buffer, offset: number, template: Template): { values: Values; mac: string | null } {
  const values: Values = new Map();
  let mac: string | null = null;
  const offsets = template.fixedLength === null ? wantedOffsets(buf, offset, template) : undefined;
  template.wanted.forEach((w, i) => {
    const at = offsets ? offsets[i]! : offset + w.offset;
    if (w.ie === IE.sourceMacAddress || (w.ie === IE.postSourceMacAddress && mac === null)) mac = bytesToHex(buf, at, at + 6);
    else if (w.ie >= IE.flowStartMicroseconds && w.ie <= IE.flowEndNanoseconds) values.set(w.ie, ntpToUnixMs(buf, at));
    else values.set(w.ie, readUnsigned(buf, at, w.length));
  });
  return { values, mac };
}

/** The system init time an options record carries (IPFIX IE 160), if any. */
export function readSystemInit(buf: Buffer, offset: number, template: Template): number | undefined {
  return template.wanted.some((w) => w.ie === IE.systemInitTimeMilliseconds) ? readValues(buf, offset, template).values.get(IE.systemInitTimeMilliseconds) : undefined;
}

/** sysUpTime is an unsigned 32-bit ms counter that wraps every 49.7 days: the signed difference survives a wrap. */
function uptimeToUnix(value: number | undefined, time: TimeBase): number | undefined {
  return value === undefined || time.uptimeMs === undefined ? undefined : time.exportMs + ((value - time.uptimeMs) | 0);
}

export function readRecord(buf: Buffer, offset: number, template: Template, time: TimeBase): FlowRecord {
  const { values: v, mac } = readValues(buf, offset, template);
  const secs = (ie: number) => (v.has(ie) ? v.get(ie)! * 1000 : undefined);
  const start = v.get(IE.flowStartMilliseconds) ?? v.get(IE.flowStartMicroseconds) ?? v.get(IE.flowStartNanoseconds) ?? secs(IE.flowStartSeconds) ?? uptimeToUnix(v.get(IE.flowStartSysUpTime), time);
  const end = v.get(IE.flowEndMilliseconds) ?? v.get(IE.flowEndMicroseconds) ?? v.get(IE.flowEndNanoseconds) ?? secs(IE.flowEndSeconds) ?? uptimeToUnix(v.get(IE.flowEndSysUpTime), time);
  const typeCode = v.get(IE.icmpTypeCodeIPv4);
  return {
    srcIp: v.get(IE.sourceIPv4Address),
    srcMac: mac,
    protocol: v.get(IE.protocolIdentifier) ?? -1,
    srcPort: v.get(IE.sourceTransportPort) ?? -1,
    dstPort: v.get(IE.destinationTransportPort) ?? -1,
    icmpType: typeCode !== undefined ? typeCode >>> 8 : (v.get(IE.icmpTypeIPv4) ?? -1),
    packets: v.get(IE.packetDeltaCount) ?? v.get(IE.packetTotalCount),
    start,
    end,
    exportTime: time.exportMs,
  };
}
