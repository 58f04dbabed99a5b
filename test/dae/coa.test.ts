/**
 * CoA-Request. The lease engine cannot change a live binding yet, so a CoA is validated,
 * its session found, and any change refused with 405 Unsupported-Service (docs/dae.md).
 * With an `applyChange` (what the daemon passes once the engine has a change observation)
 * the same request is ACKed and the change handed over as profile + attributes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CoaChange, DaeServer } from '../../src/dae/index.js';
import type { Binding } from '../../src/leases/binding.js';
import type { MemoryLeaseStore } from '../../src/leases/memory-store.js';
import { requireTool } from '../helpers/tools.js';
import { outboxEnd, radclient, replayedStore, SECRET, startDae } from './harness.js';
import { ip4, RawClient, readAnswer, request, str, vsa } from './raw.js';

let server: DaeServer | undefined;
afterEach(async () => server?.stop());

async function setup(over: Parameters<typeof startDae>[1] = {}) {
  const store = await replayedStore();
  const started = await startDae(store, over);
  server = started.server;
  return { store, port: server.address().port, before: JSON.stringify(await store.list()), outbox: await outboxEnd(store) };
}

const m02 = (store: MemoryLeaseStore): Binding => store.getSync('default', '192.0.2.13')!;

describe.runIf(requireTool('radclient'))('CoA-Request (radclient)', () => {
  it('a change (Filter-Id, ERX-Service-Bundle): 405 Unsupported-Service, the binding untouched, no events', async () => {
    const { store, port, before, outbox } = await setup();
    const { reply, output } = await radclient(port, 'coa', `Acct-Session-Id = "${m02(store).sessionId}", Filter-Id = "gold", ERX-Service-Bundle = "premium"`);
    expect(reply).toBe('CoA-NAK');
    expect(output).toContain('Error-Cause = Unsupported-Service');
    expect(JSON.stringify(await store.list())).toBe(before);
    expect(await outboxEnd(store)).toBe(outbox);
    expect(server!.counters.naks['405']).toBe(1);
  });

  it('the session is looked for first: a change for an unknown session is 503', async () => {
    const { port } = await setup();
    const { output } = await radclient(port, 'coa', 'Framed-IP-Address = 192.0.2.200, Filter-Id = "gold"');
    expect(output).toContain('Error-Cause = Session-Context-Not-Found');
  });

  it('identification only (nothing to change): ACK', async () => {
    const { port, store } = await setup();
    const { reply } = await radclient(port, 'coa', `Calling-Station-Id = "02:00:00:00:0B:02"`);
    expect(reply).toBe('CoA-ACK');
    expect(m02(store)).toBeDefined();
  });

  it('an attribute dxgw does not know (other vendors) or that is no change (Acct-Terminate-Cause): 401', async () => {
    const { port, store } = await setup();
    for (const extra of ['Cisco-AVPair = "ip:inacl#1=deny"', 'Acct-Terminate-Cause = Admin-Reset', 'Acct-Multi-Session-Id = "x"']) {
      const { output } = await radclient(port, 'coa', `Acct-Session-Id = "${m02(store).sessionId}", ${extra}`);
      expect(output, extra).toContain('Error-Cause = Unsupported-Attribute');
    }
  });

  it('wrong NAS: 403 before anything else', async () => {
    const { port, store } = await setup();
    const { output } = await radclient(port, 'coa', `Acct-Session-Id = "${m02(store).sessionId}", NAS-Identifier = "elsewhere", Filter-Id = "gold"`);
    expect(output).toContain('Error-Cause = NAS-Identification-Mismatch');
  });

  it('with applyChange: ACK, and the change arrives as profile + attributes for that binding', async () => {
    const calls: Array<{ ip: string; change: CoaChange }> = [];
    const { port, store } = await setup({
      profileAttribute: 'ERX-Service-Bundle',
      applyChange: async (binding, change) => {
        calls.push({ ip: binding.ip, change });
        return [];
      },
    });
    const { reply } = await radclient(port, 'coa', `Framed-IP-Address = 192.0.2.13, ERX-Service-Bundle = "premium", Filter-Id = "gold", Session-Timeout = 3600`);
    expect(reply).toBe('CoA-ACK');
    expect(calls).toEqual([{ ip: '192.0.2.13', change: { profile: 'premium', attributes: { 'Filter-Id': 'gold', 'Session-Timeout': '3600' } } }]);
    expect(m02(store)).toBeDefined();
  });
});

describe('CoA-Request (exact bytes)', () => {
  it('a value of the wrong size is 407 Invalid-Attribute-Value; a repeated identification attribute 404', async () => {
    const { port, store } = await setup();
    const client = await RawClient.open();
    try {
      const id = [44, str(m02(store).sessionId)] as [number, Buffer];
      const cases: Array<[Array<[number, Buffer]>, number]> = [
        [[id, [27, Buffer.from([0, 1])]], 407], // Session-Timeout in 2 octets
        [[[8, Buffer.from([192, 0, 2])]], 407], // Framed-IP-Address in 3 octets
        [[id, [26, vsa(4874, 31, Buffer.alloc(0))]], 407], // empty ERX-Service-Bundle
        [[id, [26, Buffer.from([0, 0, 0x13, 0x0a, 31, 9])]], 407], // ERX sub-attribute overruns the VSA
        [[id, [8, ip4('192.0.2.13')], [8, ip4('192.0.2.13')]], 404],
        [[id, [26, vsa(9, 1, str('x'))]], 401], // Cisco
        [[id, [200, str('x')]], 401], // no such attribute
      ];
      for (const [i, [attrs, cause]] of cases.entries()) {
        const req = request(43, i, attrs, SECRET);
        const answer = readAnswer((await client.exchange(port, req))!, req, SECRET);
        expect({ code: answer.code, cause: answer.errorCause, authentic: answer.authentic }).toEqual({ code: 45, cause, authentic: true });
      }
    } finally {
      client.close();
    }
  });
});
