/**
 * DHCP facts from decoded packets (DESIGN §2): which messages say something about a binding,
 * and which are to be ignored (untrusted replies, INFORM ACKs, hostile values). Stateless
 * except for a small cache of recent REQUEST options, so an ACK can carry both sides'
 * options northbound.
 */
import type { DecodedData, DecodedDhcp } from '../dhcp/frame-decoder.js';
import { chaddr, clientId, leaseSeconds, requestedIp, serverId, type DhcpMessage } from '../dhcp/message.js';
import { MessageType } from '../dhcp/spec.js';
import { bytesToHex, bytesToPlainHex, ipToString } from '../packet/addresses.js';
import { frameTimeMs } from '../capture/frame.js';
import type { Observation } from './observation.js';

export interface ObserverConfig {
  vr: string;
  /** Relay addresses (giaddr) whose replies are processed; empty with `servers` empty = trust all. */
  trustedGiaddrs: ReadonlySet<number>;
  trustedServers: ReadonlySet<number>;
}

/** Why a DHCP message changed nothing: counted, never silent. */
export type IgnoredReason =
  | 'untrusted-reply'
  | 'ack-without-lease'
  | 'ack-zero-lease'
  | 'bad-address'
  | 'bad-chaddr'
  | 'no-effect'
  /** A data packet that is an ICMP error: the host's stack answering, not the subscriber's traffic. */
  | 'icmp-error';

/** What activation needs of a data packet. */
export interface DataSource {
  /** Packet time (ms). */
  time: number;
  /** Source IPv4 address as a number. */
  ip: number;
  /** Source MAC (lower-case, colon-separated), or null when unknown. */
  mac: string | null;
  /** ICMP type, or -1 when not ICMP. */
  icmpType: number;
}

/** RFC 792 error messages: 3 unreachable, 4 source quench, 5 redirect, 11 time exceeded, 12 parameter problem. */
export const ICMP_ERRORS: ReadonlySet<number> = new Set([3, 4, 5, 11, 12]);

const REQUEST_CACHE_LIMIT = 65_536;
const REQUEST_CACHE_MS = 60_000;

/** Option code → plain hex value (RFC 3396: later instances of a code continue its value). */
function optionsRecord(msg: DhcpMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const buf = msg.options.buf;
  const e = msg.options.rawEntries;
  for (let i = 0; i < e.length; i += 3) {
    const value = buf.toString('hex', e[i + 1]!, e[i + 1]! + e[i + 2]!);
    const code = e[i]!;
    const before = out[code];
    out[code] = before === undefined ? value : before + value;
  }
  return out;
}

/** 0.0.0.0, loopback, multicast, class E and broadcast never belong to a subscriber. */
export function isSubscriberAddress(ip: number): boolean {
  const first = ip >>> 24;
  return ip !== 0 && first !== 0 && first !== 127 && first < 224;
}

function allZero(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0) return false;
  return true;
}

export class Observer {
  readonly ignored: Record<IgnoredReason, number> = {
    'untrusted-reply': 0,
    'ack-without-lease': 0,
    'ack-zero-lease': 0,
    'bad-address': 0,
    'bad-chaddr': 0,
    'no-effect': 0,
    'icmp-error': 0,
  };
  private readonly requests = new Map<string, { time: number; options: Record<string, string> }>();

  constructor(private readonly config: ObserverConfig) {}

  /** Virtual router of the bindings this capture point sees. */
  get vr(): string {
    return this.config.vr;
  }

  /**
   * Data packet from a possible subscriber: only addresses awaiting activation matter. An ICMP
   * error (destination unreachable, redirect, time exceeded, parameter problem — RFC 792) is
   * the client's stack reacting to traffic sent to it, such as a relay's duplicate unicast ACK
   * drawing a Port Unreachable: it never activates anyone.
   */
  observeData(decoded: DecodedData): Observation | null {
    const p = decoded.packet;
    return this.observeSource({
      time: frameTimeMs(decoded.frame),
      ip: p.srcIp,
      mac: p.srcMacOffset < 0 ? null : bytesToHex(p.frame, p.srcMacOffset, p.srcMacOffset + 6),
      icmpType: p.icmpType,
    });
  }

  /** A data packet reduced to its source (the capture's data handle, flow records). */
  observeSource(s: DataSource): Observation | null {
    if (ICMP_ERRORS.has(s.icmpType)) return this.ignore('icmp-error');
    return { kind: 'data', time: s.time, vr: this.config.vr, ip: ipToString(s.ip), mac: s.mac };
  }

