/**
 * mibs/DXGW-MIB.txt: clean under `smilint -l 3` (any message fails the test), loadable by
 * net-snmp's tools, and in step with the OIDs the agent serves (src/snmp/mib.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BindingColumn, DXGW_MIB_ROOT, Oids, SinkColumn, StatScalar } from '../../src/snmp/mib.js';
import { MIB_ARGS, MIBS_DIR, runTool } from '../helpers/snmp-tools.js';
import { requireTool } from '../helpers/tools.js';

const MIB = join(MIBS_DIR, 'DXGW-MIB.txt');

describe.runIf(requireTool('smilint'))('DXGW-MIB under smilint', () => {
  it('has no errors or warnings at level 3', async () => {
    // SMIPATH: the SNMPv2 base modules ship next to the MIB (Debian leaves them out).
    const r = await runTool('smilint', ['-l', '3', '-s', MIB], { env: { SMIPATH: MIBS_DIR } });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe.runIf(requireTool('snmptranslate'))('DXGW-MIB in net-snmp', () => {
  const translate = async (name: string): Promise<string> => {
    const r = await runTool('snmptranslate', [...MIB_ARGS, '-On', `DXGW-MIB::${name}`]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.trim().slice(1);
  };

  it('places the module at the root constant of the agent', async () => {
    expect(await translate('dxgwMIB')).toBe(DXGW_MIB_ROOT);
  });

  it('agrees with the OIDs the agent and the notification sink use', async () => {
    const want: Record<string, readonly number[]> = {
      dxgwBindingEntry: Oids.bindingEntry,
      dxgwBindingMacAddress: [...Oids.bindingEntry, BindingColumn.macAddress],
      dxgwBindingRowStatus: [...Oids.bindingEntry, BindingColumn.rowStatus],
      dxgwBindingSecondsRemaining: [...Oids.bindingEntry, BindingColumn.secondsRemaining],
      dxgwStatsBindingsDenied: [...Oids.statistics, StatScalar.bindingsDenied],
      dxgwStatsDuplicateClients: [...Oids.statistics, StatScalar.duplicateClients],
      dxgwMessageEntry: Oids.messageEntry,
      dxgwDeletionEntry: Oids.deletionEntry,
      dxgwCounterEntry: Oids.counterEntry,
      dxgwSinkEntry: Oids.sinkEntry,
      dxgwNotifyDeleteReason: Oids.notifyDeleteReason,
      dxgwNotifyError: Oids.notifyError,
      dxgwBindingCreated: Oids.bindingCreated,
      dxgwBindingDeleted: Oids.bindingDeleted,
      dxgwDuplicateClient: Oids.duplicateClient,
      dxgwDeliveryFailed: Oids.deliveryFailed,
      dxgwDeliveryRecovered: Oids.deliveryRecovered,
      dxgwNotifySinkName: Oids.notifySinkName,
      dxgwNotifyFailures: Oids.notifyFailures,
      dxgwNotifyGaveUp: Oids.notifyGaveUp,
      dxgwNotifyFailingSeconds: Oids.notifyFailingSeconds,
      dxgwSinkWaiting: [...Oids.sinkEntry, SinkColumn.waiting],
      dxgwSinkLastError: [...Oids.sinkEntry, SinkColumn.lastError],
      dxgwSinkFailingSince: [...Oids.sinkEntry, SinkColumn.failingSince],
    };
    for (const [name, oid] of Object.entries(want)) expect(await translate(name), name).toBe(oid.join('.'));
  });
});
