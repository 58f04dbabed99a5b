/** ERX-Dhcp-Options / ERX-Dhcp-Option-82 re-encoding, the 247-byte split, and event → attribute mapping. */
import radius from 'radius';
import { describe, expect, it } from 'vitest';
import { accountingAttributes, nasAttributes, TERMINATE_CAUSE, terminateCause } from '../../src/delivery/sinks/radius-attributes.js';
import { chunk, encodeDhcpOptions, encodeOption82, ERX_CHUNK } from '../../src/delivery/sinks/radius-dhcp.js';
import { encodeAccountingRequest, ensureDictionary, ERX_VENDOR, RadiusEncodeError } from '../../src/radius/index.js';
import { added, binding, deleted, renewed } from './events.js';

const NAS = { nasIp: '192.0.2.254', nasIdentifier: 'dxgw-test' };
const hex = (n: number, byte = 0xab): string => Buffer.alloc(n, byte).toString('hex');

describe('encodeDhcpOptions', () => {
  it('writes code,len,value TLVs in ascending code order', () => {
    expect(encodeDhcpOptions({ '55': '0103', '12': '686f7374', '53': '03' })).toEqual(
      Buffer.from([12, 4, 0x68, 0x6f, 0x73, 0x74, 53, 1, 3, 55, 2, 1, 3]),
    );
  });

  it('splits a value over 255 bytes into TLVs of the same code (RFC 3396)', () => {
    const out = encodeDhcpOptions({ '43': hex(300) });
    expect(out.length).toBe(2 + 255 + 2 + 45);
    expect([out[0], out[1], out[257], out[258]]).toEqual([43, 255, 43, 45]);
  });

  it('keeps empty values and skips pad, end, junk codes and non-hex values', () => {
    expect(encodeDhcpOptions({ '0': '00', '255': '', '80': '', x: '01', '300': '01', '60': 'zz', '61': '01:02' })).toEqual(Buffer.from([61, 2, 1, 2, 80, 0]));
  });
});

describe('chunk at 247 bytes', () => {
  it.each([
    [0, []],
    [1, [1]],
    [247, [247]],
    [248, [247, 1]],
    [494, [247, 247]],
    [495, [247, 247, 1]],
  ])('%i bytes → pieces %j', (n, sizes) => {
    const data = Buffer.from(Array.from({ length: n }, (_, i) => i & 0xff));
    const pieces = chunk(data);
    expect(pieces.map((p) => p.length)).toEqual(sizes);
    expect(Buffer.concat(pieces)).toEqual(data);
  });

  it('a long option set becomes several ERX-Dhcp-Options attributes, in order, that encode', () => {
    const b = binding({ clientOptions: { '12': hex(60, 0x61), '43': hex(200), '55': '0103060f', '60': hex(40, 0x62) } });
    const attrs = accountingAttributes(added(b), NAS);
    const pieces = attrs.filter((a) => a.name === 'ERX-Dhcp-Options');
    expect(pieces.map((p) => (p.value as Buffer).length)).toEqual([ERX_CHUNK, 2 + 60 + 2 + 200 + 2 + 4 + 2 + 40 - ERX_CHUNK]);
    expect(Buffer.concat(pieces.map((p) => p.value as Buffer))).toEqual(encodeDhcpOptions(b.clientOptions!));
    // Each piece fills a Vendor-Specific attribute to at most 255 bytes.
    const packet = encodeAccountingRequest(1, 's', attrs);
    ensureDictionary();
    const decoded = radius.decode({ packet, secret: 's' });
    const vsa = decoded.attributes['Vendor-Specific'] as Record<string, unknown>;
    expect(Buffer.concat(vsa['ERX-Dhcp-Options'] as Buffer[])).toEqual(encodeDhcpOptions(b.clientOptions!));
  });
});

describe('encodeOption82', () => {
  it('writes circuit-id as sub-option 1 and remote-id as 2', () => {
    expect(encodeOption82('72:65:6c:61:79:30', '01:02')).toEqual(Buffer.from([1, 6, 0x72, 0x65, 0x6c, 0x61, 0x79, 0x30, 2, 2, 1, 2]));
    expect(encodeOption82(null, 'aa')).toEqual(Buffer.from([2, 1, 0xaa]));
    expect(encodeOption82(null, null)).toBeUndefined();
  });
});

