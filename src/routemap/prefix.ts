/**
 * IPv4 prefixes as (network, mask) uint32 pairs: matching is one AND and one compare.
 * Host bits must be zero, so `192.0.2.1/24` (usually a typo) is refused, not silently widened.
 */
import { ipToString, parseIp } from '../packet/addresses.js';

export interface Ipv4Prefix {
  network: number;
  mask: number;
  length: number;
}

export function maskOf(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

/** `a.b.c.d/len` or a bare address (/32); a string saying what is wrong otherwise. */
export function parsePrefix(text: string): Ipv4Prefix | string {
  const quoted = JSON.stringify(text);
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const lengthText = slash === -1 ? '32' : text.slice(slash + 1);
  const address = parseIp(addressText);
  if (address === undefined || !/^\d{1,2}$/.test(lengthText) || Number(lengthText) > 32) return `${quoted} is not an IPv4 prefix`;
  const length = Number(lengthText);
  const mask = maskOf(length);
  const network = (address & mask) >>> 0;
  if (network !== address) return `${quoted} has host bits set (did you mean ${ipToString(network)}/${length}?)`;
  return { network, mask, length };
}

export function prefixContains(prefix: Ipv4Prefix, ip: number): boolean {
  return ((ip & prefix.mask) >>> 0) === prefix.network;
}

export function formatPrefix(prefix: Ipv4Prefix): string {
  return `${ipToString(prefix.network)}/${prefix.length}`;
}
