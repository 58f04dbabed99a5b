/**
 * A (options) template as dxgw keeps it: the field layout of its data records, and where in
 * a record the fields activation reads are (RFC 7011 §3.4, RFC 3954 §5.2).
 */
import { IE, VARIABLE_LENGTH } from './spec.js';

export interface TemplateField {
  /** Information element id (enterprise bit cleared). */
  id: number;
  /** Private enterprise number, 0 for IANA elements. */
  enterprise: number;
  /** Bytes, or VARIABLE_LENGTH (IPFIX only). */
  length: number;
}

/** A field dxgw reads: the IE and its fixed length; offset within the record when every field before it is fixed. */
export interface WantedField {
  index: number;
  ie: number;
  length: number;
  offset: number;
}

export interface Template {
  id: number;
  options: boolean;
  fields: readonly TemplateField[];
  /** Bytes of the shortest record (a variable-length field takes at least its 1-byte length). */
  minLength: number;
  /** Every field fixed: the length of every record; otherwise null. */
  fixedLength: number | null;
  wanted: readonly WantedField[];
  /** Wanted IEs declared with a length dxgw cannot read (counted once per definition). */
  badLengths: number;
}

/** The lengths dxgw can read per IE (reduced-size encoding, RFC 7011 §6.2, for the counters). */
const READABLE: Record<number, readonly number[]> = {
  [IE.packetDeltaCount]: [1, 2, 4, 8],
  [IE.packetTotalCount]: [1, 2, 4, 8],
  [IE.protocolIdentifier]: [1],
  [IE.sourceTransportPort]: [2],
  [IE.destinationTransportPort]: [2],
  [IE.sourceIPv4Address]: [4],
  [IE.flowEndSysUpTime]: [4],
  [IE.flowStartSysUpTime]: [4],
  [IE.icmpTypeCodeIPv4]: [2],
  [IE.icmpTypeIPv4]: [1],
  [IE.sourceMacAddress]: [6],
  [IE.postSourceMacAddress]: [6],
  [IE.flowStartSeconds]: [4],
  [IE.flowEndSeconds]: [4],
  [IE.flowStartMilliseconds]: [8],
  [IE.flowEndMilliseconds]: [8],
  [IE.flowStartMicroseconds]: [8],
  [IE.flowEndMicroseconds]: [8],
  [IE.flowStartNanoseconds]: [8],
  [IE.flowEndNanoseconds]: [8],
  [IE.systemInitTimeMilliseconds]: [8],
};

export function makeTemplate(id: number, options: boolean, fields: readonly TemplateField[]): Template {
  let minLength = 0;
  let variable = false;
  let badLengths = 0;
  const wanted: WantedField[] = [];
  fields.forEach((f, index) => {
    const isVariable = f.length === VARIABLE_LENGTH;
    // Options records are read only for the IPFIX system init time (v9 scope types are not IEs).
    const readable = f.enterprise === 0 && (!options || f.id === IE.systemInitTimeMilliseconds) ? READABLE[f.id] : undefined;
    if (readable) {
      if (!isVariable && readable.includes(f.length)) wanted.push({ index, ie: f.id, length: f.length, offset: variable ? -1 : minLength });
      else badLengths++;
    }
    if (isVariable) variable = true;
    minLength += isVariable ? 1 : f.length;
  });
  return { id, options, fields, minLength, fixedLength: variable ? null : minLength, wanted, badLengths };
}
