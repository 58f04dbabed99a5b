/**
 * A stand-in for the SAE/SRC policy server: records every POST, verifies the signature, and
 * answers as the test scripts it (status, Retry-After, random failures, hanging, down).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signBody } from '../../src/delivery/sinks/http-sink.js';

export interface Received {
  event: { id: string; type: string; seq: number; reason: string | null; subscriber: { vr: string; ip: string } };
  headers: IncomingHttpHeaders;
  signatureOk: boolean;
  status: number;
  /** When the request arrived (ms). */
  at: number;
}

export type Behaviour = (request: { eventId: string; attempt: number }) => { status: number; retryAfter?: string } | 'hang';

export interface HttpReceiver {
  url: string;
  /** Every request, answered or not. */
  requests: Received[];
  /** Requests answered 2xx, first delivery of each event id only. */
  delivered(): Received[];
  behave(behaviour: Behaviour): void;
  close(): Promise<void>;
}

export async function startHttpReceiver(secret: string, behaviour: Behaviour = () => ({ status: 200 })): Promise<HttpReceiver> {
  let current = behaviour;
  const requests: Received[] = [];
  const attempts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      let events: Array<Received['event']>;
      try {
        // Batch mode posts a JSON array: one request, every event recorded on its own.
        const parsed = JSON.parse(body);
        events = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        res.statusCode = 400;
        res.end();
        return;
      }
      const event = events[0]!;
      const attempt = (attempts.get(event.id) ?? 0) + 1;
      attempts.set(event.id, attempt);
      const answer = current({ eventId: event.id, attempt });
      const signatureOk = req.headers['x-dxgw-signature'] === signBody(secret, String(req.headers['x-dxgw-timestamp']), body);
      if (answer === 'hang') {
        for (const e of events) requests.push({ event: e, headers: req.headers, signatureOk, status: 0, at: Date.now() });
        return; // never answer
      }
      for (const e of events) requests.push({ event: e, headers: req.headers, signatureOk, status: answer.status, at: Date.now() });
      res.statusCode = answer.status;
      if (answer.retryAfter) res.setHeader('retry-after', answer.retryAfter);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    requests,
    delivered() {
      const seen = new Set<string>();
      return requests.filter((r) => {
      if (r.status < 200 || r.status >= 300 || seen.has(r.event.id)) return false;
      seen.add(r.event.id);
      return true;
    });
    },
    behave(b) {
      current = b;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** True when, per subscriber lane, the requests' seqs only go up (the order dxgw promises). */
export function orderedPerLane(list: ReadonlyArray<{ event: { seq: number; subscriber: { vr: string; ip: string } } }>): boolean {
  const last = new Map<string, number>();
  for (const { event } of list) {
    const lane = `${event.subscriber.vr}|${event.subscriber.ip}`;
    if (event.seq <= (last.get(lane) ?? 0)) return false;
    last.set(lane, event.seq);
  }
  return true;
}
