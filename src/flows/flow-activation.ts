/**
 * Flow records as activation data (docs/config.md "Activation from flow records"): a record
 * whose source address is a bound subscriber awaiting activation is that subscriber's data,
 * fed to the lease pipeline's data entry point — the engine then applies the same rules as to
 * a captured packet (optional MAC match, route map, interface, events). Before that, the
 * capture path's rules for what is not the subscriber's own traffic: DHCP (UDP 67/68 on both
 * sides) and ICMP errors never activate.
 */
import type { Binding } from '../leases/binding.js';
import type { DataObservation } from '../leases/observation.js';
import { ICMP_ERRORS } from '../leases/observer.js';
import { ipToString } from '../packet/addresses.js';
import type { LeasePipeline } from '../subscribers/lease-pipeline.js';
import type { FlowRecord } from './flow-record.js';
import { FLOW_RECORD_RESULTS, zeroCounts, type FlowRecordResult } from './reasons.js';
import { PROTOCOL_ICMP, PROTOCOL_UDP } from './spec.js';

/**
 * How far a record's times may sit before the binding's first ACK and still count. NetFlow v9
 * dates records from a header with whole seconds (up to 1 s early), and exporter clocks drift
 * from the capture host's; a record that ended earlier than this is another holder's traffic.
 */
export const FLOW_CLOCK_TOLERANCE_MS = 2000;

const isDhcpPort = (port: number) => port === 67 || port === 68;

/** The capture's rule (src/packet/decode-frame.ts isDhcpPorts): UDP with 67/68 on both sides. */
function isDhcp(r: FlowRecord): boolean {
  return r.protocol === PROTOCOL_UDP && isDhcpPort(r.srcPort) && isDhcpPort(r.dstPort);
}

/** ICMP type from the record, else from the destination port (type × 256 + code, Cisco's convention); unknown counts as an error. */
function isIcmpError(r: FlowRecord): boolean {
  if (r.protocol !== PROTOCOL_ICMP) return false;
  const type = r.icmpType >= 0 ? r.icmpType : r.dstPort >= 0 ? r.dstPort >>> 8 : -1;
  return type < 0 || ICMP_ERRORS.has(type);
}

export class FlowActivation {
  readonly results = zeroCounts(FLOW_RECORD_RESULTS);

  constructor(
    private readonly pipeline: LeasePipeline,
    private readonly now: () => number = Date.now,
  ) {}

  /** One record; returns true when the pipeline's commit batch is full (flush due). */
  handle(record: FlowRecord): boolean {
    let result: FlowRecordResult;
    let due = false;
    if (record.srcIp === undefined) result = 'no-ipv4-source';
    else if (isDhcp(record)) result = 'dhcp';
    else if (isIcmpError(record)) result = 'icmp-error';
    else {
      result = 'not-awaiting';
      due = this.pipeline.handleData(record.srcIp, (binding) => {
        const obs = this.observe(record, binding);
        result = obs ? 'observed' : 'before-binding';
        return obs;
      });
    }
    this.results[result]++;
    return due;
  }

  private observe(record: FlowRecord, binding: Binding): DataObservation | null {
    const end = record.end ?? record.exportTime;
    if (end < binding.boundAt - FLOW_CLOCK_TOLERANCE_MS) return null;
    // The subscriber's first packet after its ACK: the flow's start, or the ACK if the flow
    // began earlier; never later than now (an exporter clock ahead must not fire timers early).
    const time = Math.min(Math.max(record.start ?? end, binding.boundAt), this.now());
    return { kind: 'data', time, vr: binding.vr, ip: ipToString(record.srcIp!), mac: record.srcMac };
  }
}
