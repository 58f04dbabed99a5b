/**
 * A scripted RADIUS accounting peer on 127.0.0.1: records every datagram (decoded with its
 * secret, which also checks the Request Authenticator) and answers as the test's policy says.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import radius from 'radius';
import { ensureDictionary } from '../../src/radius/index.js';

export interface Received {
  packet: Buffer;
  decoded: radius.Decoded;
  /** The Request Authenticator verified with the peer's secret. */
  authentic: boolean;
  from: RemoteInfo;
  at: number;
}

/** What to do with the n-th (0-based) request: nothing, or the datagrams to send back (from this peer's port). */
export type Policy = (request: Received, index: number, peer: UdpPeer) => Buffer[] | Buffer | void | Promise<void>;

export const silent: Policy = () => undefined;

export class UdpPeer {
  readonly received: Received[] = [];

  private constructor(
    private readonly socket: Socket,
    readonly secret: string,
    public policy: Policy,
  ) {
    socket.on('message', (packet, from) => {
      ensureDictionary();
      let decoded: radius.Decoded;
      let authentic = true;
      try {
        decoded = radius.decode({ packet: Buffer.from(packet), secret });
      } catch {
        authentic = false;
        decoded = radius.decode_without_secret({ packet: Buffer.from(packet) });
      }
      const request = { packet, decoded, authentic, from, at: Date.now() };
      const reply = this.policy(request, this.received.push(request) - 1, this);
      if (reply && !(reply instanceof Promise)) for (const d of Array.isArray(reply) ? reply : [reply]) this.reply(request, d);
    });
  }

  static async start(secret: string, policy: Policy = silent): Promise<UdpPeer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new UdpPeer(socket, secret, policy);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** A valid Accounting-Response to `request` (with `secret`, by default ours). */
  answer(request: Received, secret = this.secret): Buffer {
    return radius.encode_response({ packet: request.decoded, code: 'Accounting-Response', secret });
  }

  reply(request: Received, datagram: Buffer): void {
    this.socket.send(datagram, request.from.port, request.from.address);
  }

  /** Attribute of the n-th request, as the codec decoded it. */
  attr(index: number, name: string): unknown {
    return this.received[index]?.decoded.attributes[name];
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** A UDP port with nothing behind it (bound, then closed). */
export async function closedPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
