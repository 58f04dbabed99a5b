/** The FreeRADIUS test helper itself: other listeners (for the RFC 5176 tests to come) and the detail parser. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseDetail, startFreeRadius } from '../helpers/freeradius.js';

describe('startFreeRadius', () => {
  it('opens acct, auth and coa listeners on their own ports, and logs each request by name', async () => {
    const fr = await startFreeRadius({ listen: ['acct', 'auth', 'coa'] });
    try {
      expect(new Set(Object.values(fr.ports)).size).toBe(3);
      expect(fr.port).toBe(fr.ports.acct);
      const radclient = (port: number, type: string, attrs: string): string =>
        execFileSync('radclient', ['-r', '1', '-t', '2', `127.0.0.1:${port}`, type, fr.secret], { input: attrs, encoding: 'utf8' });
      expect(radclient(fr.ports.coa!, 'coa', 'User-Name = "bob", Acct-Session-Id = "s1"')).toMatch(/Received CoA-ACK/);
      expect(radclient(fr.ports.auth!, 'auth', 'User-Name = "bob", User-Password = "pw"')).toMatch(/Received Access-Accept/);
      const records = await fr.waitForRecords(2);
      expect(records.map((r) => r.get('Packet-Type'))).toEqual(['CoA-Request', 'Access-Request']);
      expect(records[0]!.get('Acct-Session-Id')).toBe('s1');
    } finally {
      await fr.stop();
    }
  });
});

describe('parseDetail', () => {
  it('reads records, unquotes strings and keeps repeated attributes in order', () => {
    const text = 'Mon Jan  1 00:00:00 2024\n\tUser-Name = "a \\"b\\""\n\tERX-Dhcp-Options = 0x01\n\tERX-Dhcp-Options = 0x02\n\tTimestamp = 1\n\nMon Jan  1 00:00:01 2024\n\tAcct-Status-Type = Stop\n\n';
    const [first, second] = parseDetail(text);
    expect(first!.get('User-Name')).toBe('a "b"');
    expect(first!.all('ERX-Dhcp-Options')).toEqual(['0x01', '0x02']);
    expect(second!.get('Acct-Status-Type')).toBe('Stop');
  });
});
