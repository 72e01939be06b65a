import { createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startWorkloadServer } from '../src/workload/server.js';
import { closedAfterEach, listenOnLoopback } from './helpers/next-hop-servers.js';

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(5000, () => req.destroy(new Error(`no answer from ${url} within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * A next hop that answers slowly while `mode` is 'answer' (so concurrent requests open one connection each) and, in
 * 'hang-up' mode, closes the connection of every request it receives without answering.
 */
async function upstream(): Promise<{ url: string; server: Server; open: Set<Socket>; hangUps: () => number; hangUp: () => void }> {
  let mode: 'answer' | 'hang-up' = 'answer';
  let hangUps = 0;
  const open = new Set<Socket>();
  const server = createServer((req, res) => {
    if (mode === 'hang-up') {
      hangUps++;
      req.socket.destroy();
      return;
    }
    setTimeout(() => res.end('ok'), 50);
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    server,
    open,
    hangUps: () => hangUps,
    hangUp: () => (mode = 'hang-up'),
  };
}

describe('the forwarder towards the next hop', () => {
  const { servers, plain } = closedAfterEach();

  it('retries a request reset on a reused connection once, then answers 502', async () => {
    const next = await upstream();
    plain.push(next.server);
    const hop = await startWorkloadServer({ nextHop: next.url });
    servers.push(hop);
    // Three requests at once: three pooled connections, all idle and reusable afterwards.
    expect(await Promise.all([get(hop.url), get(hop.url), get(hop.url)])).toEqual([200, 200, 200]);
    expect(next.open.size).toBe(3);
    next.hangUp();
    expect(await get(hop.url)).toBe(502);
    // The first attempt and one retry; a third reused connection was there to be tried and was not.
    expect(next.hangUps()).toBe(2);
  });

  it('closes its pooled connections to the next hop when the server closes', async () => {
    const next = await upstream();
    plain.push(next.server);
    const hop = await startWorkloadServer({ nextHop: next.url });
    expect(await Promise.all([get(hop.url), get(hop.url)])).toEqual([200, 200]);
    expect(next.open.size).toBe(2);
    await hop.close();
    const deadline = performance.now() + 1000;
    while (next.open.size > 0 && performance.now() < deadline) await sleep(10);
    expect(next.open.size).toBe(0);
  });
});
