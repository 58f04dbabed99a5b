/**
 * Disconnect-Request through FreeRADIUS's radclient against bindings replayed from a real
 * capture (many-clients.pcap: m01–m05 active, m06–m20 bound): the session is found by any
 * attribute accounting sent, cleared through the engine with reason `disconnected`, and the
 * right Error-Cause comes back when it cannot be.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DaeServer } from '../../src/dae/index.js';
import { accountingAttributes } from '../../src/delivery/sinks/radius-attributes.js';
import type { Binding } from '../../src/leases/binding.js';
import type { MemoryLeaseStore } from '../../src/leases/memory-store.js';
import { requireTool } from '../helpers/tools.js';
import { eventsAfter, NAS, outboxEnd, radclient, replayedStore, startDae, type LogLine } from './harness.js';

let store: MemoryLeaseStore;
let server: DaeServer;
let logs: LogLine[];
let port: number;

beforeEach(async () => {
  store = await replayedStore();
  ({ server, logs } = await startDae(store));
  port = server.address().port;
});
afterEach(async () => server?.stop());

const active = (): Binding => store.getSync('default', '192.0.2.13')!; // m02, pinged: active
const bound = (): Binding => store.getSync('default', '192.0.2.20')!; // m09, never active

async function disconnect(attributes: string) {
  return radclient(port, 'disconnect', attributes);
}

/** Disconnects and returns what the outbox gained. */
async function disconnected(attributes: string) {
  const from = await outboxEnd(store);
  const result = await disconnect(attributes);
  return { ...result, events: await eventsAfter(store, from) };
}

