import { describe, expect, it } from 'vitest';
import { compileRegex, hexToLatin1, macMatches, macToNumber, parseMacPattern, parsePrefix, prefixContains } from '../../../src/routemap/index.js';
import { hasNestedUnboundedQuantifier } from '../../../src/routemap/regex.js';
import { parseIp } from '../../../src/packet/addresses.js';

describe('prefixes', () => {
  it('parses and matches on uint32 masks', () => {
    const p = parsePrefix('10.128.0.0/9');
    if (typeof p === 'string') throw new Error(p);
    expect(prefixContains(p, parseIp('10.128.0.1')!)).toBe(true);
    expect(prefixContains(p, parseIp('10.255.255.255')!)).toBe(true);
    expect(prefixContains(p, parseIp('10.127.255.255')!)).toBe(false);
    expect(parsePrefix('0.0.0.0/0')).toEqual({ network: 0, mask: 0, length: 0 });
    expect(parsePrefix('255.255.255.255')).toEqual({ network: 0xffffffff, mask: 0xffffffff, length: 32 });
    for (const bad of ['10.0.0.0/', '10.0.0.0/-1', '10.0.0/8', '10.0.0.0/08x', ' 10.0.0.0/8', '10.0.0.0/8/8']) expect(typeof parsePrefix(bad), bad).toBe('string');
  });
});

describe('MAC patterns', () => {
  it('accepts colon, dash, dot and plain forms, any case', () => {
    for (const form of ['00:1b:21:aa:bb:cc', '00-1B-21-AA-BB-CC', '001b.21aa.bbcc', '001B21AABBCC']) {
      expect(parseMacPattern(form), form).toEqual({ value: 0x001b21aabbcc, length: 48 });
    }
    expect(parseMacPattern('00:1b:21')).toEqual({ value: 0x001b21000000, length: 24 });
    expect(parseMacPattern('ff:ff:ff:ff:ff:ff/0')).toMatch(/bits set beyond/);
    expect(parseMacPattern('00/0')).toEqual({ value: 0, length: 0 });
  });

  it('matches by bit length', () => {
    const p = parseMacPattern('02:00:00:00:00:00/7');
    if (typeof p === 'string') throw new Error(p);
    expect(macMatches(p, macToNumber('02:ff:ff:ff:ff:ff')!)).toBe(true);
    expect(macMatches(p, macToNumber('03:00:00:00:00:00')!)).toBe(true);
    expect(macMatches(p, macToNumber('04:00:00:00:00:00')!)).toBe(false);
    expect(macToNumber('00:1b:21')).toBeNull();
  });
});

describe('regex guard', () => {
  it('refuses repeated groups that hold unbounded quantifiers', () => {
    for (const bad of ['(a+)+', '(a*)*', '(?:x+y)*', '((a)+b)+', '(a+){2,}', '(\\d+\\.)+', '(a|b+)*?']) expect(hasNestedUnboundedQuantifier(bad), bad).toBe(true);
  });

  it('accepts ordinary patterns', () => {
    for (const ok of ['^ge-\\d+/\\d+/\\d+:\\d+$', '(a+)?', '(a+){1,4}', '(ab)+', '[(+]+', '\\(a+\\)+', '(?:vlan)(\\d+)', '^(foo|bar)$', 'a{2,}', '[)]+']) {
      expect(hasNestedUnboundedQuantifier(ok), ok).toBe(false);
      expect(compileRegex(ok)).toBeInstanceOf(RegExp);
    }
  });
});

describe('hex', () => {
  it('decodes colon or plain hex to latin1, null for malformed', () => {
    expect(hexToLatin1('61:62:ff')).toBe('ab\xff');
    expect(hexToLatin1('6162')).toBe('ab');
    expect(hexToLatin1('')).toBe('');
    expect(hexToLatin1('6:162')).toBeNull();
    expect(hexToLatin1('zz')).toBeNull();
    expect(hexToLatin1('616')).toBeNull();
  });
});
