/**
 * The SNMP notification sink against a real snmptrapd (Debian net-snmp) that decodes the
 * notifications by name with DXGW-MIB: v2c and v3 (SHA-256 + AES), traps and informs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnmpSinkConfig } from '../../src/config/schema-sinks.js';
import { activationEvents, deletionEvents } from '../../src/events/drafts.js';
import type { SubscriberEvent } from '../../src/events/event.js';
import { stampEvent } from '../../src/events/stamp.js';
import { PermanentDeliveryError, RetryableDeliveryError, type DeliveryAttempt } from '../../src/delivery/sink.js';
import { SnmpNotificationSink } from '../../src/delivery/sinks/snmp-sink.js';
import type { SnmpUserConfig } from '../../src/snmp/usm.js';
import { makeActiveBinding } from '../conformance/lease-store.js';
import { freeUdpPort, startTrapd, type Trapd } from '../helpers/snmp-tools.js';
import { requireTool } from '../helpers/tools.js';

const attempt = (): DeliveryAttempt => ({ attempt: 1, maxAttempts: 5, signal: new AbortController().signal });
const users: SnmpUserConfig[] = [{ name: 'nms', authProtocol: 'sha256', authKey: 'auth-secret-1', privProtocol: 'aes', privKey: 'priv-secret-1' }];

function sinkConfig(targets: SnmpSinkConfig['targets'], name = 'nms'): SnmpSinkConfig {
  return { name, type: 'snmp', events: ['interface-created', 'address-added', 'address-renewed', 'interface-deleted', 'address-deleted'], targets };
}

function events(ip: string, reason: 'released' | 'replaced' = 'released'): { added: SubscriberEvent; deleted: SubscriberEvent } {
  const b = makeActiveBinding({ ip, mac: '02:00:00:00:0b:07', interfaceName: `ip-${ip}` });
  const [, added] = activationEvents(b, b.leaseStart + 1000).map((d, i) => stampEvent(d, 'default', i + 1));
  const [, deleted] = deletionEvents(b, b.leaseStart + 5000, reason).map((d, i) => stampEvent(d, 'default', i + 3));
  return { added: added!, deleted: deleted! };
}

describe.runIf(requireTool('snmptrapd'))('SNMP notification sink → snmptrapd', () => {
  let trapd: Trapd;
  let sink: SnmpNotificationSink;
  const engineID = Buffer.from('80007ed904647867772d74657374', 'hex'); // text "dxgw-test"

  beforeAll(async () => {
    trapd = await startTrapd({
      communities: ['trapcomm'],
      // v3 traps are keyed on the sender's engine ID; v3 informs on snmptrapd's own.
      createUsers: [`-e 0x${engineID.toString('hex')} nms SHA-256 auth-secret-1 AES priv-secret-1`, 'nms SHA-256 auth-secret-1 AES priv-secret-1'],
      users: ['nms'],
    });
    const at = { host: '127.0.0.1', port: trapd.port };
    sink = new SnmpNotificationSink(
      sinkConfig([
        { ...at, version: '2c', community: 'trapcomm', inform: false },
        { ...at, version: '2c', community: 'trapcomm', inform: true },
        { ...at, version: '3', user: 'nms', inform: false },
        { ...at, version: '3', user: 'nms', inform: true },
      ]),
      { users, site: 'default', engineID },
    );
    await sink.start();
  });

  afterAll(async () => {
    await sink?.stop();
    await trapd?.stop();
  });

  it('takes only the events it turns into notifications', () => {
    expect([...sink.events].sort()).toEqual(['address-added', 'address-deleted']);
  });

  it('sends dxgwBindingCreated for address-added to every target, decoded by name', async () => {
    const { added } = events('192.0.2.201');
    await sink.deliver(added, attempt());
    const lines = async (security: RegExp): Promise<string> =>
      trapd.waitFor((l) => l.includes('dxgwBindingCreated') && l.includes('192.0.2.201') && security.test(l));
    for (const security of [/TRAP2, SNMP v2c, community trapcomm/, /INFORM, SNMP v2c, community trapcomm/, /TRAP2, SNMP v3, user nms/, /INFORM, SNMP v3, user nms/]) {
      const line = await lines(security);
      expect(line).toMatch(/DXGW-MIB::dxgwBindingMacAddress\."default"\.192\.0\.2\.201 = STRING: 2:0:0:0:b:7/);
      expect(line).toMatch(/DXGW-MIB::dxgwBindingState\."default"\.192\.0\.2\.201 = INTEGER: active\(2\)/);
      expect(line).toMatch(/DXGW-MIB::dxgwBindingInterfaceName\."default"\.192\.0\.2\.201 = STRING: ip-192\.0\.2\.201/);
      expect(line).toMatch(/DXGW-MIB::dxgwBindingLeaseSeconds\."default"\.192\.0\.2\.201 = Gauge32: 3600 seconds/);
    }
  });

  it('sends dxgwBindingDeleted with the reason, and dxgwDuplicateClient for a replaced binding', async () => {
    const { deleted } = events('192.0.2.202', 'replaced');
    await sink.deliver(deleted, attempt());
    const del = await trapd.waitFor((l) => l.includes('dxgwBindingDeleted') && l.includes('192.0.2.202') && l.includes('v3'));
    expect(del).toMatch(/DXGW-MIB::dxgwNotifyDeleteReason\.0 = INTEGER: replaced\(7\)/);
    const dup = await trapd.waitFor((l) => l.includes('dxgwDuplicateClient') && l.includes('192.0.2.202'));
    expect(dup).toMatch(/DXGW-MIB::dxgwBindingCircuitId\."default"\.192\.0\.2\.202 = STRING: "eth0\/1"/);
  });

  it('sends dxgwDeliveryFailed when a sink starts failing and dxgwDeliveryRecovered when it delivers again', async () => {
    const since = Date.UTC(2026, 11, 2, 9, 30, 15);
    await sink.sinkFailing({ sink: 'sae', since, failures: 27, gaveUp: 3, lastError: 'DXGW_HTTP_503: HTTP 503 from https://sae.example/events' });
    const failing = await trapd.waitFor((l) => l.includes('dxgwDeliveryFailed') && l.includes('INFORM, SNMP v3'));
    expect(failing).toMatch(/DXGW-MIB::dxgwNotifySinkName\.0 = STRING: sae/);
    expect(failing).toMatch(/DXGW-MIB::dxgwNotifyFailures\.0 = Gauge32: 27/);
    expect(failing).toMatch(/DXGW-MIB::dxgwNotifyGaveUp\.0 = Gauge32: 3/);
    expect(failing).toMatch(/DXGW-MIB::dxgwNotifyError\.0 = STRING: DXGW_HTTP_503: HTTP 503 from https:\/\/sae\.example\/events/);
    // The sink's row of dxgwSinkTable as instance, the start as DateAndTime (UTC).
    expect(failing).toMatch(/DXGW-MIB::dxgwSinkFailingSince\."sae" = STRING: 2026-12-2,9:30:15\.0,\+0:0/);

    await sink.sinkRecovered({ sink: 'sae', since, failures: 40, gaveUp: 5, lastError: 'x', recoveredAt: since + 181_400 });
    const recovered = await trapd.waitFor((l) => l.includes('dxgwDeliveryRecovered') && l.includes('TRAP2, SNMP v2c'));
    expect(recovered).toMatch(/DXGW-MIB::dxgwNotifySinkName\.0 = STRING: sae/);
    expect(recovered).toMatch(/DXGW-MIB::dxgwNotifyFailures\.0 = Gauge32: 40/);
    expect(recovered).toMatch(/DXGW-MIB::dxgwNotifyGaveUp\.0 = Gauge32: 5/);
    expect(recovered).toMatch(/DXGW-MIB::dxgwNotifyFailingSeconds\.0 = Gauge32: 181 seconds/);
  });

  it('an inform nobody acknowledges is retryable; a trap to nowhere is fire and forget', async () => {
    const silent = await freeUdpPort();
    const lost = new SnmpNotificationSink(sinkConfig([{ host: '127.0.0.1', port: silent, version: '2c', community: 'x', inform: true }]), {
      users,
      site: 'default',
      informRetries: 1,
      informTimeoutMs: 200,
    });
    const { added } = events('192.0.2.203');
    const error = await lost.deliver(added, attempt()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect((error as RetryableDeliveryError).code).toBe('DXGW_SNMP_NOT_ACKNOWLEDGED');
    await lost.stop();

    const fire = new SnmpNotificationSink(sinkConfig([{ host: '127.0.0.1', port: silent, version: '2c', community: 'x', inform: false }]), { users, site: 'default' });
    await expect(fire.deliver(added, attempt())).resolves.toBeUndefined();
    await fire.stop();
  });

  it('on a retry, skips the targets that already took the event', async () => {
    const silent = await freeUdpPort();
    const mixed = new SnmpNotificationSink(
      sinkConfig([
        { host: '127.0.0.1', port: trapd.port, version: '2c', community: 'trapcomm', inform: true },
        { host: '127.0.0.1', port: silent, version: '2c', community: 'x', inform: true },
      ]),
      { users, site: 'default', informRetries: 0, informTimeoutMs: 200 },
    );
    const { added } = events('192.0.2.204');
    await expect(mixed.deliver(added, attempt())).rejects.toBeInstanceOf(RetryableDeliveryError);
    await expect(mixed.deliver(added, attempt())).rejects.toBeInstanceOf(RetryableDeliveryError);
    await trapd.waitFor((l) => l.includes('192.0.2.204'));
    await new Promise((r) => setTimeout(r, 300));
    expect(trapd.lines.filter((l) => l.includes('dxgwBindingCreated') && l.includes('192.0.2.204'))).toHaveLength(1);
    await mixed.stop();
  });

  it('a v3 inform the receiver refuses (unknown user) fails permanently', async () => {
    const stranger: SnmpUserConfig = { name: 'stranger', authProtocol: 'sha', authKey: 'auth-secret-9' };
    const refused = new SnmpNotificationSink(sinkConfig([{ host: '127.0.0.1', port: trapd.port, version: '3', user: 'stranger', inform: true }]), {
      users: [stranger],
      site: 'default',
      informRetries: 0,
      informTimeoutMs: 1000,
    });
    const { added } = events('192.0.2.205');
    await expect(refused.deliver(added, attempt())).rejects.toBeInstanceOf(PermanentDeliveryError);
    await refused.stop();
  });
});
