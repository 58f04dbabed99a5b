import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dxgw } from '../helpers/cli.js';
import { FIXTURE_DIR } from '../helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dxgw-decode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = join(FIXTURE_DIR, 'dnsmasq-dora-ping-renew-release.pcap');

function summaryOf(stderr: string) {
  const line = stderr.split('\n').find((l) => l.startsWith('{"summary"'));
  return JSON.parse(line!).summary;
}

describe('dxgw decode', () => {
  it('prints one JSON object per DHCP message and a summary on stderr', () => {
    const { status, stdout, stderr } = dxgw(['decode', fixture]);
    expect(status).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    const summary = summaryOf(stderr);
    expect(lines).toHaveLength(summary.dhcpMessages);
    expect(lines.map((l) => l.type)).toContain('RELEASE');
    for (const key of ['time', 'op', 'type', 'xid', 'chaddr', 'ciaddr', 'yiaddr', 'giaddr', 'leaseSeconds', 'clientId', 'circuitId', 'remoteId', 'vlans', 'src', 'dst', 'options']) {
      expect(lines[0]).toHaveProperty(key);
    }
    expect(summary.frames).toBeGreaterThan(summary.dhcpMessages);
    expect(summary.decodeErrors).toEqual({});
  });

  it('prints a table for people', () => {
    const { status, stdout } = dxgw(['decode', '--format', 'table', fixture]);
    expect(status).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^TIME\s+TYPE\s+XID/);
    expect(stdout).toMatch(/ACK\s/);
  });

  it('names the offset of a truncated file and still prints the frames before it', () => {
    const whole = readFileSync(fixture);
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 100));
    const full = dxgw(['decode', fixture]).stdout.trim().split('\n');
    const { status, stdout, stderr } = dxgw(['decode', cut]);
    expect(status).toBe(2);
    expect(stderr).toMatch(/DXGW_CAPTURE_FILE_TRUNCATED: .*\(at byte offset \d+\)/);
    const offset = Number(/offset (\d+)/.exec(stderr)![1]);
    expect(offset).toBeGreaterThan(24);
    expect(offset).toBeLessThan(whole.length - 100);
    const got = stdout.trim().split('\n');
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(full.slice(0, got.length));
  });

  it('names the offset of a corrupt record header', () => {
    const bytes = Buffer.from(readFileSync(fixture));
    // Second record's incl_len → absurd. Record 1 starts at 24; its length is at 24+8.
    const second = 24 + 16 + bytes.readUInt32LE(24 + 8);
    bytes.writeUInt32LE(0x7fffffff, second + 8);
    const bad = join(dir, 'corrupt.pcap');
    writeFileSync(bad, bytes);
    const { status, stderr, stdout } = dxgw(['decode', bad]);
    expect(status).toBe(2);
    expect(stderr).toContain(`DXGW_CAPTURE_FILE_CORRUPT`);
    expect(stderr).toContain(`offset ${second}`);
    expect(stdout.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a file that is not a capture, and a missing file, in one line', () => {
    const junk = join(dir, 'junk.txt');
    writeFileSync(junk, 'hello world, not a capture');
    const a = dxgw(['decode', junk]);
    expect(a.status).toBe(2);
    expect(a.stderr).toContain('DXGW_CAPTURE_FILE_UNKNOWN_FORMAT');
    const b = dxgw(['decode', join(dir, 'missing.pcap')]);
    expect(b.status).toBe(2);
    expect(b.stderr).toContain('DXGW_CAPTURE_FILE_UNREADABLE');
    expect(b.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an unknown --format with a clear error', () => {
    const { status, stderr } = dxgw(['decode', '--format', 'xml', fixture]);
    expect(status).toBe(2);
    expect(stderr).toContain('DXGW_CLI_BAD_ARGUMENT');
  });
});
