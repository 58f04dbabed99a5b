/**
 * DAE test harness: a store holding real bindings (a real capture replayed through the
 * engine), a DAE server on a free port, and FreeRADIUS's `radclient` as the client.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { frameTimeMs } from '../../src/capture/frame.js';
import { parseConfig } from '../../src/config/load.js';
import { startDaeServer, type DaeServer, type DaeServerOptions } from '../../src/dae/index.js';
import { FrameDecoder } from '../../src/dhcp/frame-decoder.js';
import type { SubscriberEvent } from '../../src/events/event.js';
import type { MemoryLeaseStore } from '../../src/leases/memory-store.js';
import { Observer } from '../../src/leases/observer.js';
import { LeasePipeline } from '../../src/subscribers/lease-pipeline.js';
import { engineConfigFrom, observerConfigFrom } from '../../src/subscribers/runtime-config.js';
import { FIXTURE_DIR, fixtureFrames } from '../helpers/fixtures.js';

export const SECRET = 'dae-test-secret';
export const NAS = { identifier: 'dxgw-test-nas', ip: '192.0.2.254' };

export const config = parseConfig({
  site: 'dae',
  dae: { enabled: true, listen: '127.0.0.1:0', clients: [{ address: '127.0.0.1', secret: SECRET }] },
});
export const engine = engineConfigFrom(config);

/** many-clients.pcap (20 udhcpc clients, m01–m05 active, no releases) replayed into memory. */
export async function replayedStore(file = 'many-clients.pcap'): Promise<MemoryLeaseStore> {
  const pipeline = new LeasePipeline({ engine, observer: new Observer(observerConfigFrom(config)) });
  const decoder = new FrameDecoder();
  let last = 0;
  for (const frame of fixtureFrames(join(FIXTURE_DIR, file))) {
    last = Math.max(last, frameTimeMs(frame));
    pipeline.handle(decoder.decode(frame));
  }
  // Timers only up to the last packet: the bindings are still there, as in a live daemon.
  pipeline.fireTimersUntil(last);
  await pipeline.flush();
  return pipeline.view;
}

export interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

export async function startDae(store: MemoryLeaseStore, over: Partial<DaeServerOptions> = {}): Promise<{ server: DaeServer; logs: LogLine[] }> {
  const logs: LogLine[] = [];
  const server = await startDaeServer({
    config: config.dae,
    store,
    engine,
    nas: NAS,
    onLog: (level, message, fields) => logs.push({ level, message, fields }),
    ...over,
  });
  return { server, logs };
}

/** Outbox events after `position`. */
export async function eventsAfter(store: MemoryLeaseStore, position: string): Promise<SubscriberEvent[]> {
  return (await store.readOutbox(position, 1000)).map((e) => e.event);
}

export async function outboxEnd(store: MemoryLeaseStore): Promise<string> {
  const all = await store.readOutbox('0', 1_000_000);
  return all.at(-1)?.position ?? '0';
}

// radclient reads <raddb>/dictionary: point it at the stock one (freeradius-common, the
// package of the dictionaries themselves) so the tests do not depend on /etc/freeradius.
const RADDB = '/usr/share/freeradius';

export interface RadclientResult {
  /** Received packet name (Disconnect-ACK, CoA-NAK …) or null when none came. */
  reply: string | null;
  output: string;
}

/** `echo ATTRS | radclient -x -t 1 -r 1 127.0.0.1:PORT COMMAND SECRET`. */
export function radclient(port: number, command: 'disconnect' | 'coa', attributes: string, secret = SECRET, host = '127.0.0.1'): Promise<RadclientResult> {
  return new Promise((resolve, reject) => {
    const child = execFile('radclient', ['-x', '-d', RADDB, '-t', '1', '-r', '1', `${host}:${port}`, command, secret], { timeout: 15_000 }, (error, stdout, stderr) => {
      if (error && error.code === undefined) return reject(error);
      const output = `${stdout}${stderr}`;
      resolve({ reply: /Received (\S+) Id/.exec(output)?.[1] ?? null, output });
    });
    child.stdin!.end(`${attributes}\n`);
  });
}
