/**
 * An independent RFC 5176 packet builder/reader for tests that need exact bytes (duplicates,
 * bad Message-Authenticators, hostile input): written from the RFCs, sharing no code with
 * src/dae, so it checks the server rather than agreeing with it.
 */
import { createHash, createHmac } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

export type Attr = [type: number, value: Buffer];

export const str = (text: string): Buffer => Buffer.from(text, 'utf8');
export const ip4 = (text: string): Buffer => Buffer.from(text.split('.').map(Number));
export const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
/** Vendor-Specific value: vendor id + one sub-attribute. */
export const vsa = (vendor: number, type: number, value: Buffer): Buffer => Buffer.concat([u32(vendor), Buffer.from([type, value.length + 2]), value]);

function assemble(code: number, id: number, auth: Buffer, attrs: readonly Attr[]): Buffer {
  const body = Buffer.concat(attrs.map(([t, v]) => Buffer.concat([Buffer.from([t, v.length + 2]), v])));
  const head = Buffer.alloc(4);
  head[0] = code;
  head[1] = id;
  head.writeUInt16BE(20 + body.length, 2);
  return Buffer.concat([head, auth, body]);
}

/**
 * A signed Disconnect-Request (40) or CoA-Request (43). `messageAuthenticator`: add one
 * (HMAC-MD5 with a zero authenticator field), or 'bad' for a wrong value.
 */
export function request(code: 40 | 43, id: number, attrs: readonly Attr[], secret: string, options: { messageAuthenticator?: true | 'bad' } = {}): Buffer {
  const all: Attr[] = [...attrs];
  if (options.messageAuthenticator) all.push([80, Buffer.alloc(16)]);
  const packet = assemble(code, id, Buffer.alloc(16), all);
  if (options.messageAuthenticator) {
    const mac = createHmac('md5', secret).update(packet).digest();
    if (options.messageAuthenticator === 'bad') mac[0]! ^= 1;
    mac.copy(packet, packet.length - 16);
  }
  createHash('md5').update(packet).update(secret).digest().copy(packet, 4);
  return packet;
}

export interface Answer {
  code: number;
  id: number;
  attrs: Attr[];
  /** Response Authenticator = MD5(Code+Id+Length+Request Authenticator+Attributes+Secret). */
  authentic: boolean;
  errorCause: number | undefined;
}

export function readAnswer(answer: Buffer, req: Buffer, secret: string): Answer {
  const attrs: Attr[] = [];
  for (let at = 20; at < answer.length; at += answer[at + 1]!) attrs.push([answer[at]!, answer.subarray(at + 2, at + answer[at + 1]!)]);
  const expected = createHash('md5').update(answer.subarray(0, 4)).update(req.subarray(4, 20)).update(answer.subarray(20)).update(secret).digest();
  const cause = attrs.find(([t]) => t === 101)?.[1];
  return { code: answer[0]!, id: answer[1]!, attrs, authentic: expected.equals(answer.subarray(4, 20)), errorCause: cause?.readUInt32BE(0) };
}

/** One UDP socket (fixed source address and port, as a retransmitting client keeps them). */
export class RawClient {
  private constructor(private readonly socket: Socket) {}

  static async open(from = '127.0.0.1'): Promise<RawClient> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, from, resolve));
    return new RawClient(socket);
  }

  /** Sends and waits up to `waitMs` for one datagram back (null: none). */
  exchange(port: number, datagram: Buffer, waitMs = 400): Promise<Buffer | null> {
    return new Promise((resolve) => {
      const onMessage = (m: Buffer) => {
        clearTimeout(timer);
        resolve(m);
      };
      const timer = setTimeout(() => {
        this.socket.off('message', onMessage);
        resolve(null);
      }, waitMs);
      this.socket.once('message', onMessage);
      this.socket.send(datagram, port, '127.0.0.1');
    });
  }

  /** Sends every datagram at once, then collects all answers for `waitMs`. */
  async burst(port: number, datagrams: readonly Buffer[], waitMs = 400): Promise<Buffer[]> {
    const answers: Buffer[] = [];
    const onMessage = (m: Buffer) => answers.push(m);
    this.socket.on('message', onMessage);
    for (const d of datagrams) this.socket.send(d, port, '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    this.socket.off('message', onMessage);
    return answers;
  }

  close(): void {
    this.socket.close();
  }
}

