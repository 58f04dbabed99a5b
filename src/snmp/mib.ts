/**
 * Object identifiers of DXGW-MIB (mibs/DXGW-MIB.txt). The module's root is the one constant
 * below: to move the MIB under your own enterprise number, change it together with the
 * MODULE-IDENTITY line of the MIB file (docs/snmp.md). Everything else derives from it.
 */
import { parseOid } from './oid.js';

/** `dxgwMIB ::= { enterprises 32473 1 }` — 32473 is RFC 5612's enterprise for documentation. */
export const DXGW_MIB_ROOT = '1.3.6.1.4.1.32473.1';

const root = parseOid(DXGW_MIB_ROOT);
const under = (...arcs: number[]): number[] => [...root, ...arcs];

export const Oids = {
  root,
  notifications: under(0),
  bindingCreated: under(0, 1),
  bindingDeleted: under(0, 2),
  duplicateClient: under(0, 3),
  /** A sink started failing (once per episode, src/delivery/sink-health.ts). */
  deliveryFailed: under(0, 4),
  deliveryRecovered: under(0, 5),
  /** A capture handle started dropping (once per episode, src/run/capture-health.ts), and stopped. */
  captureDropping: under(0, 6),
  captureDropsCleared: under(0, 7),
  /** dxgwBindingEntry: instances are entry.<column>.<vr length>.<vr chars>.<a.b.c.d>. */
  bindingEntry: under(1, 1, 1),
  statistics: under(1, 2),
  messageEntry: under(1, 2, 20, 1),
  deletionEntry: under(1, 2, 21, 1),
  counterEntry: under(1, 2, 22, 1),
  sinkEntry: under(1, 3, 1),
  notifyDeleteReason: under(1, 4, 1),
  notifySinkName: under(1, 4, 2),
  notifyEventId: under(1, 4, 3),
  notifyError: under(1, 4, 4),
  notifyFailures: under(1, 4, 5),
  notifyGaveUp: under(1, 4, 6),
  notifyFailingSeconds: under(1, 4, 7),
  notifyCaptureHandle: under(1, 4, 8),
  notifyCaptureDrops: under(1, 4, 9),
  notifyDroppingSeconds: under(1, 4, 10),
} as const;

/** dxgwNotifyCaptureHandle values. */
export const CaptureHandleValue = { dhcp: 1, data: 2 } as const;

/** Columns of dxgwBindingEntry (1 and 2 are the index, not accessible). */
export const BindingColumn = {
  vr: 1,
  address: 2,
  macAddress: 3,
  clientId: 4,
  giaddr: 5,
  circuitId: 6,
  remoteId: 7,
  state: 8,
  interfaceName: 9,
  profile: 10,
  leaseStart: 11,
  leaseSeconds: 12,
  secondsRemaining: 13,
  rowStatus: 14,
} as const;

/** Columns of dxgwSinkEntry (1 is the index, the sink's name). */
export const SinkColumn = {
  waiting: 2,
  delayed: 3,
  failed: 4,
  delivered: 5,
  lastErrorTime: 6,
  lastError: 7,
  failingSince: 8,
} as const;

/** dxgwStatistics scalars (instance .0). */
export const StatScalar = {
  frames: 1,
  dhcpMessages: 2,
  decodeErrors: 3,
  bindingsCreated: 4,
  activations: 5,
  renewals: 6,
  duplicateClients: 7,
  declines: 8,
  routeMapDenied: 9,
  bindingsBound: 10,
  bindingsActive: 11,
  bindingsDenied: 12,
} as const;

export const BindingStateValue = { bound: 1, active: 2, denied: 3 } as const;

/** DxgwDeleteReason, in the order of the MIB's enumeration. */
export const DeleteReasonValue = {
  released: 1,
  expired: 2,
  nak: 3,
  declined: 4,
  cleared: 5,
  disconnected: 6,
  replaced: 7,
} as const;

/** SNMPv2-TC RowStatus values. */
export const RowStatusValue = { active: 1, notInService: 2, notReady: 3, createAndGo: 4, createAndWait: 5, destroy: 6 } as const;

/** Longest virtual router / sink / counter name the MIB's DxgwName allows (index length). */
export const MAX_NAME_LENGTH = 64;

/** SNMPv2-MIB objects the agent serves and notifications carry. */
export const SnmpV2 = {
  sysDescr: [1, 3, 6, 1, 2, 1, 1, 1, 0],
  sysObjectID: [1, 3, 6, 1, 2, 1, 1, 2, 0],
  sysUpTime: [1, 3, 6, 1, 2, 1, 1, 3, 0],
  sysContact: [1, 3, 6, 1, 2, 1, 1, 4, 0],
  sysName: [1, 3, 6, 1, 2, 1, 1, 5, 0],
  sysLocation: [1, 3, 6, 1, 2, 1, 1, 6, 0],
  sysServices: [1, 3, 6, 1, 2, 1, 1, 7, 0],
} as const;
