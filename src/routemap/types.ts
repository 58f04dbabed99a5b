/**
 * Route map shapes (docs/config.md "Route map"). The config types are what the YAML holds;
 * the subject is what the engine knows about a subscriber at activation; the decision is
 * what it does with it.
 */
import type { TemplateSubject } from './template.js';

/** A single value or a list of alternatives (any of them may match). */
export type OneOrMany<T> = T | T[];

/** Match on any DHCP option by code, on its value as plain lowercase hex. */
export interface OptionMatchConfig {
  code: number;
  /** Searched in the plain hex value, case-insensitively. */
  regex?: string;
  /** Exact value; separators (`:`, `-`, `.`, space) and case are ignored. */
  hex?: string;
  /** true (the default when nothing else is given): the option must be there; false: it must not. */
  present?: boolean;
}

export interface RouteMapMatchConfig {
  address?: OneOrMany<string>;
  giaddr?: OneOrMany<string>;
  mac?: OneOrMany<string>;
  circuitId?: OneOrMany<string>;
  circuitIdHex?: OneOrMany<string>;
  remoteId?: OneOrMany<string>;
  remoteIdHex?: OneOrMany<string>;
  vendorClass?: OneOrMany<string>;
  clientId?: OneOrMany<string>;
  /** Every option clause of the list must hold (they usually name different codes). */
  option?: OneOrMany<OptionMatchConfig>;
}

export interface RouteMapSetConfig {
  interfaceProfile?: string;
  virtualRouter?: string;
  /** Template (see template.ts). */
  interfaceName?: string;
  /** Template. */
  loginName?: string;
  /** Values are templates. */
  attributes?: Record<string, string>;
}

export interface RouteMapEntryConfig {
  /** Sequence number: entries are tried in ascending order. */
  seq: number;
  action: 'permit' | 'deny';
  description?: string;
  match?: RouteMapMatchConfig;
  set?: RouteMapSetConfig;
}

/**
 * What the engine knows about a subscriber when it becomes active: what a template can show
 * (addresses and ids in colon hex, VLANs outermost first), plus what only matching needs.
 */
export interface RouteMapSubject extends TemplateSubject {
  vlans: number[];
  /** Option 60 as text. */
  vendorClass: string | null;
  /** Option code (decimal string) → plain lowercase hex value. */
  options: Record<string, string>;
}

export interface RouteMapDecision {
  permit: boolean;
  /** Sequence number of the entry that decided, or null (no route map, or no entry matched). */
  entry: number | null;
  interfaceProfile: string | null;
  virtualRouter: string | null;
  /** Rendered. */
  interfaceName: string | null;
  /** Rendered. */
  loginName: string | null;
  /** Rendered. */
  attributes: Record<string, string>;
}

export interface RouteMap {
  /** False when no route map is configured (everything is permitted, nothing is set). */
  readonly configured: boolean;
  evaluate(subject: RouteMapSubject): RouteMapDecision;
}
