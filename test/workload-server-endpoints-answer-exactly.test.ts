import { request } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { workloadServersClosedAfterEach } from './helpers/workload-server-per-test.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(url: string, method = 'GET', body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.setTimeout(5000, () => req.destroy(new Error(`no answer from ${method} ${url} within 5 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A JSON answer: its status, its exact framing headers, and its parsed body. */
async function json(url: string, method = 'GET'): Promise<{ status: number; value: unknown }> {
  const reply = await send(url, method);
  expect(reply.headers['content-type']).toBe('application/json');
  expect(reply.headers['content-length']).toBe(String(Buffer.byteLength(reply.body)));
  return { status: reply.status, value: JSON.parse(reply.body) as unknown };
}

/** Writes `head` and half of the body it declares, never the rest; resolves with the status line of the answer. */
function statusLineBeforeTheBodyEnds(url: string, method: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`${method} /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello`);
    });
    let text = '';
    socket.setEncoding('latin1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${method} within 2 s while its body was still coming`));
    }, 2000);
    socket.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(text.slice(0, end));
    });
    socket.on('error', reject);
  });
}

async function arrivalsTotal(url: string): Promise<number> {
  const { value } = await json(`${url}/__bench/arrivals`);
  return (value as { counts: number[] }).counts.reduce((a, b) => a + b, 0);
}

describe('the workload server endpoints, answered exactly', () => {
  const startServer = workloadServersClosedAfterEach();

  it('answers a workload request with its body of x bytes and its three headers, keeping the connection', async () => {
    const server = await startServer({ responseBytes: 5, name: 'edge' });
    const reply = await send(`${server.url}/any`, 'GET', undefined, { connection: 'keep-alive' });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('xxxxx');
    expect(reply.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-length': '5',
      'x-bench-hop': 'edge',
      connection: 'keep-alive',
    });
  });

  it('answers HEAD with the headers of a full answer and no body, and PUT or DELETE once their body is read', async () => {
    const server = await startServer({ responseBytes: 3 });
    const head = await send(`${server.url}/h`, 'HEAD');
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers['content-length']).toBe('3');
    expect(await send(`${server.url}/p`, 'PUT', 'data')).toMatchObject({ status: 200, body: 'xxx' });
    expect(await send(`${server.url}/d`, 'DELETE')).toMatchObject({ status: 200, body: 'xxx' });
  });

  it('answers GET and HEAD without waiting for a body they might carry', async () => {
    const server = await startServer({ responseBytes: 1 });
    expect(await statusLineBeforeTheBodyEnds(server.url, 'GET')).toBe('HTTP/1.1 200 OK');
    expect(await statusLineBeforeTheBodyEnds(server.url, 'HEAD')).toBe('HTTP/1.1 200 OK');
    await expect(statusLineBeforeTheBodyEnds(server.url, 'POST')).rejects.toThrow(/no answer to POST/);
  });

  it('answers /healthz with a plain ok and its hop name, whatever the body size', async () => {
    const server = await startServer({ responseBytes: 50, name: 'edge' });
    const reply = await send(`${server.url}/healthz`);
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('ok');
    expect(reply.headers).toMatchObject({ 'content-type': 'text/plain', 'content-length': '2', 'x-bench-hop': 'edge' });
  });

  it('says how to turn arrivals on when they are not recorded, for any harness endpoint', async () => {
    const server = await startServer({});
    const off = { status: 404, value: { error: 'arrivals are not recorded (start with --record-arrivals)' } };
    expect(await json(`${server.url}/__bench/arrivals`)).toEqual(off);
    expect(await json(`${server.url}/__bench/arrivals/reset`, 'POST')).toEqual(off);
    expect(await json(`${server.url}/__bench/other`)).toEqual(off);
  });

  it('serves arrivals, resets them on POST, and names any other harness request it does not know', async () => {
    const server = await startServer({ recordArrivals: true });
    await send(`${server.url}/a`);
    await send(`${server.url}/b`, 'POST', 'x');
    await send(`${server.url}/healthz`);
    await send(`${server.url}/__mesh-bench/evidence`);
    // Only under /__bench/ is a path the harness's: this one is a workload request.
    expect(await send(`${server.url}/x/__bench/`)).toMatchObject({ status: 200 });
    const snapshot = (await json(`${server.url}/__bench/arrivals`)) as { status: number; value: { windowMs: number; startMs: number } };
    expect(snapshot.status).toBe(200);
    expect(snapshot.value.windowMs).toBe(10);
    expect(Math.abs(snapshot.value.startMs - Date.now())).toBeLessThan(60_000);
    expect(await arrivalsTotal(server.url)).toBe(3);

    expect(await json(`${server.url}/__bench/arrivals`, 'POST')).toEqual({
      status: 404,
      value: { error: 'no such endpoint: POST /__bench/arrivals' },
    });
    expect(await json(`${server.url}/__bench/arrivals/reset`)).toEqual({
      status: 404,
      value: { error: 'no such endpoint: GET /__bench/arrivals/reset' },
    });
    expect(await json(`${server.url}/__bench/`)).toEqual({ status: 404, value: { error: 'no such endpoint: GET /__bench/' } });
    expect(await arrivalsTotal(server.url)).toBe(3);

    expect(await json(`${server.url}/__bench/arrivals/reset`, 'POST')).toEqual({ status: 200, value: { reset: true } });
    expect(await arrivalsTotal(server.url)).toBe(0);
    await send(`${server.url}/c`);
    expect(await arrivalsTotal(server.url)).toBe(1);
  });

  it('counts only workload requests as evidence, not health or harness requests', async () => {
    const server = await startServer({ recordArrivals: true });
    await send(`${server.url}/a`);
    await send(`${server.url}/healthz`);
    await send(`${server.url}/__bench/arrivals`);
    await send(`${server.url}/b`);
    const { status, value } = await json(`${server.url}/__mesh-bench/evidence`);
    expect(status).toBe(200);
    expect(value).toEqual({
      requests: 2,
      headers: { 'x-forwarded-client-cert': { count: 0, last: null }, 'l5d-client-id': { count: 0, last: null } },
    });
  });
});