describe.runIf(requireTool('radclient'))('Disconnect-Request (radclient)', () => {
  it('by Acct-Session-Id: ACK, binding gone, deletion events with reason disconnected, a Stop with Admin-Reset', async () => {
    const b = active();
    const { reply, events } = await disconnected(`Acct-Session-Id = "${b.sessionId}"`);
    expect(reply).toBe('Disconnect-ACK');
    expect(store.getSync('default', b.ip)).toBeUndefined();
    expect(events.map((e) => `${e.type}:${e.reason}:${e.subscriber.ip}`)).toEqual(['interface-deleted:disconnected:192.0.2.13', 'address-deleted:disconnected:192.0.2.13']);
    // What the RADIUS accounting sink makes of it.
    const stop = Object.fromEntries(accountingAttributes(events[1]!, { nasIp: NAS.ip, nasIdentifier: NAS.identifier }).map((a) => [a.name, a.value]));
    expect(stop).toMatchObject({ 'Acct-Status-Type': 'Stop', 'Acct-Terminate-Cause': 'Admin-Reset', 'Acct-Session-Id': b.sessionId });
    expect(server.counters.acks['Disconnect-ACK']).toBe(1);
    expect(logs.find((l) => l.message === 'Disconnect-ACK')?.fields).toMatchObject({ sessionId: b.sessionId, ip: b.ip, client: '127.0.0.1' });
  });

  it('by Framed-IP-Address', async () => {
    const { reply, events } = await disconnected('Framed-IP-Address = 192.0.2.14');
    expect(reply).toBe('Disconnect-ACK');
    expect(store.getSync('default', '192.0.2.14')).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['interface-deleted', 'address-deleted']);
    expect(await store.count()).toBe(19);
  });

  it.each([
    ['colon lower case', '02:00:00:00:0b:04'],
    ['dashes upper case', '02-00-00-00-0B-04'],
    ['Cisco dotted', '0200.0000.0b04'],
    ['bare hex', '020000000B04'],
  ])('by Calling-Station-Id (%s)', async (_, mac) => {
    const { reply, events } = await disconnected(`Calling-Station-Id = "${mac}"`);
    expect(reply).toBe('Disconnect-ACK');
    expect(store.getSync('default', '192.0.2.15')).toBeUndefined();
    expect(events.every((e) => e.subscriber.mac === '02:00:00:00:0b:04' && e.reason === 'disconnected')).toBe(true);
  });

  it('by User-Name (the MAC, as accounting sends it without a login name)', async () => {
    const { reply } = await disconnected('User-Name = "02:00:00:00:0b:05"');
    expect(reply).toBe('Disconnect-ACK');
    expect(store.getSync('default', '192.0.2.16')).toBeUndefined();
  });

  it('with every attribute of the Start record copied back: all must match, and do', async () => {
    const b = active();
    const start = (await store.history('default', b.ip, 100)).find((e) => e.type === 'address-added')!;
    const attrs = accountingAttributes(start, { nasIp: NAS.ip, nasIdentifier: NAS.identifier });
    const wanted = ['User-Name', 'NAS-IP-Address', 'NAS-Identifier', 'Framed-IP-Address', 'Calling-Station-Id', 'Acct-Session-Id', 'NAS-Port-Id', 'ERX-Virtual-Router-Name'];
    const lines = attrs.filter((a) => wanted.includes(a.name)).map((a) => `${a.name} = ${a.name.endsWith('-Address') ? a.value : `"${String(a.value)}"`}`);
    expect(lines).toHaveLength(wanted.length);
    const { reply, output } = await disconnect(lines.join(', '));
    expect(reply, output).toBe('Disconnect-ACK');
    expect(store.getSync('default', b.ip)).toBeUndefined();
  });

  it('a binding never activated is cleared without events (none were sent for it)', async () => {
    const b = bound();
    const { reply, events } = await disconnected(`Framed-IP-Address = ${b.ip}`);
    expect(reply).toBe('Disconnect-ACK');
    expect(events).toEqual([]);
    expect(store.getSync('default', b.ip)).toBeUndefined();
  });

  it('unknown session: NAK 503 Session-Context-Not-Found, nothing changed', async () => {
    const { reply, output, events } = await disconnected('Acct-Session-Id = "0000000000000000"');
    expect(reply).toBe('Disconnect-NAK');
    expect(output).toContain('Error-Cause = Session-Context-Not-Found');
    expect(events).toEqual([]);
    expect(await store.count()).toBe(20);
    expect(server.counters.naks['503']).toBe(1);
  });

  it('attributes naming two different sessions: 503, not a guess', async () => {
    const { reply, output } = await disconnected(`Acct-Session-Id = "${active().sessionId}", Framed-IP-Address = 192.0.2.14`);
    expect(reply).toBe('Disconnect-NAK');
    expect(output).toContain('Error-Cause = Session-Context-Not-Found');
    expect(await store.count()).toBe(20);
  });

  it('an attribute matching every session: 508 Multiple-Session-Selection-Unsupported', async () => {
    const { output } = await disconnected('ERX-Virtual-Router-Name = "default"');
    expect(output).toContain('Error-Cause = Multiple-Session-Selection-Unsupported');
    expect(await store.count()).toBe(20);
  });

  it('wrong NAS-Identifier or NAS-IP-Address: 403 NAS-Identification-Mismatch; the right ones: ACK', async () => {
    const b = active();
    for (const nas of ['NAS-Identifier = "another-nas"', 'NAS-IP-Address = 198.51.100.99']) {
      const { reply, output } = await disconnect(`Acct-Session-Id = "${b.sessionId}", ${nas}`);
      expect(reply).toBe('Disconnect-NAK');
      expect(output).toContain('Error-Cause = NAS-Identification-Mismatch');
    }
    expect(store.getSync('default', b.ip)).toBeDefined();
    const ok = await disconnect(`Acct-Session-Id = "${b.sessionId}", NAS-Identifier = "${NAS.identifier}", NAS-IP-Address = ${NAS.ip}`);
    expect(ok.reply).toBe('Disconnect-ACK');
  });

  it('NAS identification only: 402 Missing-Attribute', async () => {
    const { output } = await disconnect(`NAS-Identifier = "${NAS.identifier}"`);
    expect(output).toContain('Error-Cause = Missing-Attribute');
  });

  it('Service-Type (Authorize-Only: dxgw sends no Access-Request): 405 Unsupported-Service', async () => {
    const { output } = await disconnect(`Acct-Session-Id = "${active().sessionId}", Service-Type = Authorize-Only`);
    expect(output).toContain('Error-Cause = Unsupported-Service');
    expect(store.getSync('default', active().ip)).toBeDefined();
  });

  it('an attribute a Disconnect cannot carry or dxgw cannot match: 401 Unsupported-Attribute', async () => {
    for (const extra of ['Filter-Id = "gold"', 'Called-Station-Id = "x"', 'Cisco-AVPair = "subscriber:command=account-logoff"']) {
      const { output } = await disconnect(`Acct-Session-Id = "${active().sessionId}", ${extra}`);
      expect(output, extra).toContain('Error-Cause = Unsupported-Attribute');
    }
    expect(store.getSync('default', active().ip)).toBeDefined();
  });

  it('with Message-Authenticator and Proxy-State: verified, echoed, signed', async () => {
    const { reply, output } = await disconnect(`Acct-Session-Id = "${active().sessionId}", Proxy-State = 0x616263, Message-Authenticator = 0x00`);
    expect(reply).toBe('Disconnect-ACK');
    // radclient drops answers whose authenticators do not verify: printing them is the proof.
    expect(output).toMatch(/Received Disconnect-ACK[\s\S]*Proxy-State = 0x616263[\s\S]*Message-Authenticator = 0x[0-9a-f]{32}/);
  });
});
