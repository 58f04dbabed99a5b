/**
 * The RADIUS sink against a real FreeRADIUS 3: every record arrives and FreeRADIUS decodes
 * every attribute by name (its detail file is the witness), a wrong secret gets no valid
 * answer, and failover reaches it behind a silent first server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RadiusSinkConfig } from '../../src/config/schema-sinks.js';
import type { DeliveryAttempt } from '../../src/delivery/sink.js';
import { encodeDhcpOptions } from '../../src/delivery/sinks/radius-dhcp.js';
import { RadiusSink, type RadiusSinkOptions } from '../../src/delivery/sinks/radius-sink.js';
import type { DeleteReason } from '../../src/leases/observation.js';
import { startFreeRadius, type DetailRecord, type FreeRadius } from '../helpers/freeradius.js';
import { added, binding, deleted, renewed } from './events.js';
import { UdpPeer } from './udp-peer.js';

let fr: FreeRadius;
beforeAll(async () => {
  fr = await startFreeRadius({ secret: 'fr-test-secret' });
});
afterAll(async () => {
  await fr?.stop();
});

const sinks: RadiusSink[] = [];
afterEach(async () => {
  while (sinks.length) await sinks.pop()!.stop().catch(() => undefined);
});

function sink(over: Partial<RadiusSinkConfig> = {}, options: RadiusSinkOptions = {}): RadiusSink {
  const s = new RadiusSink(
    {
      name: 'acct',
      type: 'radius',
      events: ['address-added', 'address-renewed', 'address-deleted'],
      servers: [{ host: '127.0.0.1', port: fr.port, secret: fr.secret }],
      nasIdentifier: 'dxgw-test',
      nasIp: '192.0.2.254',
      interim: true,
      timeoutMs: 3000,
      retries: 2,
      accountingOnOff: true,
      nasPortType: 'Ethernet',
      ...over,
    },
    { timeoutMs: 500, retries: 2, ...options },
  );
  sinks.push(s);
  return s;
}

const attempt = (n = 1): DeliveryAttempt => ({ attempt: n, maxAttempts: 5, signal: new AbortController().signal });

/** Runs `work` and returns the detail records it added. */
async function recorded(work: () => Promise<unknown>, expected = 1): Promise<DetailRecord[]> {
  const before = fr.records().length;
  await work();
  return (await fr.waitForRecords(before + expected)).slice(before);
}

/** The record as FreeRADIUS decoded it, minus the Timestamp its detail module adds. */
const decoded = (r: DetailRecord): Array<[string, string]> => r.attributes.filter(([name]) => name !== 'Timestamp');

const hex = (n: number, byte: number): string => Buffer.alloc(n, byte).toString('hex');

