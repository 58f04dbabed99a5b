/** The engine configuration unit tests use: no route map, `ip<a-b-c-d>` interface names. */
import type { EngineConfig } from '../../src/leases/engine.js';

export function testEngineConfig(overrides: Partial<EngineConfig> = {}): EngineConfig {
  return {
    site: 'test',
    activateOnAck: false,
    activationMatchMac: false,
    evaluateRouteMap: null,
    defaultInterfaceName: (s) => `ip${s.ip.replaceAll('.', '-')}`,
    defaultProfile: null,
    profileOption: null,
    ...overrides,
  };
}
