/** Small valid capture files exercising every feature the parsers support. */
import { LinkType } from '../../../src/capture/link-types.js';
import { block, buildPcap, bytes, epb, idb, pb, shb, spb } from './builders.js';

export const NS_TICKS = 1_700_000_000_123_456_789n;

export function pcapSample(littleEndian: boolean, nanosecond: boolean): Buffer {
  return buildPcap({
    littleEndian,
    nanosecond,
    linkType: LinkType.EN10MB,
    records: [
      { seconds: 1_700_000_000, frac: nanosecond ? 999_999_999 : 999_999, data: bytes(60, 1) },
      { seconds: 1_700_000_001, frac: 0, data: bytes(1, 2), originalLength: 1514 },
      { seconds: 0xffffffff, frac: nanosecond ? 1 : 1, data: Buffer.alloc(0), originalLength: 0 },
      { seconds: 1_700_000_002, frac: 123_456, data: bytes(13, 3) },
    ],
  });
}

/**
 * Two sections, LE then BE: µs, ns, 2^-20 and ms interfaces, an if_tsoffset, SPB, obsolete PB,
 * EPB options, and blocks the parser must skip (NRB, ISB, a custom block).
 */
export function pcapngSample(): Buffer {
  const le = true;
  const be = false;
  return Buffer.concat([
    shb(le),
    idb(le, { linkType: LinkType.EN10MB, snaplen: 65535 }),
    idb(le, { linkType: LinkType.RAW, snaplen: 0, tsresol: 9 }),
    block(le, 4, Buffer.from([0, 0, 0, 0])), // empty Name Resolution Block
    epb(le, { interfaceId: 0, ticks: 1_700_000_000_000_001n, data: bytes(42, 4), originalLength: 60 }),
    epb(le, { interfaceId: 1, ticks: NS_TICKS, data: bytes(5, 5), options: [{ code: 1, value: Buffer.from('comment') }] }),
    spb(le, bytes(10, 6)),
    pb(le, { interfaceId: 1, drops: 3, ticks: 0xffff_ffff_ffff_ffffn, data: bytes(7, 7) }),
    block(le, 5, Buffer.alloc(20)), // Interface Statistics Block
    block(le, 0x80000123, bytes(9, 8)), // local-use block type, must be skipped
    shb(be),
    idb(be, { linkType: LinkType.LINUX_SLL, snaplen: 8, tsresol: 0x80 | 20, tsoffset: 1000n }),
    idb(be, { linkType: LinkType.LINUX_SLL2, tsresol: 3, tsoffset: -5n }),
    epb(be, { interfaceId: 0, ticks: (1_700_000_000n << 20n) + (1n << 19n), data: bytes(8, 9) }),
    spb(be, bytes(8, 10), 300), // original 300 bytes, captured only the snaplen (8)
    epb(be, { interfaceId: 1, ticks: 1_700_000_000_999n, data: bytes(3, 11) }),
    shb(le), // empty last section
  ]);
}