describe('accountingAttributes', () => {
  const b = binding();
  const names = (attrs: Array<{ name: string }>) => attrs.map((a) => a.name);
  const value = (attrs: Array<{ name: string; value: unknown }>, name: string) => attrs.find((a) => a.name === name)?.value;

  it('Start carries identity, NAS, options, no session time or cause', () => {
    const attrs = accountingAttributes(added(b), NAS);
    expect(value(attrs, 'Acct-Status-Type')).toBe('Start');
    expect(value(attrs, 'User-Name')).toBe(b.mac);
    expect(value(attrs, 'Acct-Session-Id')).toBe(b.sessionId);
    expect(value(attrs, 'Event-Timestamp')).toEqual(new Date(b.at));
    expect(value(attrs, 'ERX-Virtual-Router-Name')).toBe('vr-customers');
    expect(names(attrs)).toContain('ERX-Dhcp-Options');
    expect(names(attrs)).not.toContain('Acct-Session-Time');
    expect(names(attrs)).not.toContain('Acct-Terminate-Cause');
    expect(attrs.filter((a) => a.name.startsWith('ERX-')).every((a) => a.vendor === ERX_VENDOR)).toBe(true);
  });

  it('Interim and Stop carry Acct-Session-Time from the lease start, Stop the terminate cause; no options', () => {
    const interim = accountingAttributes(renewed(b, 1_800_000), NAS);
    expect(value(interim, 'Acct-Status-Type')).toBe('Interim-Update');
    expect(value(interim, 'Acct-Session-Time')).toBe(0); // the lease restarted at the renewal (documented)
    const stop = accountingAttributes(deleted(b, 'cleared', 3_000_000, 1_800_000), NAS);
    expect(value(stop, 'Acct-Session-Time')).toBe(1200);
    expect(value(stop, 'Acct-Terminate-Cause')).toBe('Admin-Reset');
    expect(names(stop)).not.toContain('ERX-Dhcp-Options');
    expect(value(stop, 'ERX-Dhcp-Option-82')).toEqual(encodeOption82('72:65:6c:61:79:30', '01:02'));
  });

  it('prefers an activation time when the event has one', () => {
    const stop = { ...deleted(b, 'expired', 3_000_000), activatedAt: new Date(b.at).toISOString() };
    expect(value(accountingAttributes(stop, NAS), 'Acct-Session-Time')).toBe(3000);
  });

  it('uses the login name when the route map set one', () => {
    expect(value(accountingAttributes(added(binding({ loginName: 'alice@isp' })), NAS), 'User-Name')).toBe('alice@isp');
  });

  it('maps every delete reason', () => {
    expect(TERMINATE_CAUSE).toEqual({
      released: 'User-Request',
      expired: 'Lost-Service',
      cleared: 'Admin-Reset',
      disconnected: 'Admin-Reset',
      nak: 'NAS-Request',
      declined: 'NAS-Request',
      replaced: 'NAS-Request',
    });
    expect(terminateCause(null)).toBe('NAS-Request');
    expect(terminateCause('toString')).toBe('NAS-Request');
  });

  it('adds route map attributes the dictionary knows, replacing its own; skips protected, unknown and unencodable ones', () => {
    const b = binding({
      attributes: {
        'NAS-Port-Id': 'relay0',
        'ERX-Service-Bundle': 'gold',
        Class: '0x6b6c',
        'NAS-Port': '42',
        'Acct-Session-Id': 'forged',
        service: 'for the SAE only',
        'NAS-Port-Type': 'No-Such-Type',
        'Login-IP-Host': '300.1.1.1',
      },
    });
    const attrs = accountingAttributes(added(b), NAS);
    expect(attrs.filter((a) => a.name === 'NAS-Port-Id')).toEqual([{ name: 'NAS-Port-Id', value: 'relay0' }]);
    expect(attrs.find((a) => a.name === 'ERX-Service-Bundle')).toEqual({ name: 'ERX-Service-Bundle', value: 'gold', vendor: ERX_VENDOR });
    expect(value(attrs, 'Class')).toEqual(Buffer.from('kl'));
    expect(value(attrs, 'NAS-Port')).toBe('42');
    expect(value(attrs, 'Acct-Session-Id')).toBe(b.sessionId);
    expect(value(attrs, 'NAS-Port-Type')).toBe('Ethernet');
    expect(names(attrs)).not.toContain('service');
    expect(names(attrs)).not.toContain('Login-IP-Host');
  });

  it('Accounting-On has the NAS identity and a session id', () => {
    expect(names(nasAttributes('Accounting-On', NAS, 'abc', 0))).toEqual(['Acct-Status-Type', 'NAS-IP-Address', 'NAS-Identifier', 'Acct-Session-Id', 'Event-Timestamp']);
  });
});

