#!/usr/bin/env node
// The HTTP ceiling: a bare keep-alive client POSTing N signed event-sized bodies with C in
// flight to the same receiver the daemon uses. Prints requests/s as JSON.
//   node http-ceiling.mjs URL N C BODY_FILE [node|undici]
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Pool } from 'undici';

const [url, n, c, bodyFile, client = 'node'] = process.argv.slice(2);
const total = Number(n);
const concurrency = Number(c);
const body = readFileSync(bodyFile, 'utf8');
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
let sent = 0;
const pool = new Pool(new URL(url).origin, { connections: concurrency });
function headers() {
  const ts = String(Math.floor(Date.now() / 1000));
  return {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'x-dxgw-timestamp': ts,
    'x-dxgw-signature': `sha256=${createHmac('sha256', 'bench-secret').update(`${ts}.${body}`).digest('hex')}`,
  };
}
async function postUndici() {
  const r = await pool.request({ path: new URL(url).pathname, method: 'POST', headers: headers(), body });
  await r.body.dump();
}
function post() {
  if (client === 'undici') return postUndici();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: headers(), agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
}
const started = process.hrtime.bigint();
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (sent < total) {
    sent++;
    await post();
  }
}));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({ requests: total, seconds, perSecond: total / seconds })}\n`);
agent.destroy();
await pool.close();