describe('RADIUS accounting into FreeRADIUS', () => {
  it('Accounting-On at start, Accounting-Off at stop (a store without sessions)', async () => {
    // The store's answers (radius-announcements.ts; accounting-on.test.ts runs them on Redis): nothing announced, no binding.
    const s = sink({}, { announcements: { announced: async () => false, recordAnnounced: async () => undefined, holdsSessions: async () => false } });
    const [on] = await recorded(() => s.start());
    expect(decoded(on!)).toEqual([
      ['Acct-Status-Type', 'Accounting-On'],
      ['NAS-IP-Address', '192.0.2.254'],
      ['NAS-Identifier', 'dxgw-test'],
      ['Acct-Session-Id', expect.stringMatching(/^[0-9a-f]{16}$/)],
      ['Event-Timestamp', expect.stringMatching(/^\w{3} [ \d]\d \d{4} \d\d:\d\d:\d\d UTC$/)],
      ['Acct-Delay-Time', '0'],
    ]);
    const [off] = await recorded(() => s.stop());
    expect(off!.get('Acct-Status-Type')).toBe('Accounting-Off');
    expect(off!.get('Acct-Session-Id')).toBe(on!.get('Acct-Session-Id'));
  });

  it('Start carries every attribute, decoded by name, long options split over two ERX-Dhcp-Options', async () => {
    const options = { '12': hex(60, 0x61), '43': hex(200, 0xab), '53': '03', '55': '0103060f', '60': hex(40, 0x62) };
    const b = binding({ clientOptions: options });
    const [start] = await recorded(() => sink().deliver(added(b), attempt()));
    const tlvs = encodeDhcpOptions(options);
    expect(tlvs.length).toBeGreaterThan(247);
    expect(decoded(start!)).toEqual([
      ['Acct-Status-Type', 'Start'],
      ['User-Name', '02:00:00:00:02:01'],
      ['NAS-IP-Address', '192.0.2.254'],
      ['NAS-Identifier', 'dxgw-test'],
      ['NAS-Port-Type', 'Ethernet'],
      ['NAS-Port-Id', 'relay0'],
      ['Framed-IP-Address', '192.0.2.10'],
      ['Framed-IP-Netmask', '255.255.255.0'],
      ['Calling-Station-Id', '02:00:00:00:02:01'],
      ['Acct-Session-Id', b.sessionId],
      ['Acct-Multi-Session-Id', expect.stringMatching(/^[0-9a-f]{16}$/)],
      ['Acct-Authentic', 'Local'],
      ['Event-Timestamp', 'Nov 14 2023 22:13:20 UTC'],
      ['ERX-Virtual-Router-Name', 'vr-customers'],
      ['ERX-Interface-Desc', 'ip192-0-2-10'],
      ['ERX-Dhcp-Options', `0x${tlvs.subarray(0, 247).toString('hex')}`],
      ['ERX-Dhcp-Options', `0x${tlvs.subarray(247).toString('hex')}`],
      ['ERX-Dhcp-Mac-Addr', '02:00:00:00:02:01'],
      ['ERX-Dhcp-Gi-Address', '192.0.2.1'],
      ['ERX-Dhcp-Option-82', '0x010672656c6179300202' + '0102'],
      ['ERX-Acct-Request-Reason', 'IP-Active'],
      ['Acct-Delay-Time', '0'],
    ]);
  });

  it('NAS-Port-Id is the circuit-id as text when printable, else colon hex, absent without one; NAS-Port-Type as configured', async () => {
    const s = sink({ nasPortType: 'xDSL' });
    const records = await recorded(async () => {
      await s.deliver(added(binding({ sessionId: 'port-id-hex', circuitId: '00:01:ff:41' })), attempt());
      await s.deliver(added(binding({ sessionId: 'port-id-none', circuitId: null })), attempt());
    }, 2);
    expect(records[0]!.all('NAS-Port-Id')).toEqual(['00:01:ff:41']);
    expect(records[1]!.all('NAS-Port-Id')).toEqual([]);
    expect(records.map((r) => r.get('NAS-Port-Type'))).toEqual(['xDSL', 'xDSL']);
    const [numbered] = await recorded(() => sink({ nasPortType: 15 }).deliver(added(binding({ sessionId: 'port-type-15' })), attempt()));
    expect(numbered!.get('NAS-Port-Type')).toBe('Ethernet');
  });

  it("Acct-Multi-Session-Id links one device's sessions: same MAC, same id; another MAC, another", async () => {
    const s = sink();
    const records = await recorded(async () => {
      await s.deliver(added(binding({ sessionId: 'multi-1', ip: '192.0.2.31' })), attempt());
      await s.deliver(added(binding({ sessionId: 'multi-2', ip: '192.0.2.32' })), attempt());
      await s.deliver(added(binding({ sessionId: 'multi-3', ip: '192.0.2.33', mac: '02:00:00:00:02:99' })), attempt());
    }, 3);
    const ids = records.map((r) => r.get('Acct-Multi-Session-Id'));
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
    expect(records.map((r) => r.get('Acct-Session-Id'))).toEqual(['multi-1', 'multi-2', 'multi-3']);
  });

  it('Interim-Update and Stop: same Acct-Session-Id as the Start, session time, terminate cause', async () => {
    const s = sink();
    const b = binding({ sessionId: 'a1b2c3d4e5f60718', ip: '192.0.2.20' });
    const records = await recorded(async () => {
      await s.deliver(added(b), attempt());
      await s.deliver(renewed(b, 1_800_000), attempt());
      await s.deliver(deleted(b, 'cleared', 3_000_000, 1_800_000), attempt());
    }, 3);
    expect(records.map((r) => r.get('Acct-Status-Type'))).toEqual(['Start', 'Interim-Update', 'Stop']);
    expect(records.map((r) => r.get('Acct-Session-Id'))).toEqual([b.sessionId, b.sessionId, b.sessionId]);
    const [, interim, stop] = records;
    expect(interim!.get('Acct-Session-Time')).toBe('0'); // lease restarted at the renewal (docs/radius.md)
    expect(interim!.all('ERX-Dhcp-Options')).toEqual([]);
    expect(stop!.get('Acct-Session-Time')).toBe('1200');
    expect(stop!.get('Acct-Terminate-Cause')).toBe('Admin-Reset');
    expect(stop!.get('Event-Timestamp')).toBe('Nov 14 2023 23:03:20 UTC');
    expect(stop!.get('ERX-Dhcp-Gi-Address')).toBe('192.0.2.1');
    expect(stop!.get('Framed-IP-Address')).toBe('192.0.2.20');
    expect(records.map((r) => r.get('ERX-Acct-Request-Reason'))).toEqual(['IP-Active', 'Periodic', 'IP-Inactive']);
    for (const r of [interim!, stop!]) {
      expect(r.get('Framed-IP-Netmask')).toBe('255.255.255.0');
      expect(r.get('NAS-Port-Id')).toBe('relay0');
      expect(r.get('ERX-Interface-Desc')).toBe('ip192-0-2-20');
      expect(r.get('Acct-Multi-Session-Id')).toBe(records[0]!.get('Acct-Multi-Session-Id'));
    }
  });

  it('maps every delete reason onto Acct-Terminate-Cause', async () => {
    const s = sink();
    const reasons: DeleteReason[] = ['released', 'expired', 'cleared', 'disconnected', 'nak', 'declined', 'replaced'];
    const records = await recorded(async () => {
      for (const [i, reason] of reasons.entries()) await s.deliver(deleted(binding({ sessionId: `reason-${i}` }), reason), attempt());
    }, reasons.length);
    expect(records.map((r) => r.get('Acct-Terminate-Cause'))).toEqual(['User-Request', 'Lost-Service', 'Admin-Reset', 'Admin-Reset', 'NAS-Request', 'NAS-Request', 'NAS-Request']);
    expect(new Set(records.map((r) => r.get('Acct-Session-Id'))).size).toBe(reasons.length);
  });

  it('route map attributes the dictionary knows arrive by name', async () => {
    const b = binding({ sessionId: 'route-map-1', attributes: { 'ERX-Service-Bundle': 'gold', 'NAS-Port-Id': 'relay0:vlan100', Class: '0x6b6c' } });
    const [start] = await recorded(() => sink().deliver(added(b), attempt()));
    expect(start!.get('ERX-Service-Bundle')).toBe('gold');
    expect(start!.all('NAS-Port-Id')).toEqual(['relay0:vlan100']);
    expect(start!.get('Class')).toBe('0x6b6c');
  });

  it('a later job attempt reports how long the record waited', async () => {
    const now = Date.now();
    const [start] = await recorded(() => sink({}, { now: () => now }).deliver(added(binding({ at: now - 3_600_000 })), attempt(2)));
    expect(start!.get('Acct-Delay-Time')).toBe('3600');
  });

  it('a wrong shared secret gets no valid answer: FreeRADIUS drops the request, the delivery is retryable', async () => {
    const before = fr.records().length;
    const s = sink({ servers: [{ host: '127.0.0.1', port: fr.port, secret: 'not-the-secret' }] }, { timeoutMs: 200 });
    await expect(s.deliver(added(binding()), attempt())).rejects.toMatchObject({ name: 'RetryableDeliveryError', code: 'DXGW_RADIUS_TIMEOUT' });
    expect(s.counters).toMatchObject({ transmissions: 3, timeouts: 1, responses: 0, badAuthenticators: 0 });
    expect(fr.output()).toMatch(/invalid Request Authenticator! +\(Shared secret is incorrect\.\)/);
    expect(fr.records()).toHaveLength(before);
  });

  it('fails over to FreeRADIUS when the first server is silent', async () => {
    const silent = await UdpPeer.start(fr.secret);
    try {
      const s = sink({
        servers: [
          { host: '127.0.0.1', port: silent.port, secret: fr.secret },
          { host: '127.0.0.1', port: fr.port, secret: fr.secret },
        ],
      }, { timeoutMs: 300 });
      const [start] = await recorded(() => s.deliver(added(binding({ sessionId: 'failover-1' })), attempt()));
      expect(silent.received).toHaveLength(3);
      expect(start!.get('Acct-Session-Id')).toBe('failover-1');
      // Three silent transmissions went before: the record says it is late.
      expect(Number(start!.get('Acct-Delay-Time'))).toBeGreaterThanOrEqual(3);
      expect(s.counters).toMatchObject({ failovers: 1, responses: 1 });
    } finally {
      await silent.close();
    }
  });
});
