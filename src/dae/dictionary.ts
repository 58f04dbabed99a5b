/**
 * Attribute names and types by number, from the dictionaries the `radius` codec loaded
 * (its RFC set plus src/radius/dictionary.dxgw). The codec indexes its map by number as
 * well as by name; our typings only expose field 2 (the type), hence the one cast here.
 */
import radius from 'radius';
import { ensureDictionary } from '../radius/index.js';

type AttrTo = (attr: string, vendor: number | undefined, field: 1 | 2) => string | undefined;
const attrTo = radius._attr_to as unknown as AttrTo;

export interface DictionaryEntry {
  name: string;
  /** 'string', 'integer', 'ipaddr', 'octets', … as the dictionary writes it. */
  type: string;
}

export function dictionaryEntry(type: number, vendor?: number): DictionaryEntry | undefined {
  ensureDictionary();
  const name = attrTo.call(radius, String(type), vendor, 1);
  const kind = attrTo.call(radius, String(type), vendor, 2);
  return name && kind ? { name, type: kind } : undefined;
}
