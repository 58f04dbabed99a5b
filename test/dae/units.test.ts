/** The DAE's small parts: MAC notations, the duplicate cache's window, log throttling. */
import { describe, expect, it } from 'vitest';
import { DuplicateCache } from '../../src/dae/duplicates.js';
import { LogThrottle } from '../../src/dae/log-throttle.js';
import { normalizeMac } from '../../src/dae/mac.js';

describe('normalizeMac', () => {
  it.each([
    ['02:00:00:00:0b:04', '02:00:00:00:0b:04'],
    ['02-00-00-00-0B-04', '02:00:00:00:0b:04'],
    ['0200.0000.0B04', '02:00:00:00:0b:04'],
    ['020000000b04', '02:00:00:00:0b:04'],
    [' 02:00:00:00:0B:04 ', '02:00:00:00:0b:04'],
  ])('%s → %s', (text, mac) => expect(normalizeMac(text)).toBe(mac));

  it.each(['02:00:00:00:0b', '02:00-00:00:0b:04', '0200.0000.0b0', 'gg0000000b04', 'alice', ''])('%s is no MAC', (text) => expect(normalizeMac(text)).toBeUndefined());
});

describe('DuplicateCache', () => {
  const key = (identifier: number) => ({ address: '127.0.0.1', port: 5000, identifier, authenticator: Buffer.alloc(16, identifier) });

  it('replays within the window and forgets after it', async () => {
    let now = 0;
    const cache = new DuplicateCache(30_000, 100, () => now);
    cache.set(key(1), Promise.resolve(Buffer.from('a')));
    now = 29_999;
    expect(await cache.get(key(1))).toEqual(Buffer.from('a'));
    expect(cache.get(key(2))).toBeUndefined();
    expect(cache.get({ ...key(1), port: 5001 })).toBeUndefined();
    now = 30_000;
    expect(cache.get(key(1))).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const cache = new DuplicateCache(30_000, 3, () => 0);
    for (let i = 0; i < 5; i++) cache.set(key(i), Promise.resolve(undefined));
    expect(cache.size).toBe(3);
    expect(cache.get(key(0))).toBeUndefined();
    expect(cache.get(key(4))).toBeDefined();
  });
});

describe('LogThrottle', () => {
  it('one line per key per interval, then the count left out', () => {
    let now = 0;
    const t = new LogThrottle(10_000, () => now);
    expect(t.admit('a')).toBe(0);
    expect(t.admit('a')).toBeUndefined();
    expect(t.admit('a')).toBeUndefined();
    expect(t.admit('b')).toBe(0);
    now = 10_000;
    expect(t.admit('a')).toBe(2);
  });
});
