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
      else (parts ??= [found]).push(value);
    }
    return parts ? Buffer.concat(parts) : found;
  }

  /** First octet of the value, or undefined when absent. */
  getUInt8(code: number): number | undefined {
    const value = this.get(code);
    return value !== undefined && value.length >= 1 ? value[0] : undefined;
  }

  /** 32-bit big-endian value (addresses, times), or undefined when absent or short. */
  getUInt32(code: number): number | undefined {
    const value = this.get(code);
    return value !== undefined && value.length >= 4 ? value.readUInt32BE(0) : undefined;
  }

  /** Distinct codes in order of first appearance. */
  codes(): number[] {
    const seen: number[] = [];
    const e = this.entries;
    for (let i = 0; i < e.length; i += 3) if (!seen.includes(e[i]!)) seen.push(e[i]!);
    return seen;
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
