/**
 * `dxgw notifications` against the embedded Redis of a running `dxgw run` (no redis.url: it
 * finds the Redis through redis.dataDir, as `dxgw bindings` does), and every wrong argument
 * answered in one line with a stable code, a non-zero exit and no stack trace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dxgw } from '../helpers/cli.js';
import { startDaemon, waitFor, writeConfig, type Daemon } from '../helpers/daemon.js';
import { FIXTURE_DIR } from '../helpers/fixtures.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { freePort } from '../helpers/redis-server.js';
import { requireTool } from '../helpers/tools.js';

const SECRET = 'cli-secret';

/** One line on stderr carrying the code, a non-zero exit, no stack frame. */
function expectOneLineError(result: { status: number | null; stdout: string; stderr: string }, code: string, also?: RegExp): void {
  expect(result.status, result.stderr).not.toBe(0);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^dxgw: ${code}: `));
  if (also) expect(lines[0]).toMatch(also);
}

describe.runIf(requireTool('redis-server'))('dxgw notifications with the embedded Redis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-cli-notifications-'));
  let receiver: HttpReceiver;
  let daemon: Daemon;
  let config: string;
  const list = (...args: string[]) => dxgw(['notifications', 'list', '--config', config, ...args]);
  const jsonLines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; sink: string; state: string });

  beforeAll(async () => {
    // The SAE refuses everything (400: permanent), so every notification ends up failed.
    receiver = await startHttpReceiver(SECRET, () => ({ status: 400 }));
    config = writeConfig(dir, {
      site: 'clinotif',
      redis: { dataDir: join(dir, 'redis') }, // no url: `dxgw run` starts its own redis-server
      api: { listen: `127.0.0.1:${await freePort()}` },
      retry: { attempts: 1, backoffMs: 10, maxBackoffMs: 10 },
      sinks: [
        { name: 'sae', type: 'http', url: receiver.url, secret: SECRET },
        { name: 'audit', type: 'http', url: receiver.url, secret: SECRET, events: ['address-added'] },
      ],
    });
    daemon = startDaemon(['--config', config, '--replay', join(FIXTURE_DIR, 'many-clients.pcap'), '--speed', 'max']);
    // Five activations: ten events, in one job per activation for `sae`.
    const failedEvents = () => jsonLines(list('--state', 'failed', '--json', '--sink', 'sae').stdout).reduce((n, j) => n + (j as unknown as { eventIds: string[] }).eventIds.length, 0);
    await waitFor('failed notifications', () => failedEvents() >= 10, 90_000);
  }, 120_000);
  afterAll(async () => {
    await daemon?.stop('SIGKILL');
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists, shows and retries through the Redis found in redis.dataDir', { timeout: 60_000 }, async () => {
    const table = list();
    expect(table.status, table.stderr).toBe(0);
    expect(table.stderr).toBe('');
    expect(table.stdout).toMatch(/^ID\s+STATE\s+TYPE/);
    const failed = jsonLines(list('--state', 'failed', '--json').stdout);
    expect(new Set(failed.map((n) => n.sink))).toEqual(new Set(['sae', 'audit']));
    expect(failed.every((n) => n.state === 'failed')).toBe(true);

    const one = failed.find((n) => n.sink === 'audit')!;
    const shown = dxgw(['notifications', 'show', one.id, '--config', config]);
    expect(shown.status, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: one.id, sink: 'audit', state: 'failed', lastError: expect.stringMatching(/HTTP 400/) });

    // The same Redis as `dxgw bindings` (the one function both use).
    const bindings = dxgw(['bindings', 'list', '--json', '--config', config]);
    expect(bindings.status, bindings.stderr).toBe(0);
    expect(bindings.stdout.trim().split('\n').length).toBeGreaterThan(0);

    receiver.behave(() => ({ status: 200 }));
    const retried = dxgw(['notifications', 'retry', one.id, '--config', config]);
    expect(retried.status, retried.stderr).toBe(0);
    await waitFor('the retried notification delivered', () => receiver.delivered().some((r) => r.event.id === one.id.split('@')[0]), 30_000);
    await waitFor('it is completed', () => JSON.parse(dxgw(['notifications', 'show', one.id, '--config', config]).stdout).state === 'completed', 30_000);
    // Retrying it again is refused: it is not failed any more.
    expectOneLineError(dxgw(['notifications', 'retry', one.id, '--config', config]), 'DXGW_NOTIFICATION_NOT_FAILED', /is completed, not failed/);
  });

  it('wrong arguments: one line, a stable code, no stack trace', async () => {
    expectOneLineError(list('--sink', 'nope'), 'DXGW_CLI_BAD_ARGUMENT', /no sink named "nope".*sinks: sae, audit \(at --sink\)$/);
    expectOneLineError(list('--sink', 'sea'), 'DXGW_CLI_BAD_ARGUMENT', /did you mean "sae"/);
    expectOneLineError(list('--state', 'bogus'), 'DXGW_CLI_BAD_ARGUMENT', /\(at --state\)$/);
    expectOneLineError(dxgw(['notifications', 'retry', '--all', '--sink', 'nope', '--config', config]), 'DXGW_CLI_BAD_ARGUMENT', /\(at --sink\)$/);
    expectOneLineError(dxgw(['notifications', 'show', 'not-a-job-id', '--config', config]), 'DXGW_NOTIFICATION_NOT_FOUND');
    expectOneLineError(dxgw(['notifications', 'show', 'c0ffee-1@nosuchsink', '--config', config]), 'DXGW_NOTIFICATION_NOT_FOUND');
    expectOneLineError(dxgw(['notifications', 'show', 'c0ffee-1@sae', '--config', config]), 'DXGW_NOTIFICATION_NOT_FOUND');
    expectOneLineError(dxgw(['notifications', 'discard', '@', '--config', config]), 'DXGW_NOTIFICATION_NOT_FOUND');
    expectOneLineError(dxgw(['notifications', 'retry', '--config', config]), 'DXGW_CLI_BAD_ARGUMENT', /--all/);
    expectOneLineError(dxgw(['notifications', 'subscriber', 'not-an-ip', '--config', config]), 'DXGW_CLI_BAD_ARGUMENT', /\(at --ip\)$/);
    expectOneLineError(list('--redis', 'not a url'), 'DXGW_CLI_BAD_ARGUMENT', /not a Redis URL .*\(at --redis\)$/);
    expectOneLineError(list('--redis', 'http://127.0.0.1:6379'), 'DXGW_CLI_BAD_ARGUMENT', /\(at --redis\)$/);
    expectOneLineError(list('--redis', `redis://127.0.0.1:${await freePort()}`), 'DXGW_STORE_UNAVAILABLE', /\(at --redis\)$/);
    expectOneLineError(dxgw(['notifications', 'list', '--config', join(dir, 'missing.yaml')]), 'DXGW_CONFIG_UNREADABLE');
    // A config whose embedded Redis is not running (nothing ever ran on its dataDir).
    const idle = writeConfig(dir, { site: 'clinotif', redis: { dataDir: join(dir, 'never-started') }, sinks: [] }, 'idle.yaml');
    expectOneLineError(dxgw(['notifications', 'list', '--config', idle]), 'DXGW_CLI_BAD_ARGUMENT', /no embedded Redis runs on redis\.dataDir .*never-started/);
    expectOneLineError(dxgw(['bindings', 'list', '--config', idle]), 'DXGW_CLI_BAD_ARGUMENT', /no embedded Redis runs on redis\.dataDir/);
  });

  it('after the daemon is killed, its left-over URL file gives a clear line, not a hang', { timeout: 60_000 }, async () => {
    await daemon.stop('SIGKILL');
    // The watchdog stops the embedded redis-server once dxgw is gone; the URL file stays.
    let result = list();
    await waitFor('the embedded Redis gone', () => {
      result = list();
      return result.status !== 0;
    }, 30_000);
    expectOneLineError(result, 'DXGW_STORE_UNAVAILABLE', /is `dxgw run` running\?\): .*\(at redis\.dataDir\)$/);
  });
});