  observeDhcp(decoded: DecodedDhcp): Observation | null {
    const msg = decoded.message;
    const time = frameTimeMs(decoded.frame);
    const hw = chaddr(msg);
    if (msg.op === 2 && !this.trusted(msg, decoded.packet.srcIp)) return this.ignore('untrusted-reply');
    switch (msg.messageType) {
      case MessageType.REQUEST:
        this.rememberRequest(msg, time);
        return null;
      case MessageType.ACK:
        return this.ack(msg, decoded, time, hw);
      case MessageType.NAK:
        if (allZero(hw)) return this.ignore('bad-chaddr');
        return { kind: 'nak', time, vr: this.config.vr, mac: bytesToHex(hw), clientId: this.clientIdOf(msg) };
      case MessageType.RELEASE:
        return this.endByClient('release', msg, msg.ciaddr, time, hw);
      case MessageType.DECLINE:
        return this.endByClient('decline', msg, requestedIp(msg) ?? 0, time, hw);
      default:
        return null;
    }
  }

  private trusted(msg: DhcpMessage, srcIp: number): boolean {
    const { trustedGiaddrs, trustedServers } = this.config;
    if (trustedGiaddrs.size === 0 && trustedServers.size === 0) return true;
    if (msg.giaddr !== 0 && trustedGiaddrs.has(msg.giaddr)) return true;
    const server = serverId(msg);
    return (server !== undefined && trustedServers.has(server)) || trustedServers.has(srcIp);
  }

  private ignore(reason: IgnoredReason): null {
    this.ignored[reason]++;
    return null;
  }

  private clientIdOf(msg: DhcpMessage): string | null {
    const id = clientId(msg);
    return id === undefined || id.length === 0 ? null : bytesToHex(id);
  }

  private requestKey(hw: Buffer, xid: number): string {
    return `${bytesToPlainHex(hw)}/${xid}`;
  }

  private rememberRequest(msg: DhcpMessage, time: number): void {
    if (this.requests.size >= REQUEST_CACHE_LIMIT) {
      // Oldest first (Map keeps insertion order): bounded memory under a REQUEST flood.
      for (const [key, entry] of this.requests) {
        if (this.requests.size < REQUEST_CACHE_LIMIT && entry.time > time - REQUEST_CACHE_MS) break;
        this.requests.delete(key);
      }
    }
    const key = this.requestKey(chaddr(msg), msg.xid);
    this.requests.delete(key);
    this.requests.set(key, { time, options: optionsRecord(msg) });
  }

  private ack(msg: DhcpMessage, decoded: DecodedDhcp, time: number, hw: Buffer): Observation | null {
    const lease = leaseSeconds(msg);
    // RFC 2131 §3.4: the ACK to an INFORM carries no lease and must create nothing.
    if (lease === undefined) return this.ignore('ack-without-lease');
    if (lease === 0) return this.ignore('ack-zero-lease');
    const ip = msg.yiaddr !== 0 ? msg.yiaddr : msg.ciaddr;
    if (!isSubscriberAddress(ip)) return this.ignore('bad-address');
    if (allZero(hw)) return this.ignore('bad-chaddr');
    const request = this.requests.get(this.requestKey(hw, msg.xid));
    const server = serverId(msg);
    const agent = msg.relayAgentInfo;
    return {
      kind: 'ack',
      time,
      vr: this.config.vr,
      ip: ipToString(ip),
      xid: msg.xid,
      renewal: msg.ciaddr !== 0,
      mac: bytesToHex(hw),
      // Servers often do not echo option 61: the client's REQUEST has it.
      clientId: this.clientIdOf(msg) ?? (request?.options['61'] ? bytesToHex(Buffer.from(request.options['61'], 'hex')) : null),
      giaddr: ipToString(msg.giaddr),
      serverId: server === undefined ? null : ipToString(server),
      circuitId: agent?.circuitId ? bytesToHex(agent.circuitId) : null,
      remoteId: agent?.remoteId ? bytesToHex(agent.remoteId) : null,
      vlans: [...decoded.packet.vlans],
      leaseSeconds: lease,
      clientOptions: request?.options ?? {},
      serverOptions: optionsRecord(msg),
    };
  }

  private endByClient(kind: 'release' | 'decline', msg: DhcpMessage, ip: number, time: number, hw: Buffer): Observation | null {
    if (!isSubscriberAddress(ip)) return this.ignore('bad-address');
    if (allZero(hw)) return this.ignore('bad-chaddr');
    return { kind, time, vr: this.config.vr, ip: ipToString(ip), mac: bytesToHex(hw), clientId: this.clientIdOf(msg) };
  }
}
