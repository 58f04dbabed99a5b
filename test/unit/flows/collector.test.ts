/**
 * The UDP collector on a real socket: softflowd's datagrams sent to it over loopback come out
 * as records; exporters not listed are refused and counted; a listen address it cannot bind is
 * a clear error naming the key.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { DxgwError } from '../../../src/errors/codes.js';
import { startFlowCollector, type FlowCollector } from '../../../src/flows/collector.js';
import type { FlowRecord } from '../../../src/flows/flow-record.js';
import { waitFor } from '../../helpers/daemon.js';
import { datagrams } from './fixtures.js';

const collectors: FlowCollector[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const c of collectors.splice(0)) await c.close();
  for (const s of sockets.splice(0)) s.close();
});

async function collector(exporters: string[] = []) {
  const records: FlowRecord[] = [];
  const c = await startFlowCollector({ listen: '127.0.0.1:0', exporters, templateTimeoutSeconds: 1800, maxTemplates: 64, onRecord: (r) => records.push(r) });
  collectors.push(c);
  return { c, records };
}

function sender(): Socket {
  const s = createSocket('udp4');
  sockets.push(s);
  return s;
}

const send = (s: Socket, payload: Buffer, port: number) => new Promise<void>((resolve, reject) => s.send(payload, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));

describe('flow collector', () => {
  it("receives softflowd's IPFIX datagrams over UDP and hands over every record", async () => {
    const { c, records } = await collector();
    const s = sender();
    for (const g of datagrams('softflowd-ipfix-ether')) await send(s, g.payload, c.address().port);
    await waitFor('10 records', () => records.length === 10, 10_000);
    expect(c.stats()).toMatchObject({ datagrams: 2, records: 10, optionsRecords: 2 });
    expect(records.filter((r) => r.srcMac !== null)).toHaveLength(10);
  });

  it('takes NetFlow v9 and IPFIX on the same port', async () => {
    const { c, records } = await collector();
    const s = sender();
    for (const g of [...datagrams('softflowd-v9'), ...datagrams('softflowd-ipfix')]) await send(s, g.payload, c.address().port);
    await waitFor('20 records', () => records.length === 20, 10_000);
    expect(Object.values(c.stats().errors).every((n) => n === 0)).toBe(true);
  });

  it('with activation.flows.exporters set, refuses (and counts) datagrams from other addresses', async () => {
    const { c, records } = await collector(['192.0.2.250']);
    const s = sender();
    for (const g of datagrams('softflowd-v9')) await send(s, g.payload, c.address().port);
    await waitFor('2 refusals', () => c.stats().errors['exporter-not-allowed'] === 2, 10_000);
    expect(records).toEqual([]);
    expect(c.stats().templates).toBe(0);
    const allowed = await collector(['127.0.0.1']);
    for (const g of datagrams('softflowd-v9')) await send(s, g.payload, allowed.c.address().port);
    await waitFor('10 records', () => allowed.records.length === 10, 10_000);
  });

  it('a port in use is DXGW_RUN_PORT_IN_USE, an address not on this host DXGW_FLOWS_BIND_FAILED, both naming activation.flows.listen', async () => {
    const { c } = await collector();
    const taken = startFlowCollector({ listen: `127.0.0.1:${c.address().port}`, exporters: [], templateTimeoutSeconds: 1800, maxTemplates: 64, onRecord: () => undefined });
    await expect(taken).rejects.toMatchObject({ code: 'DXGW_RUN_PORT_IN_USE', key: 'activation.flows.listen' });
    const foreign = startFlowCollector({ listen: '192.0.2.123:4739', exporters: [], templateTimeoutSeconds: 1800, maxTemplates: 64, onRecord: () => undefined });
    await expect(foreign).rejects.toBeInstanceOf(DxgwError);
    await expect(foreign).rejects.toMatchObject({ code: 'DXGW_FLOWS_BIND_FAILED', key: 'activation.flows.listen' });
  });
});
