/**
 * The options of one DHCP message, kept raw and in wire order (RFC 2132 §2), with the
 * RFC 3396 rule that several instances of one code form one value, concatenated.
 * Values are views into the message buffer: nothing is copied.
 */
import { decodeError, type DecodeError } from '../packet/decode-errors.js';
import { Option } from './spec.js';

export class DhcpOptions {
  /** Flat list of (code, valueOffset, valueLength) triples, in wire order. */
  private readonly entries: number[];

  constructor(
    readonly buf: Buffer,
    entries: number[],
  ) {
    this.entries = entries;
  }

  /** Number of option instances (a code sent twice counts twice). */
  get count(): number {
    return this.entries.length / 3;
  }

  has(code: number): boolean {
    const e = this.entries;
    for (let i = 0; i < e.length; i += 3) if (e[i] === code) return true;
    return false;
  }

  /** The option's value (RFC 3396: several instances concatenated), or undefined. */
  get(code: number): Buffer | undefined {
    const e = this.entries;
    let found: Buffer | undefined;
    let parts: Buffer[] | undefined;
    for (let i = 0; i < e.length; i += 3) {
      if (e[i] !== code) continue;
      const value = this.buf.subarray(e[i + 1]!, e[i + 1]! + e[i + 2]!);
      if (found === undefined) found = value;
      else {
        parts ??= [found];
        parts.push(value);
      }
    }
    return parts ? Buffer.concat(parts) : found;
  }

  /** First octet of the value, or undefined when absent. */
  getUInt8(code: number): number | undefined {
    const at = this.singleValueOffset(code, 1);
    if (at >= 0) return this.buf[at];
    const value = at === -1 ? undefined : this.get(code);
    return value !== undefined && value.length >= 1 ? value[0] : undefined;
  }

  /** 32-bit big-endian value (addresses, times), or undefined when absent or short. */
  getUInt32(code: number): number | undefined {
    const at = this.singleValueOffset(code, 4);
    if (at >= 0) return this.buf.readUInt32BE(at);
    const value = at === -1 ? undefined : this.get(code);
    return value !== undefined && value.length >= 4 ? value.readUInt32BE(0) : undefined;
  }

  /**
   * Hot-path helper: the value offset when the code appears exactly once with at least
   * `minLength` bytes; -1 when absent; -2 when it must be read the slow way (split, short).
   */
  private singleValueOffset(code: number, minLength: number): number {
    const e = this.entries;
    let found = -1;
    for (let i = 0; i < e.length; i += 3) {
      if (e[i] !== code) continue;
      if (found !== -1) return -2;
      found = i;
    }
    if (found === -1) return -1;
    return e[found + 2]! >= minLength ? e[found + 1]! : -2;
  }

  /** Total value length of a code over all its instances (RFC 3396), 0 when absent. */
  valueLength(code: number): number {
    const e = this.entries;
    let total = 0;
    for (let i = 0; i < e.length; i += 3) if (e[i] === code) total += e[i + 2]!;
    return total;
  }

  /** Distinct codes in order of first appearance. */
  codes(): number[] {
    const e = this.entries;
    const seen: number[] = [];
    let repeated = false;
    for (let i = 0; i < e.length; i += 3) {
      const code = e[i]!;
      for (let j = 0; j < i; j += 3) if (e[j] === code) repeated = true;
      if (!repeated) seen.push(code);
      repeated = false;
    }
    return seen;
  }

  /** The raw (code, valueOffset, valueLength) triples, for serialisers that avoid copies. */
  get rawEntries(): readonly number[] {
    return this.entries;
  }

  /** Every instance as it was on the wire (code, value view). */
  *instances(): IterableIterator<[code: number, value: Buffer]> {
    const e = this.entries;
    for (let i = 0; i < e.length; i += 3) yield [e[i]!, this.buf.subarray(e[i + 1]!, e[i + 1]! + e[i + 2]!)];
  }
}

/**
 * Scans one option area [start, end) of `buf` and appends its entries. Pad is skipped, End
 * stops the area (RFC 2132 §3.1-3.2). A length byte past the area is an error naming the
 * offset of the option.
 */
export function scanOptionArea(buf: Buffer, start: number, end: number, entries: number[]): DecodeError | undefined {
  let i = start;
  while (i < end) {
    const code = buf[i]!;
    if (code === Option.PAD) {
      i++;
      continue;
    }
    if (code === Option.END) return undefined;
    if (i + 1 >= end) return decodeError('dhcp-option-overrun', i, `option ${code} has no length byte`);
    const length = buf[i + 1]!;
    if (i + 2 + length > end) return decodeError('dhcp-option-overrun', i, `option ${code} length ${length} runs past the end`);
    entries.push(code, i + 2, length);
    i += 2 + length;
  }
  return undefined;
}
