/**
 * A route map's `set attributes` (name → text) as RADIUS attributes, for names dxgw's
 * dictionary knows (RFC attributes and the ERX subset in src/radius/dictionary.dxgw).
 */
import { isIP } from 'node:net';
import { encodeAccountingRequest, lookupAttribute, type RadiusAttribute } from '../../radius/index.js';

/** dxgw computes these for every record; a route map cannot replace them. */
const PROTECTED = new Set([
  'Acct-Status-Type',
  'Acct-Session-Id',
  'Acct-Delay-Time',
  'Acct-Session-Time',
  'Acct-Terminate-Cause',
  'Event-Timestamp',
  'NAS-IP-Address',
  'NAS-Identifier',
  'Framed-IP-Address',
  'Framed-IP-Netmask',
  'Acct-Multi-Session-Id',
  'ERX-Acct-Request-Reason',
]);

/** The route map's text as a value of the attribute's type, or undefined when it cannot be one. */
function routeMapValue(name: string, text: string): RadiusAttribute | undefined {
  const info = lookupAttribute(name);
  if (!info) return undefined;
  const vendor = info.vendor === undefined ? {} : { vendor: info.vendor };
  let value: string | Buffer;
  if (info.type === 'octets') value = /^0x(?:[0-9a-fA-F]{2})+$/.test(text) ? Buffer.from(text.slice(2), 'hex') : Buffer.from(text, 'utf8');
  else if (info.type === 'ipaddr') value = isIP(text) === 4 ? text : '';
  else if (info.type === 'string' || info.type === 'text' || info.type === 'integer') value = text;
  else return undefined;
  const attr = { name, value, ...vendor };
  try {
    encodeAccountingRequest(0, 'probe', [attr]); // an enum name the dictionary lacks, a string too long, …
  } catch {
    return undefined;
  }
  return value.length > 0 ? attr : undefined;
}

/**
 * Route map `set attributes` whose names are RADIUS attributes dxgw's dictionary knows go
 * out too, replacing dxgw's own value of that name (e.g. NAS-Port-Id: "{circuitId}"). Other
 * names are for other sinks (the SAE gets them all); a value that cannot be encoded is left
 * out rather than failing the record: accounting continuity beats one attribute.
 */
export function withRouteMapAttributes(attrs: RadiusAttribute[], extra: Readonly<Record<string, string>>): RadiusAttribute[] {
  const added = Object.entries(extra)
    .filter(([name]) => !PROTECTED.has(name))
    .map(([name, text]) => routeMapValue(name, text))
    .filter((a): a is RadiusAttribute => a !== undefined);
  if (added.length === 0) return attrs;
  const replaced = new Set(added.map((a) => a.name));
  return [...attrs.filter((a) => !replaced.has(a.name)), ...added];
}
