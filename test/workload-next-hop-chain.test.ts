import { createServer, request, type Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startWorkloadServer } from '../src/workload/server.js';
import { closedAfterEach, listenOnLoopback } from './helpers/next-hop-servers.js';

interface Reply {
  status: number;
  hop: string | string[] | undefined;
  bytes: number;
  ms: number;
}

function send(url: string, method = 'GET', body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(url, { method }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, hop: res.headers['x-bench-hop'], bytes, ms: performance.now() - start }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A plain node server standing in for the next hop, recording what reached it. */
async function fakeUpstream(status: number): Promise<{ url: string; seen: { method: string; url: string; body: string }[]; server: Server }> {
  const seen: { method: string; url: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.writeHead(status, { 'content-length': '3' });
      res.end('abc');
    });
  });
  const url = await listenOnLoopback(server);
  return { url, seen, server };
}

describe('forwarding to a next hop', () => {
  const { servers, plain } = closedAfterEach();

  it('passes each request down the chain and answers with its own body and name', async () => {
    const last = await startWorkloadServer({ name: 'hop-2', responseBytes: 7, recordArrivals: true });
    const first = await startWorkloadServer({ name: 'hop-1', responseBytes: 100, nextHop: last.url });
    servers.push(first, last);
    for (let i = 0; i < 5; i++) {
      const reply = await send(`${first.url}/a/b`);
      expect(reply).toMatchObject({ status: 200, hop: 'hop-1', bytes: 100 });
    }
    const arrivals = (await (await fetch(`${last.url}/__bench/arrivals`)).json()) as { counts: number[] };
    expect(arrivals.counts.reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('adds up the service delay of every hop', async () => {
    const last = await startWorkloadServer({ serviceDelayUs: 2000 });
    const first = await startWorkloadServer({ serviceDelayUs: 2000, nextHop: last.url });
    servers.push(first, last);
    for (let i = 0; i < 5; i++) expect((await send(`${first.url}/`)).ms).toBeGreaterThanOrEqual(4);
  });

  it("answers with the next hop's status", async () => {
    const upstream = await fakeUpstream(503);
    plain.push(upstream.server);
    const first = await startWorkloadServer({ responseBytes: 20, nextHop: upstream.url });
    servers.push(first);
    expect(await send(`${first.url}/x`)).toMatchObject({ status: 503, bytes: 20 });
  });

  it('forwards the method, path and body', async () => {
    const upstream = await fakeUpstream(201);
    plain.push(upstream.server);
    const first = await startWorkloadServer({ nextHop: upstream.url });
    servers.push(first);
    expect((await send(`${first.url}/orders?id=7`, 'POST', 'payload')).status).toBe(201);
    expect(upstream.seen).toEqual([{ method: 'POST', url: '/orders?id=7', body: 'payload' }]);
  });

  it('answers 502 when the next hop is unreachable', async () => {
    const gone = await startWorkloadServer({});
    const url = gone.url;
    await gone.close();
    const first = await startWorkloadServer({ nextHop: url, responseBytes: 5 });
    servers.push(first);
    expect(await send(`${first.url}/`)).toMatchObject({ status: 502, hop: 'hop-1', bytes: 5 });
  });

  it('keeps answering 200 while the next hop drops its keep-alive connections', async () => {
    const last = await startWorkloadServer({ closeEvery: 2, closeEveryAbrupt: true });
    const first = await startWorkloadServer({ nextHop: last.url });
    servers.push(first, last);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await send(`${first.url}/`)).status);
    }
    expect(statuses).toEqual(new Array(10).fill(200));
  });
});
