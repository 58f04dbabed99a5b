/** The agent's varbind encoder writes byte for byte what net-snmp's BER writer (asn1-ber) would. */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { encodeVarbindList } from '../../src/snmp/ber.js';
import { counter64, gauge32, integer, ipAddress, objectId, octets, T, text, timeTicks } from '../../src/snmp/values.js';

interface Writer {
  startSequence(): void;
  endSequence(): void;
  writeOID(s: string): void;
  writeBuffer(b: Buffer, tag: number): void;
  writeInt(i: number, tag: number): void;
  writeByte(b: number): void;
  buffer: Buffer;
}
const { Ber } = createRequire(import.meta.url)('asn1-ber') as { Ber: { Writer: new () => Writer } };

type Vb = { oid: string; type: number; value: unknown };

/** What net-snmp's writeVarbinds does for these types, through the same asn1-ber writer. */
function reference(varbinds: Vb[]): Buffer {
  const w = new Ber.Writer();
  w.startSequence();
  for (const vb of varbinds) {
    w.startSequence();
    w.writeOID(vb.oid);
    if (vb.type === T.OctetString || vb.type === T.Counter64) w.writeBuffer(vb.value as Buffer, vb.type);
    else if (vb.type === T.IpAddress) w.writeBuffer(Buffer.from(String(vb.value).split('.').map(Number)), T.IpAddress);
    else if (vb.type === T.Oid) w.writeOID(vb.value as string);
    else if (vb.type >= 0x80) {
      w.writeByte(vb.type);
      w.writeByte(0);
    }
    else w.writeInt(vb.value as number, vb.type);
    w.endSequence();
  }
  w.endSequence();
  return w.buffer;
}

describe('varbind BER encoder', () => {
  it('matches net-snmp for every value type the agent answers with', () => {
    const oids = ['1.3.6.1.2.1.1.1.0', '1.3.6.1.4.1.32473.1.1.1.1.3.7.100.101.102.97.117.108.116.192.0.2.32', '1.3.6.1.4.1.4294967295.16384.2097151', '2.47.1'];
    const values = [
      integer(0), integer(127), integer(128), integer(-1), integer(-129), integer(2 ** 31 - 1), integer(-(2 ** 31)),
      gauge32(0), gauge32(255), gauge32(0xffffffff), timeTicks(123456), counter64(2n ** 64n - 1n), counter64(5),
      octets(Buffer.alloc(300, 7)), text('ip-192.0.2.9'), ipAddress('192.0.2.1'), objectId([1, 3, 6, 1, 4, 1, 32473, 1]),
      { type: T.NoSuchObject, value: null }, { type: T.NoSuchInstance, value: null }, { type: T.EndOfMibView, value: null },
    ];
    const varbinds: Vb[] = oids.flatMap((oid) => values.map((v) => ({ oid, type: v.type, value: v.value })));
    expect(encodeVarbindList(varbinds).toString('hex')).toBe(reference(varbinds).toString('hex'));
  });

  it('encodes a first arc pair above 127 in base 128 (X.690 §8.19; asn1-ber truncates it)', () => {
    expect(encodeVarbindList([{ oid: '2.999.1', type: T.Null, value: null }]).toString('hex')).toBe('3009300706038837010500');
  });
});
