/**
 * `dxgw decode` must agree with tshark on every committed real-peer fixture: same DHCP
 * messages in the same order, same header fields, VLAN ids, and every option byte for byte.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCaptureBuffer } from '../../src/capture/capture-file.js';
import { FrameDecoder } from '../../src/dhcp/frame-decoder.js';
import { toDecodedJson, type DecodedMessageJson } from '../../src/dhcp/format.js';
import { fixtureFiles } from '../helpers/fixtures.js';
import { requireTool } from '../helpers/tools.js';

interface TsharkMessage {
  op: string;
  xid: string;
  chaddr: string;
  ciaddr: string;
  yiaddr: string;
  giaddr: string;
  vlans: number[];
  options: Record<string, string>;
}

type Raw = [string, number, number, number, number];

function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function rawList(value: Raw | Raw[] | undefined): Raw[] {
  if (value === undefined) return [];
  return typeof value[0] === 'string' ? [value as Raw] : (value as Raw[]);
}

function tsharkMessages(file: string): TsharkMessage[] {
  const json = execFileSync('tshark', ['-r', file, '-Y', 'dhcp && !icmp', '-T', 'json', '-x', '--no-duplicate-keys'], {
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString();
  const packets = JSON.parse(json) as Array<{ _source: { layers: Record<string, Record<string, unknown>> } }>;
  return packets.map(({ _source: { layers } }) => {
    const dhcp = layers.dhcp!;
    const options: Record<string, string> = {};
    for (const [hex] of rawList(dhcp['dhcp.option.type_raw'] as Raw | Raw[])) {
      const code = parseInt(hex.slice(0, 2), 16);
      if (code === 0 || code === 255) continue;
      options[code] = (options[code] ?? '') + hex.slice(4);
    }
    const vlans = [
      ...asList(layers.ieee8021ad as Record<string, string> | Record<string, string>[] | undefined).map((t) => Number(t['ieee8021ad.id'])),
      ...asList(layers.vlan as Record<string, string> | Record<string, string>[] | undefined).map((t) => Number(t['vlan.id'])),
    ];
    return {
      op: dhcp['dhcp.type'] === '1' ? 'BOOTREQUEST' : 'BOOTREPLY',
      xid: dhcp['dhcp.id'] as string,
      chaddr: (dhcp['dhcp.hw.mac_addr'] as string | undefined) ?? '',
      ciaddr: dhcp['dhcp.ip.client'] as string,
      yiaddr: dhcp['dhcp.ip.your'] as string,
      giaddr: dhcp['dhcp.ip.relay'] as string,
      vlans,
      options,
    };
  });
}

function ours(file: string): { messages: DecodedMessageJson[]; decoder: FrameDecoder } {
  const decoder = new FrameDecoder();
  const messages: DecodedMessageJson[] = [];
  parseCaptureBuffer(readFileSync(file), (frame) => {
    const outcome = decoder.decode(frame);
    if (outcome.kind === 'dhcp') messages.push(toDecodedJson(outcome));
  });
  return { messages, decoder };
}

describe.runIf(requireTool('tshark'))('dxgw decode agrees with tshark on the real-peer fixtures', () => {
  const files = fixtureFiles();

  it('has the fixtures the lab makes', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files.map((f) => [basename(f), f]))('%s', (_name, file) => {
    const theirs = tsharkMessages(file);
    const { messages, decoder } = ours(file);
    expect(decoder.errors.total).toBe(0);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages).toHaveLength(theirs.length);
    messages.forEach((m, i) => {
      const t = theirs[i]!;
      const where = `${basename(file)} message ${i + 1} (${m.type})`;
      expect({ where, op: m.op, xid: m.xid, chaddr: m.chaddr, ciaddr: m.ciaddr, yiaddr: m.yiaddr, giaddr: m.giaddr, vlans: m.vlans }).toEqual({
        where,
        op: t.op,
        xid: t.xid,
        chaddr: t.chaddr,
        ciaddr: t.ciaddr,
        yiaddr: t.yiaddr,
        giaddr: t.giaddr,
        vlans: t.vlans,
      });
      expect({ where, options: m.options }).toEqual({ where, options: t.options });
      // Typed accessors read the same bytes tshark shows.
      if (t.options['51']) expect(m.leaseSeconds).toBe(parseInt(t.options['51'], 16));
      if (t.options['61']) expect(m.clientId!.replaceAll(':', '')).toBe(t.options['61']);
      if (t.options['53']) expect(m.type).not.toMatch(/^UNKNOWN/);
    });
  });
});
