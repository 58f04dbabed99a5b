/** /api/v1/bindings and /api/v1/subscribers/:ip/events (docs/api.md). */
import type { FastifyInstance } from 'fastify';
import { DxgwError } from '../../errors/codes.js';
import { DEFAULT_VR } from '../../leases/binding.js';
import type { BindingFilter } from '../../leases/store.js';
import { parseIp } from '../../packet/addresses.js';
import type { BindingService } from '../../subscribers/binding-service.js';

type Query = Record<string, string | undefined>;

const STATES = new Set(['bound', 'active', 'denied']);

function ipParam(ip: string): string {
  if (parseIp(ip) === undefined) throw new DxgwError('DXGW_API_BAD_REQUEST', `"${ip}" is not an IPv4 address`, { key: 'ip' });
  return ip;
}

export function filterFrom(query: Query): BindingFilter {
  const filter: BindingFilter = {};
  if (query.vr !== undefined) filter.vr = query.vr;
  if (query.ip !== undefined) filter.ip = ipParam(query.ip);
  if (query.mac !== undefined) {
    if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(query.mac)) throw new DxgwError('DXGW_API_BAD_REQUEST', `"${query.mac}" is not a MAC address (aa:bb:cc:dd:ee:ff)`, { key: 'mac' });
    filter.mac = query.mac.toLowerCase();
  }
  if (query.interface !== undefined) filter.interfaceName = query.interface;
  if (query.giaddr !== undefined) filter.giaddr = ipParam(query.giaddr);
  if (query.state !== undefined) {
    if (!STATES.has(query.state)) throw new DxgwError('DXGW_API_BAD_REQUEST', `state must be bound, active or denied, not "${query.state}"`, { key: 'state' });
    filter.state = query.state as BindingFilter['state'];
  }
  return filter;
}

export function registerBindingRoutes(app: FastifyInstance, service: BindingService): void {
  app.get<{ Querystring: Query }>('/api/v1/bindings', async (request) => {
    const bindings = await service.list(filterFrom(request.query));
    return { count: bindings.length, bindings };
  });

  app.get<{ Params: { ip: string }; Querystring: Query }>('/api/v1/bindings/:ip', async (request) => {
    const vr = request.query.vr ?? DEFAULT_VR;
    const binding = await service.show(vr, ipParam(request.params.ip));
    if (!binding) throw new DxgwError('DXGW_BINDING_NOT_FOUND', `no binding for ${request.params.ip} in virtual router ${vr}`);
    return binding;
  });

  app.delete<{ Params: { ip: string }; Querystring: Query }>('/api/v1/bindings/:ip', async (request) => {
    const vr = request.query.vr ?? DEFAULT_VR;
    const ip = ipParam(request.params.ip);
    const result = await service.clear({ vr, ip });
    if (result.cleared === 0) throw new DxgwError('DXGW_BINDING_NOT_FOUND', `no binding for ${ip} in virtual router ${vr}`);
    return result;
  });

  // Bulk clear by filter; `all=true` is required to clear without a filter.
  app.delete<{ Querystring: Query }>('/api/v1/bindings', async (request) => {
    const { all, ...rest } = request.query;
    const filter = filterFrom(rest);
    if (Object.keys(filter).length === 0 && all !== 'true') {
      throw new DxgwError('DXGW_API_BAD_REQUEST', 'give a filter (vr, ip, mac, interface, giaddr, state) or all=true', { key: 'all' });
    }
    return service.clear(filter, { all: all === 'true' });
  });

  app.get<{ Params: { ip: string }; Querystring: Query }>('/api/v1/subscribers/:ip/events', async (request) => {
    const limit = Math.min(Math.max(Number(request.query.limit ?? 100) || 100, 1), 10_000);
    const events = await service.history(request.query.vr ?? DEFAULT_VR, ipParam(request.params.ip), limit);
    return { count: events.length, events };
  });

  app.get('/api/v1/stats', async () => service.stats());
}
