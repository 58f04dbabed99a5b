/**
 * Option 82, Relay Agent Information (RFC 3046 §2.0): a list of sub-options, each
 * code/length/value. Circuit-id (1) and remote-id (2) are named; the rest are kept raw.
 */
import { decodeError, type DecodeError } from '../packet/decode-errors.js';
import { RelayAgentSubOption } from './spec.js';

export interface RelayAgentInfo {
  circuitId: Buffer | undefined;
  remoteId: Buffer | undefined;
  /** Every sub-option in wire order, including circuit-id and remote-id. */
  subOptions: Array<{ code: number; value: Buffer }>;
}

export function parseRelayAgentInfo(value: Buffer): RelayAgentInfo | DecodeError {
  const info: RelayAgentInfo = { circuitId: undefined, remoteId: undefined, subOptions: [] };
  let i = 0;
  while (i < value.length) {
    if (i + 2 > value.length) return decodeError('dhcp-bad-relay-agent-info', i, 'sub-option without length');
    const code = value[i]!;
    const length = value[i + 1]!;
    if (i + 2 + length > value.length) {
      return decodeError('dhcp-bad-relay-agent-info', i, `sub-option ${code} length ${length} runs past option 82`);
    }
    const sub = value.subarray(i + 2, i + 2 + length);
    info.subOptions.push({ code, value: sub });
    if (code === RelayAgentSubOption.CIRCUIT_ID && info.circuitId === undefined) info.circuitId = sub;
    else if (code === RelayAgentSubOption.REMOTE_ID && info.remoteId === undefined) info.remoteId = sub;
    i += 2 + length;
  }
  return info;
}
