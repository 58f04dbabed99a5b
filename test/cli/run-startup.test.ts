/** `dxgw run` start-up problems: one clear line, a non-zero exit, no stack trace. */
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dxgw } from '../helpers/cli.js';
import { writeConfig } from '../helpers/daemon.js';
import { freePort, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireTool } from '../helpers/tools.js';

describe.runIf(requireTool('redis-server'))('dxgw run refuses to start, in one line', () => {
  let redis: RedisServer;
  const dir = mkdtempSync(join(tmpdir(), 'dxgw-startup-'));
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function expectOneLine(result: { status: number | null; stderr: string }, pattern: RegExp): void {
    expect(result.status).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  }

  it('an interface that does not exist', () => {
    const config = writeConfig(dir, { redis: { url: redis.url }, api: { listen: '127.0.0.1:0' }, capture: { interface: 'nosuch0' } }, 'iface.yaml');
    expectOneLine(dxgw(['run', '--config', config]), /^dxgw: DXGW_CAPTURE_OPEN_FAILED: .*nosuch0.* \(at capture\.interface\)$/);
  });

  // Opening a capture needs CAP_NET_RAW: in CI (root) it always runs.
  it.runIf(process.getuid?.() === 0)('a capture.filter libpcap cannot compile', () => {
    const config = writeConfig(dir, { redis: { url: redis.url }, api: { listen: '127.0.0.1:0' }, capture: { interface: 'lo', filter: 'udp and (port 67 or' } }, 'filter.yaml');
    expectOneLine(dxgw(['run', '--config', config]), /^dxgw: DXGW_CAPTURE_FILTER_INVALID: libpcap cannot compile the capture filter: .*syntax error.* \(at capture\.filter\)$/);
  });

  it('Redis unreachable', async () => {
    const config = writeConfig(dir, { redis: { url: `redis://127.0.0.1:${await freePort()}` } }, 'redis.yaml');
    expectOneLine(dxgw(['run', '--config', config]), /^dxgw: DXGW_STORE_UNAVAILABLE: cannot reach Redis .* \(at redis\.url\)$/);
  });

  it('a port in use', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const config = writeConfig(dir, { redis: { url: redis.url }, api: { listen: `127.0.0.1:${port}` } }, 'port.yaml');
      expectOneLine(dxgw(['run', '--config', config]), /^dxgw: DXGW_RUN_PORT_IN_USE: api\.listen .*EADDRINUSE.* \(at api\.listen\)$/);
    } finally {
      blocker.close();
    }
  });

  it('an unknown role', () => {
    expectOneLine(dxgw(['run', '--roles', 'capture,nonsense']), /^dxgw: DXGW_RUN_BAD_ROLE: unknown role "nonsense"/);
  });
});
