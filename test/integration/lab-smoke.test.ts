/**
 * The lab still works: real dnsmasq and Kea servers, dhcrelay adding option 82 and udhcpc
 * clients in fresh network namespaces record new captures, and dxgw replays them into the
 * events a person expects. (The committed fixtures come from the same script.)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { replayCapture } from '../../src/cli/commands/replay.js';
import { LineWriter } from '../../src/cli/output.js';
import type { SubscriberEvent } from '../../src/events/event.js';
import { requireTool } from '../helpers/tools.js';

const LAB = join(import.meta.dirname, '..', 'lab', 'make-fixtures.sh');
const canRun = ['ip', 'dnsmasq', 'kea-dhcp4', 'dhcrelay', 'udhcpc', 'tcpdump', 'dumpcap', 'tshark'].every(requireTool) && process.getuid?.() === 0;
if (process.env.CI && !canRun) throw new Error('the lab needs root and its tools in CI');

describe.runIf(canRun)('lab smoke test (root, network namespaces)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-lab-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('records dnsmasq and Kea scenarios that replay to the expected events', { timeout: 180_000 }, async () => {
    execFileSync('bash', [LAB, 'dnsmasq', 'kea'], { env: { ...process.env, FIXTURES: dir, LAB_PREFIX: 'dxs' }, stdio: 'pipe', timeout: 170_000 });
    const files = readdirSync(dir).filter((f) => f.includes('dora-ping-renew-release'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) {
      const lines: string[] = [];
      const sink = new Writable({ write(chunk, _e, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
      await replayCapture(join(dir, file), { format: 'json', drain: true }, new LineWriter(sink));
      const events = lines.map((l) => JSON.parse(l) as SubscriberEvent);
      expect(events.map((e) => (e.reason ? `${e.type}:${e.reason}` : e.type)), file).toEqual([
        'interface-created',
        'address-added',
        'address-renewed',
        'interface-deleted:released',
        'address-deleted:released',
      ]);
    }
    expect(execFileSync('ip', ['netns', 'list']).toString()).not.toMatch(/\bdxs-/);
  });
});
