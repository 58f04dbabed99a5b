/**
 * Activation (the seed's "views the subscriber as active once the subscriber sends a
 * packet"): route map on the subscriber, optional interface profile, then a dynamic
 * subscriber interface with a name unique per site.
 */
import type { Binding } from './binding.js';
import type { BindingLookup } from './engine-types.js';
import type { TemplateSubject } from '../routemap/template.js';
import type { RouteMapDecision, RouteMapSubject } from '../routemap/types.js';

export type { RouteMapSubject };

/** The part of a route-map decision activation uses (src/routemap's RouteMapDecision fits). */
export type RouteMapVerdict = Omit<RouteMapDecision, 'entry'>;

export interface ActivationConfig {
  /** Also require the data packet's source MAC to be the binding's chaddr. */
  activationMatchMac: boolean;
  /** Route map; null = permit all, no sets. */
  evaluateRouteMap: ((subject: RouteMapSubject) => RouteMapVerdict) | null;
  /** Renders the default interface-name template for a subject (a binding is one). */
  defaultInterfaceName: (subject: TemplateSubject) => string;
  defaultProfile: string | null;
  /** DHCP option (client's, then server's) whose text names the interface profile. */
  profileOption: number | null;
}

function optionText(hex: string | undefined): string | null {
  return hex === undefined ? null : Buffer.from(hex, 'hex').toString('latin1');
}

export function routeMapSubject(b: Binding): RouteMapSubject {
  return {
    vr: b.vr,
    ip: b.ip,
    giaddr: b.giaddr,
    mac: b.mac,
    clientId: b.clientId,
    circuitId: b.circuitId,
    remoteId: b.remoteId,
    vlans: b.vlans,
    vendorClass: optionText(b.clientOptions['60']),
    options: { ...b.serverOptions, ...b.clientOptions },
  };
}

/** A name not used by another binding of the site: the template's, else with -2, -3 … */
function uniqueName(wanted: string, self: Binding, lookup: BindingLookup): string {
  let name = wanted;
  for (let n = 2; ; n++) {
    const owner = lookup.findByInterface(name);
    if (!owner || (owner.vr === self.vr && owner.ip === self.ip)) return name;
    name = `${wanted}-${n}`;
  }
}

/** `rev` of the result: the caller's (activation on data bumps it; a new binding keeps 1). */
export function activate(binding: Binding, time: number, lookup: BindingLookup, config: ActivationConfig, rev = binding.rev): Binding {
  // The route-map subject (with its merged options) is built only when a route map exists.
  const subject: TemplateSubject = config.evaluateRouteMap ? routeMapSubject(binding) : binding;
  const verdict = config.evaluateRouteMap?.(subject as RouteMapSubject) ?? null;
  if (verdict && !verdict.permit) return { ...binding, state: 'denied', rev };
  const profileFromOption =
    config.profileOption === null
      ? null
      : optionText(binding.clientOptions[config.profileOption] ?? binding.serverOptions[config.profileOption]);
  const name = verdict?.interfaceName || config.defaultInterfaceName(subject);
  return {
    ...binding,
    state: 'active',
    activatedAt: time,
    interfaceName: uniqueName(name, binding, lookup),
    profile: verdict?.interfaceProfile ?? profileFromOption ?? config.defaultProfile,
    interfaceVr: verdict?.virtualRouter ?? binding.vr,
    loginName: verdict?.loginName ?? null,
    attributes: verdict?.attributes ?? {},
    rev,
  };
}
