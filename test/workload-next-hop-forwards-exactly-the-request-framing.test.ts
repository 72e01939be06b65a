import { request } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkloadServer, type RunningWorkloadServer } from '../src/workload/server.js';

/**
 * A next hop at the TCP level: records the raw bytes of what reached it and answers every request head it sees
 * with `204 No Content`, so what the forwarder put on the wire (framing headers, a body or not) can be read exactly.
 */
async function rawUpstream(
  host = '127.0.0.1',
  answer: 'whole' | 'broken-off' = 'whole',
): Promise<{ url: string; close: () => void; received: () => string }> {
  let received = '';
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('latin1');
    let pending = '';
    socket.on('data', (chunk: string) => {
      received += chunk;
      pending += chunk;
      // Answer once the head (and a declared or chunked body) has arrived.
      const headEnd = pending.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const head = pending.slice(0, headEnd).toLowerCase();
      const rest = pending.slice(headEnd + 4);
      const length = /content-length: (\d+)/.exec(head);
      if (length !== null && rest.length < Number(length[1])) return;
      if (head.includes('transfer-encoding: chunked') && !rest.endsWith('0\r\n\r\n')) return;
      pending = '';
      if (answer === 'whole') socket.write('HTTP/1.1 204 No Content\r\n\r\n');
      // Three bytes of the ten announced, then the connection is gone.
      else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', () => socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const close = (): void => {
    for (const s of sockets) s.destroy();
    server.close();
  };
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${urlHost}:${address.port}`, close, received: () => received };
}

/** Whether this machine has an IPv6 loopback (a container may not). */
const ipv6Loopback = await new Promise<boolean>((resolve) => {
  const probe = createServer();
  probe.once('error', () => resolve(false));
  probe.listen(0, '::1', () => probe.close(() => resolve(true)));
});

function send(url: string, method: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(5000, () => req.destroy(new Error(`no answer from ${url} within 5 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

describe('what the forwarder puts on the wire towards the next hop', () => {
  const started: RunningWorkloadServer[] = [];
  const upstreams: (() => void)[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
    for (const close of upstreams.splice(0)) close();
  });

  it('forwards a body with its declared content-length, not re-chunked', async () => {
    const next = await rawUpstream();
    upstreams.push(next.close);
    const hop = await startWorkloadServer({ nextHop: next.url });
    started.push(hop);
    const status = await send(`${hop.url}/orders`, 'POST', { 'content-type': 'text/plain', 'content-length': '7' }, 'payload');
    expect(status).toBe(204);
    const wire = next.received().toLowerCase();
    expect(wire).toMatch(/^post \/orders http\/1\.1\r\n/);
    expect(wire).toContain('\r\ncontent-length: 7\r\n');
    expect(wire).toContain('\r\ncontent-type: text/plain\r\n');
    expect(wire).not.toContain('transfer-encoding');
    expect(wire.endsWith('\r\n\r\npayload')).toBe(true);
  });

  it.each(['GET', 'HEAD'])("does not forward a %s request's body (nor any framing for one)", async (method) => {
    const next = await rawUpstream();
    upstreams.push(next.close);
    const hop = await startWorkloadServer({ nextHop: next.url });
    started.push(hop);
    const status = await send(`${hop.url}/items`, method, { 'content-length': '5' }, 'hello');
    expect(status).toBe(204);
    // Let anything the forwarder might still write after its request head reach the next hop.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const wire = next.received().toLowerCase();
    expect(wire.startsWith(`${method.toLowerCase()} /items http/1.1\r\n`)).toBe(true);
    expect(wire).not.toContain('content-length');
    expect(wire).not.toContain('hello');
    expect(wire.endsWith('\r\n\r\n')).toBe(true);
  });

  it('answers 502 when the answer of the next hop breaks off', async () => {
    const next = await rawUpstream('127.0.0.1', 'broken-off');
    upstreams.push(next.close);
    const hop = await startWorkloadServer({ nextHop: next.url });
    started.push(hop);
    expect(await send(`${hop.url}/x`, 'GET', {}, '')).toBe(502);
  });

  it.skipIf(!ipv6Loopback)('listens on and forwards to an IPv6 loopback address, bracketed in its URL', async () => {
    const next = await rawUpstream('::1');
    upstreams.push(next.close);
    expect(next.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    const hop = await startWorkloadServer({ host: '::1', nextHop: next.url });
    started.push(hop);
    expect(hop.url).toBe(`http://[::1]:${hop.port}`);
    expect(await send(`${hop.url}/v6`, 'GET', {}, '')).toBe(204);
    expect(next.received()).toMatch(/^GET \/v6 HTTP\/1\.1\r\n/);
  });
});
