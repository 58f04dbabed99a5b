/**
 * The parts of a validated config that are compiled once for the hot path. Kept apart from
 * DxgwConfig so the config stays plain data (printable, comparable, redactable).
 */
import { compileRouteMap } from '../routemap/compile.js';
import { compileTemplate, type Template } from '../routemap/template.js';
import type { RouteMap } from '../routemap/types.js';
import type { DxgwConfig } from './schema.js';

export interface CompiledConfig {
  routeMap: RouteMap;
  /** interfaces.nameTemplate, for subscribers the route map gives no interfaceName. */
  interfaceName: Template;
}

const compiled = new WeakMap<DxgwConfig, CompiledConfig>();

/** Compiles (once per config object) a config returned by loadConfig/parseConfig. */
export function compileConfig(config: DxgwConfig): CompiledConfig {
  let result = compiled.get(config);
  if (!result) {
    result = {
      routeMap: compileRouteMap(config.routeMap, 'routeMap'),
      interfaceName: compileTemplate(config.interfaces.nameTemplate, 'interfaces.nameTemplate'),
    };
    compiled.set(config, result);
  }
  return result;
}
