/**
 * Frame → (IPv4 packet, DHCP message) with counters: the one place that turns captured bytes
 * into what the rest of dxgw consumes. Counts every frame exactly once: as DHCP, as other
 * IPv4 (data packets, which later drive activation), as skipped, or as a decode error.
 */
import type { CapturedFrame } from '../capture/frame.js';
import { DecodeErrorCounters, type DecodeError } from '../packet/decode-errors.js';
import { decodeFrame, isDhcpPorts, type Ipv4Packet, type SkipReason } from '../packet/decode-frame.js';
import { decodeDhcp, type DhcpMessage } from './message.js';
import { messageTypeName } from './spec.js';

export interface DecodedDhcp {
  kind: 'dhcp';
  frame: CapturedFrame;
  packet: Ipv4Packet;
  message: DhcpMessage;
}

export interface DecodedData {
  kind: 'data';
  frame: CapturedFrame;
  packet: Ipv4Packet;
}

export type DecodeOutcome = DecodedDhcp | DecodedData | { kind: 'skip'; reason: SkipReason } | DecodeError;

export class FrameDecoder {
  frames = 0;
  dhcpMessages = 0;
  dataPackets = 0;
  readonly skipped: Record<SkipReason, number> = { 'not-ipv4': 0, 'ipv4-fragment': 0 };
  readonly errors = new DecodeErrorCounters();
  /** Messages by option-53 type (0 = BOOTP). */
  readonly messagesByType = new Map<number, number>();

  /** Cumulative statistics as store counter names (frames-*, messages-<TYPE>, decode-errors-*, skipped-*). */
  counters(): Record<string, number> {
    const out: Record<string, number> = { 'frames-total': this.frames, 'frames-dhcp': this.dhcpMessages, 'frames-data': this.dataPackets };
    for (const [reason, n] of Object.entries(this.skipped)) if (n) out[`skipped-${reason}`] = n;
    for (const [code, n] of Object.entries(this.errors.toJSON())) out[`decode-errors-${code}`] = n;
    for (const [type, n] of this.messagesByType) out[`messages-${type === 0 ? 'BOOTP' : messageTypeName(type, 1)}`] = n;
    return out;
  }

  decode(frame: CapturedFrame): DecodeOutcome {
    this.frames++;
    const result = decodeFrame(frame.linkType, frame.data);
    if (result.kind === 'error') {
      this.errors.add(result.code);
      return result;
    }
    if (result.kind === 'skip') {
      this.skipped[result.reason]++;
      return result;
    }
    if (result.protocol !== 17 || !isDhcpPorts(result)) {
      this.dataPackets++;
      return { kind: 'data', frame, packet: result };
    }
    const payload = result.frame.subarray(result.payloadOffset, result.payloadOffset + result.payloadLength);
    const message = decodeDhcp(payload);
    if (message.kind === 'error') {
      this.errors.add(message.code);
      return message;
    }
    this.dhcpMessages++;
    this.messagesByType.set(message.messageType, (this.messagesByType.get(message.messageType) ?? 0) + 1);
    return { kind: 'dhcp', frame, packet: result, message };
  }
}
