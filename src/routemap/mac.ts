/**
 * MAC patterns: a full MAC, a prefix of whole octets (an OUI such as `00:1b:21`), or either
 * with an explicit bit length (`00:1b:20:00:00:00/23`). Octets may be separated by `:`, `-`
 * or `.` (Cisco `001b.2100.0000`), in any case. A 48-bit MAC fits a double exactly, so
 * matching is arithmetic on numbers.
 */

export interface MacPattern {
  /** The pattern's first `length` bits, left-aligned in 48 bits. */
  value: number;
  length: number;
}

const BIT = 2 ** 48;

/** A MacPattern, or a string saying what is wrong. */
export function parseMacPattern(text: string): MacPattern | string {
  const quoted = JSON.stringify(text);
  const slash = text.indexOf('/');
  const body = slash === -1 ? text : text.slice(0, slash);
  if (!/^[0-9a-fA-F]{2}([-.:]?[0-9a-fA-F]{2}){0,5}$/.test(body)) {
    return `${quoted} is not a MAC address or prefix (write it as 00:1b:21 or 00:1b:21:aa:bb:cc, optionally /bits)`;
  }
  const digits = body.replace(/[-.:]/g, '');
  let length = digits.length * 4;
  if (slash !== -1) {
    const lengthText = text.slice(slash + 1);
    if (!/^\d{1,2}$/.test(lengthText)) return `${quoted} has a bad bit length after "/"`;
    if (Number(lengthText) > length) return `${quoted} has a bit length beyond its ${length} bits`;
    length = Number(lengthText);
  }
  const value = parseInt(digits.padEnd(12, '0'), 16);
  const unit = 2 ** (48 - length);
  if (value % unit !== 0) return `${quoted} has bits set beyond /${length}`;
  return { value, length };
}

/** `00:1b:21:aa:bb:cc` (any of the accepted separators) → 48-bit number, or null. */
export function macToNumber(mac: string): number | null {
  const digits = mac.replace(/[-.:]/g, '');
  if (digits.length !== 12 || !/^[0-9a-fA-F]{12}$/.test(digits)) return null;
  return parseInt(digits, 16);
}

export function macMatches(pattern: MacPattern, mac: number): boolean {
  const unit = BIT / 2 ** pattern.length;
  return mac - (mac % unit) === pattern.value;
}