describe('encodeAccountingRequest limits', () => {
  it('refuses values one attribute cannot carry and packets over 4096 bytes', () => {
    expect(() => encodeAccountingRequest(1, 's', [{ name: 'User-Name', value: 'x'.repeat(254) }])).toThrow(RadiusEncodeError);
    expect(() => encodeAccountingRequest(1, 's', [{ name: 'ERX-Dhcp-Options', vendor: ERX_VENDOR, value: Buffer.alloc(248) }])).toThrow(RadiusEncodeError);
    const many = Array.from({ length: 17 }, () => ({ name: 'ERX-Dhcp-Options', vendor: ERX_VENDOR, value: Buffer.alloc(247) }));
    expect(() => encodeAccountingRequest(1, 's', many)).toThrow(RadiusEncodeError);
    expect(() => encodeAccountingRequest(1, 's', [{ name: 'Framed-IP-Address', value: '1.2.3' }])).toThrow(RadiusEncodeError);
  });
});

describe('encodeAccountingRequest bytes', () => {
  const asCodec = (attrs: ReturnType<typeof accountingAttributes>): radius.Attribute[] =>
    attrs.map((a) => (a.vendor === undefined ? [a.name, a.value] : ['Vendor-Specific', a.vendor, [[a.name, a.value]]]));

  it("are those of the `radius` package's encoder for Start, Interim and Stop (every type: string, octets, ipaddr, integer, date, VSAs)", () => {
    ensureDictionary();
    const b = binding({ attributes: { Class: '0x6b6c', 'ERX-Service-Bundle': 'gold' } });
    for (const event of [added(b), renewed(b), deleted(b, 'expired')]) {
      const attrs = [...accountingAttributes(event, { ...NAS, nasPortType: 'Ethernet' }), { name: 'Acct-Delay-Time', value: 7 }];
      const theirs = radius.encode({ code: 'Accounting-Request', identifier: 42, secret: 'enc-secret', attributes: asCodec(attrs), add_message_authenticator: false });
      expect(encodeAccountingRequest(42, 'enc-secret', attrs).toString('hex')).toBe(theirs.toString('hex'));
    }
  });

  it('refuses an unknown name, an unknown value name, a number out of range and a type it cannot write', () => {
    expect(() => encodeAccountingRequest(1, 's', [{ name: 'No-Such-Attribute', value: 'x' }])).toThrow(RadiusEncodeError);
    expect(() => encodeAccountingRequest(1, 's', [{ name: 'No-Such', vendor: ERX_VENDOR, value: 'x' }])).toThrow(RadiusEncodeError);
    expect(() => encodeAccountingRequest(1, 's', [{ name: 'NAS-Port-Type', value: 'Ethernets' }])).toThrow(RadiusEncodeError);
    expect(() => encodeAccountingRequest(1, 's', [{ name: 'Acct-Delay-Time', value: 2 ** 32 }])).toThrow(RadiusEncodeError);
    expect(() => encodeAccountingRequest(1, 's', [{ name: 'Acct-Delay-Time', value: -1 }])).toThrow(RadiusEncodeError);
    expect(() => encodeAccountingRequest(1, 's', [{ name: 'Framed-IP-Address', value: '256.1.1.1' }])).toThrow(RadiusEncodeError);
    expect(() => encodeAccountingRequest(1, 's', [{ name: 'Framed-IPv6-Prefix', value: '2001:db8::/64' }])).toThrow(RadiusEncodeError);
    expect(() => encodeAccountingRequest(1, 's', [{ name: 'Vendor-Specific', value: 'x' }])).toThrow(RadiusEncodeError);
  });

  it('leaves out empty strings (RFC 2865 §5)', () => {
    expect(encodeAccountingRequest(1, 's', [{ name: 'User-Name', value: '' }, { name: 'Class', value: Buffer.alloc(0) }])).toHaveLength(20);
  });
});
