/**
 * Teaches the `radius` codec dxgw's vendor attributes (src/radius/dictionary.dxgw).
 *
 * tsc copies no .dxgw file to dist/, so the file is found from the project root: walk up
 * from this module (src/radius/ or dist/radius/) to the first folder with a package.json.
 * We load the file ourselves instead of `radius.add_dictionary`, which is silently ignored
 * once anything in the process has made the codec load its dictionaries.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import radius from 'radius';

export const ERX_VENDOR = 4874;

const RELATIVE = join('src', 'radius', 'dictionary.dxgw');

/** src/radius/dictionary.dxgw under the nearest folder (upwards from `from`) holding package.json. */
export function dictionaryPath(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const file = join(dir, RELATIVE);
      if (!existsSync(file)) throw new Error(`RADIUS dictionary ${file} is missing`);
      return file;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}: cannot find ${RELATIVE}`);
  }
}

/** Idempotent and cheap: reloads only when the codec does not know our attributes (first use, or someone unloaded them). */
export function ensureDictionary(): void {
  if (radius.attr_name_to_id('ERX-Dhcp-Options', ERX_VENDOR) !== undefined) return;
  radius.load_dictionaries();
  radius.load_dictionary(dictionaryPath());
}

/** The number a dictionary VALUE name stands for (e.g. NAS-Port-Type Ethernet → 15), or undefined. */
export function enumValue(attribute: string, name: string, vendor?: number): number | undefined {
  ensureDictionary();
  const values = radius._attr_to(attribute, vendor, 4);
  const value = values && Object.hasOwn(values, name) ? Number(values[name]) : NaN;
  return Number.isInteger(value) ? value : undefined;
}
