/** Start-up problems are one DxgwError each, naming dae.listen; stop() is idempotent. */
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { startDaeServer } from '../../src/dae/index.js';
import { MemoryLeaseStore } from '../../src/leases/memory-store.js';
import { config, engine, NAS } from './harness.js';

const start = (listen: string) => startDaeServer({ config: { ...config.dae, listen }, store: new MemoryLeaseStore('dae'), engine, nas: NAS });

describe('startDaeServer', () => {
  it('a port in use: DXGW_RUN_PORT_IN_USE at dae.listen', async () => {
    const taken = createSocket('udp4');
    await new Promise<void>((resolve) => taken.bind(0, '127.0.0.1', resolve));
    try {
      await expect(start(`127.0.0.1:${taken.address().port}`)).rejects.toMatchObject({ code: 'DXGW_RUN_PORT_IN_USE', key: 'dae.listen' });
    } finally {
      taken.close();
    }
  });

  it('an address not on this host: DXGW_DAE_BIND_FAILED', async () => {
    await expect(start('192.0.2.77:3799')).rejects.toMatchObject({ code: 'DXGW_DAE_BIND_FAILED', key: 'dae.listen' });
  });

  it('binds the configured address; stop() twice is fine', async () => {
    const server = await start('127.0.0.1:0');
    expect(server.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    await server.stop();
    await server.stop();
  });
});
