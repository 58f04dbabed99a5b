/** REST bindings API through Fastify inject(), on a store filled by the real engine. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../src/api/server.js';
import { decide, type EngineConfig } from '../../src/leases/engine.js';
import { testEngineConfig } from '../helpers/engine-config.js';
import { MemoryLeaseStore } from '../../src/leases/memory-store.js';
import type { Observation } from '../../src/leases/observation.js';
import { BindingService } from '../../src/subscribers/binding-service.js';

const T0 = Date.UTC(2026, 10, 28, 9, 0, 0);
const engine: EngineConfig = testEngineConfig({ site: 'api' });

function ack(ip: string, mac: string, time = T0): Observation {
  return {
    kind: 'ack', time, vr: 'default', ip, xid: 1, renewal: false, mac, clientId: null, giaddr: '192.0.2.1', serverId: '198.51.100.1',
    circuitId: null, remoteId: null, vlans: [], leaseSeconds: 600, clientOptions: {}, serverOptions: {},
  };
}

let store: MemoryLeaseStore;
let app: FastifyInstance;

function feed(observations: Observation[]): void {
  for (const obs of observations) for (const t of decide(obs, store.lookup, engine).transitions) store.commitSync(t);
}

beforeEach(() => {
  store = new MemoryLeaseStore('api');
  feed([
    ack('192.0.2.10', '02:00:00:00:00:10'),
    ack('192.0.2.9', '02:00:00:00:00:09'),
    ack('192.0.2.11', '02:00:00:00:00:11'),
    { kind: 'data', time: T0 + 1, vr: 'default', ip: '192.0.2.10', mac: null },
  ]);
  app = buildApi({ bindings: new BindingService(store, engine, () => T0 + 60_000), token: 'secret-token-0123456789' });
});
afterEach(async () => app.close());

const auth = { authorization: 'Bearer secret-token-0123456789' };

describe('REST /api/v1/bindings', () => {
  it('lists bindings in address order with filters', async () => {
    const all = await app.inject({ url: '/api/v1/bindings', headers: auth });
    expect(all.statusCode).toBe(200);
    expect(all.json().bindings.map((b: { ip: string }) => b.ip)).toEqual(['192.0.2.9', '192.0.2.10', '192.0.2.11']);
    const active = await app.inject({ url: '/api/v1/bindings?state=active', headers: auth });
    expect(active.json()).toMatchObject({ count: 1, bindings: [{ ip: '192.0.2.10', interface: { name: 'ip192-0-2-10' } }] });
    const byMac = await app.inject({ url: '/api/v1/bindings?mac=02:00:00:00:00:11', headers: auth });
    expect(byMac.json().bindings.map((b: { ip: string }) => b.ip)).toEqual(['192.0.2.11']);
  });

  it('shows one binding with its remaining lease', async () => {
    const res = await app.inject({ url: '/api/v1/bindings/192.0.2.10', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ip: '192.0.2.10', state: 'active', lease: { seconds: 600, remainingSeconds: 540 } });
  });

  it('answers 404 and 400 with stable codes', async () => {
    const missing = await app.inject({ url: '/api/v1/bindings/192.0.2.99', headers: auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('DXGW_BINDING_NOT_FOUND');
    const bad = await app.inject({ url: '/api/v1/bindings/300.1.1.1', headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('DXGW_API_BAD_REQUEST');
    const badState = await app.inject({ url: '/api/v1/bindings?state=weird', headers: auth });
    expect(badState.json().code).toBe('DXGW_API_BAD_REQUEST');
  });

  it('clears one binding through the engine: the same events as an expiry, reason cleared', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/api/v1/bindings/192.0.2.10', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json().events.map((e: { type: string; reason: string }) => `${e.type}:${e.reason}`)).toEqual([
      'interface-deleted:cleared',
      'address-deleted:cleared',
    ]);
    expect(store.getSync('default', '192.0.2.10')).toBeUndefined();
    const history = await app.inject({ url: '/api/v1/subscribers/192.0.2.10/events', headers: auth });
    expect(history.json().events.map((e: { type: string }) => e.type)).toEqual(['interface-created', 'address-added', 'interface-deleted', 'address-deleted']);
  });

  it('refuses a bulk clear without a filter unless all=true', async () => {
    const refused = await app.inject({ method: 'DELETE', url: '/api/v1/bindings', headers: auth });
    expect(refused.statusCode).toBe(400);
    expect(store.size).toBe(3);
    const some = await app.inject({ method: 'DELETE', url: '/api/v1/bindings?state=bound', headers: auth });
    expect(some.json().cleared).toBe(2);
    const all = await app.inject({ method: 'DELETE', url: '/api/v1/bindings?all=true', headers: auth });
    expect(all.json().cleared).toBe(1);
    expect(store.size).toBe(0);
  });

  it('serves statistics', async () => {
    const res = await app.inject({ url: '/api/v1/stats', headers: auth });
    expect(res.json()).toMatchObject({ bindings: { total: 3, bound: 2, active: 1 } });
  });

  it('requires the bearer token except on health', async () => {
    expect((await app.inject({ url: '/api/v1/bindings' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/bindings', headers: { authorization: 'Bearer wrong' } })).json().code).toBe('DXGW_API_UNAUTHORIZED');
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('bull-board behind the token', () => {
  it('asks a browser for credentials (401 + Basic) and accepts the token as password', async () => {
    const { NotificationOps } = await import('../../src/delivery/notifications.js');
    const store = new MemoryLeaseStore('api');
    const app = buildApi({ bindings: new BindingService(store, engine), token: 'secret-token-0123456789', notifications: { ops: new NotificationOps(new Map()), store, queues: new Map() } });
    try {
      const denied = await app.inject({ url: '/admin/queues' });
      expect(denied.statusCode).toBe(401);
      expect(denied.headers['www-authenticate']).toMatch(/^Basic/);
      const basic = `Basic ${Buffer.from('ops:secret-token-0123456789').toString('base64')}`;
      expect((await app.inject({ url: '/admin/queues', headers: { authorization: basic } })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
