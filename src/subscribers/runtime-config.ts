/** From a validated config to what the observer and the engine take. */
import { compileConfig } from '../config/compile.js';
import type { DxgwConfig } from '../config/schema.js';
import type { EngineConfig } from '../leases/engine.js';
import type { ObserverConfig } from '../leases/observer.js';
import { parseIp } from '../packet/addresses.js';

export function engineConfigFrom(config: DxgwConfig): EngineConfig {
  const compiled = compileConfig(config);
  return {
    site: config.site,
    activateOnAck: config.activation.mode === 'ack',
    activationMatchMac: config.activation.matchMac,
    // No route map configured = permit all with no sets: skip evaluating it at all.
    evaluateRouteMap: compiled.routeMap.configured ? (subject) => compiled.routeMap.evaluate(subject) : null,
    defaultInterfaceName: (subject) => compiled.interfaceName.render(subject),
    defaultProfile: config.interfaces.defaultProfile,
    profileOption: config.interfaces.profileOption,
  };
}

export function observerConfigFrom(config: DxgwConfig): ObserverConfig {
  return {
    vr: config.capture.virtualRouter,
    trustedGiaddrs: new Set(config.trust.giaddrs.map((ip) => parseIp(ip)!)),
    trustedServers: new Set(config.trust.servers.map((ip) => parseIp(ip)!)),
  };
}
