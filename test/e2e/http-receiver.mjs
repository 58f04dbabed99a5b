#!/usr/bin/env node
// A stand-in for the SAE, run INSIDE a lab namespace (ip netns exec …) by the e2e tests:
// the daemon there cannot reach the host's loopback. It records every POST, one JSON line
// each ({event, signatureOk, status}) in LOG, and answers 200 (checked signature or not).
//   node http-receiver.mjs HOST PORT SECRET LOG
import { createHmac } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [host, port, secret, log] = process.argv.slice(2);
if (!host || !port || !secret || !log) {
  process.stderr.write('usage: http-receiver.mjs HOST PORT SECRET LOG\n');
  process.exit(2);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    let event;
    try {
      event = JSON.parse(body);
    } catch {
      res.statusCode = 400;
      res.end();
      return;
    }
    const expected = `sha256=${createHmac('sha256', secret).update(`${req.headers['x-dxgw-timestamp']}.${body}`).digest('hex')}`;
    const signatureOk = req.headers['x-dxgw-signature'] === expected;
    appendFileSync(log, `${JSON.stringify({ event, signatureOk, path: req.url, receivedAt: new Date().toISOString() })}\n`);
    res.statusCode = 200;
    res.end();
  });
});
server.listen(Number(port), host, () => process.stdout.write(`listening ${host}:${port}\n`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
