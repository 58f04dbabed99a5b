#!/usr/bin/env node
// Benchmark stand-in for the SAE: answers 204 to every POST (one event, or a JSON array in
// batch mode) and remembers, per event, when it arrived. Its own process, so the daemon and
// the ceiling client meet the same receiver.
//   node receiver.mjs   → prints the port; GET /stats, GET /arrivals, POST /reset
import { createServer } from 'node:http';

let arrivals = [];
let requests = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/stats') {
      const first = arrivals.length ? arrivals[0][2] : null;
      const last = arrivals.length ? arrivals[arrivals.length - 1][2] : null;
      res.end(JSON.stringify({ events: arrivals.length, requests, first, last }));
      return;
    }
    if (req.method === 'GET' && req.url === '/arrivals') {
      res.end(JSON.stringify(arrivals));
      return;
    }
    if (req.method === 'POST' && req.url === '/reset') {
      arrivals = [];
      requests = 0;
      res.end();
      return;
    }
    requests++;
    const now = Date.now();
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString());
      for (const e of Array.isArray(body) ? body : [body]) arrivals.push([e.id ?? null, e.type ?? null, now, e.time ?? null]);
    } catch {
      res.statusCode = 400;
      res.end();
      return;
    }
    res.statusCode = 204;
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
