import { describe, expect, it } from 'vitest';
import {
  chaddr,
  circuitId,
  clientFqdn,
  clientId,
  decodeDhcp,
  hostName,
  leaseSeconds,
  parameterRequestList,
  rebindingSeconds,
  remoteId,
  renewalSeconds,
  requestedIp,
  serverId,
  vendorClass,
  type DhcpMessage,
} from '../../../src/dhcp/message.js';
import { ipToString } from '../../../src/packet/addresses.js';
import { buildDhcp, ip, option, u32 } from '../../../src/testing/frames.js';

function ok(buf: Buffer): DhcpMessage {
  const m = decodeDhcp(buf);
  if (m.kind !== 'dhcp') throw new Error(`decode failed: ${JSON.stringify(m)}`);
  return m;
}

const agentInfo = Buffer.concat([option(1, 'eth1'), option(2, [0xaa, 0xbb]), option(9, [0, 0, 0x0d, 0xe9, 1, 7])]);

describe('decodeDhcp', () => {
  it('decodes the fixed header and every typed option', () => {
    const m = ok(
      buildDhcp({
        op: 2,
        xid: 0xdeadbeef,
        yiaddr: '192.0.2.10',
        giaddr: '192.0.2.1',
        chaddr: '52:54:00:aa:bb:cc',
        options: [
          [53, [5]],
          [54, ip('198.51.100.1')],
          [51, u32(3600)],
          [58, u32(1800)],
          [59, u32(3150)],
          [50, ip('192.0.2.10')],
          [55, [1, 3, 6, 15]],
          [60, Buffer.from('MSFT 5.0')],
          [61, [1, 0x52, 0x54, 0, 0xaa, 0xbb, 0xcc]],
          [12, Buffer.from('cpe-1')],
          [81, Buffer.concat([Buffer.from([0x05, 0, 0]), Buffer.from([3, 99, 112, 101, 7, 101, 120, 97, 109, 112, 108, 101, 0])])],
          [82, agentInfo],
        ],
      }),
    );
    expect(m.op).toBe(2);
    expect(m.messageType).toBe(5);
    expect(m.xid).toBe(0xdeadbeef);
    expect(ipToString(m.yiaddr)).toBe('192.0.2.10');
    expect(ipToString(m.giaddr)).toBe('192.0.2.1');
    expect(chaddr(m).toString('hex')).toBe('525400aabbcc');
    expect(ipToString(serverId(m)!)).toBe('198.51.100.1');
    expect(leaseSeconds(m)).toBe(3600);
    expect(renewalSeconds(m)).toBe(1800);
    expect(rebindingSeconds(m)).toBe(3150);
    expect(ipToString(requestedIp(m)!)).toBe('192.0.2.10');
    expect(parameterRequestList(m)).toEqual([1, 3, 6, 15]);
    expect(vendorClass(m)).toBe('MSFT 5.0');
    expect(clientId(m)!.toString('hex')).toBe('01525400aabbcc');
    expect(hostName(m)).toBe('cpe-1');
    expect(clientFqdn(m)).toEqual({ flags: 5, name: 'cpe.example' });
    expect(circuitId(m)!.toString()).toBe('eth1');
    expect(remoteId(m)!.toString('hex')).toBe('aabb');
    expect(m.relayAgentInfo!.subOptions.map((s) => s.code)).toEqual([1, 2, 9]);
  });

  it('treats a message without option 53 as BOOTP', () => {
    expect(ok(buildDhcp({ op: 1, options: [] })).messageType).toBe(0);
  });

  it('skips pad, stops at end, and tolerates a missing end option', () => {
    const withPad = Buffer.concat([buildDhcp({ options: [], noEnd: true }), Buffer.from([0, 0, 53, 1, 3, 0, 255, 53, 1, 7])]);
    expect(ok(withPad).messageType).toBe(3);
    expect(ok(buildDhcp({ options: [[53, [1]]], noEnd: true })).messageType).toBe(1);
  });

  it('concatenates repeated options (RFC 3396)', () => {
    const m = ok(buildDhcp({ options: [[53, [1]], [55, [1, 3]], [12, Buffer.from('ab')], [55, [6]]] }));
    expect(parameterRequestList(m)).toEqual([1, 3, 6]);
    expect(m.options.count).toBe(4);
    expect(m.options.codes()).toEqual([53, 55, 12]);
  });

  it('reads options from file and sname under option 52 overload, in that order', () => {
    const file = Buffer.alloc(128);
    Buffer.concat([option(51, u32(600)), option(12, 'from-file'), Buffer.from([255])]).copy(file);
    const sname = Buffer.alloc(64);
    Buffer.concat([option(61, [1, 2, 3]), Buffer.from([255])]).copy(sname);
    const m = ok(buildDhcp({ op: 2, file, sname, options: [[53, [5]], [52, [3]]] }));
    expect(m.overload).toBe(3);
    expect(leaseSeconds(m)).toBe(600);
    expect(hostName(m)).toBe('from-file');
    expect(clientId(m)!.toString('hex')).toBe('010203');
    expect(m.options.codes()).toEqual([53, 52, 51, 12, 61]);
  });

  it('does not read file/sname as options without overload', () => {
    const file = Buffer.alloc(128);
    Buffer.concat([option(51, u32(600))]).copy(file);
    expect(leaseSeconds(ok(buildDhcp({ file, options: [[53, [5]]] })))).toBeUndefined();
  });

  it('keeps an infinite lease as 0xffffffff', () => {
    expect(leaseSeconds(ok(buildDhcp({ options: [[53, [5]], [51, u32(0xffffffff)]] })))).toBe(0xffffffff);
  });

  it.each([
    ['dhcp-truncated', buildDhcp().subarray(0, 200), 200],
    ['dhcp-bad-op', (() => { const b = buildDhcp(); b[0] = 3; return b; })(), 0],
    ['dhcp-bad-hlen', buildDhcp({ hlen: 17 }), 2],
    ['dhcp-bad-magic-cookie', buildDhcp({ cookie: 0x63825364 }), 236],
    ['dhcp-option-overrun', Buffer.concat([buildDhcp({ options: [[53, [1]]], noEnd: true }), Buffer.from([12, 40, 1, 2])]), 243],
    ['dhcp-option-overrun', Buffer.concat([buildDhcp({ options: [], noEnd: true }), Buffer.from([12])]), 240],
    ['dhcp-bad-option-length', buildDhcp({ options: [[53, [1, 2]]] }), 240],
    ['dhcp-bad-option-length', buildDhcp({ options: [[51, [0, 0, 1]]] }), 240],
    ['dhcp-bad-option-length', buildDhcp({ options: [[53, [1]], [53, [3]]] }), 240],
    ['dhcp-bad-overload', buildDhcp({ options: [[52, [4]]] }), 240],
    ['dhcp-bad-relay-agent-info', buildDhcp({ options: [[82, [1, 9, 0x41]]] }), 0],
  ])('returns %s for malformed input', (code, buf, offset) => {
    expect(decodeDhcp(buf)).toMatchObject({ kind: 'error', code, offset });
  });

  it('reports an overrun inside an overloaded field', () => {
    const file = Buffer.alloc(128);
    file[126] = 12;
    file[127] = 9;
    expect(decodeDhcp(buildDhcp({ file, options: [[52, [1]]] }))).toMatchObject({ code: 'dhcp-option-overrun', offset: 108 + 126 });
  });
});
