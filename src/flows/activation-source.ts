/**
 * Where activation data comes from (activation.source): the capture's data packets, or flow
 * records. The live capture filter asks `captureWantsData` whether to take data packets at
 * all: with flows (or with activation on the ACK) the capture takes DHCP only.
 */
import type { DxgwConfig } from '../config/schema.js';

export function captureWantsData(config: Pick<DxgwConfig, 'activation'>): boolean {
  return config.activation.mode === 'first-packet' && config.activation.source === 'capture';
}

export function flowsWanted(config: Pick<DxgwConfig, 'activation'>): boolean {
  return config.activation.source === 'flows';
}
