import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ClosedBeforeResponseError, NotHttpError, nameConnectionError } from '../src/load/connection-errors.js';
import { UNREACHABLE_AFTER_MS } from '../src/load/run-share.js';
import { renderLoadRun } from '../src/report/render-load-run.js';
import { load, step } from './helpers/loopback.js';

/** Real sockets on 127.0.0.1 only: a closed port, a TCP server that answers garbage, a plain HTTP server. */
const servers: Array<Server | HttpServer> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function listen<S extends Server | HttpServer>(server: S): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const tenSeconds = { durationS: 10, warmupS: 0, timeoutMs: 2000 };

describe('connection failures are named and end the step early', () => {
  it('names "connection refused" and stops a 10 s rate step well before its duration', async () => {
    const port = await closedPort();
    const started = performance.now();
    const run = await load(`http://127.0.0.1:${port}/`, step({ mode: 'rate', rate: 200, connections: 4, maxConnections: 8, ...tenSeconds }));
    const elapsedS = (performance.now() - started) / 1000;
    expect(elapsedS).toBeLessThan(UNREACHABLE_AFTER_MS / 1000 + 3.5);
    expect(run.status).toBe('invalid');
    expect(run.firstConnectionError).toMatch(new RegExp(`^connection refused by 127\\.0\\.0\\.1:${port}`));
    expect(run.invalidReasons[0]).toMatch(/^stopped after 3\.\d s without a response: connection refused/);
    expect(run.invalidReasons.join('\n')).not.toMatch(/engine saturated/);
    expect(run.errorRate).toBeLessThanOrEqual(1);
    expect(run.durationS).toBeLessThanOrEqual(run.step.durationS + run.step.timeoutMs / 1000);
    expect(renderLoadRun(run)).toMatch(/^first connection error: connection refused by/m);
  });

  it('names "connection refused" in a closed-loop step too', async () => {
    const port = await closedPort();
    const started = performance.now();
    const run = await load(`http://127.0.0.1:${port}/`, step({ mode: 'connections', connections: 2, ...tenSeconds }));
    expect((performance.now() - started) / 1000).toBeLessThan(UNREACHABLE_AFTER_MS / 1000 + 3.5);
    expect(run.firstConnectionError).toMatch(/^connection refused by/);
    expect(run.errorRate).toBeLessThanOrEqual(1);
    expect(run.status).toBe('invalid');
  });

  it('names "not HTTP" when a raw TCP server answers garbage', async () => {
    const port = await listen(createTcpServer((socket) => socket.on('data', () => socket.write('SSH-2.0-OpenSSH_9.6\r\nhello\r\n'))));
    const started = performance.now();
    const run = await load(`http://127.0.0.1:${port}/`, step({ mode: 'rate', rate: 100, connections: 2, maxConnections: 4, ...tenSeconds }));
    expect((performance.now() - started) / 1000).toBeLessThan(UNREACHABLE_AFTER_MS / 1000 + 3.5);
    expect(run.firstConnectionError).toMatch(/^not HTTP: 127\.0\.0\.1:\d+ answered with something that is not an HTTP\/1\.1 response/);
    expect(run.status).toBe('invalid');
    expect(run.errorRate).toBeLessThanOrEqual(1);
  });

  it('names "not HTTP" when a server writes a few bytes without a line end and closes', async () => {
    const port = await listen(createTcpServer((socket) => socket.on('data', () => socket.end('nope'))));
    const run = await load(`http://127.0.0.1:${port}/`, step({ mode: 'connections', connections: 1, ...tenSeconds }));
    expect(run.firstConnectionError).toMatch(/^not HTTP: /);
    expect(run.status).toBe('invalid');
  });

  it('names a TLS handshake failure for https:// to a plain HTTP server', async () => {
    const port = await listen(createHttpServer((_req, res) => res.end('plain')));
    const started = performance.now();
    const run = await load(`https://127.0.0.1:${port}/`, step({ mode: 'rate', rate: 100, connections: 2, maxConnections: 4, ...tenSeconds }));
    expect((performance.now() - started) / 1000).toBeLessThan(UNREACHABLE_AFTER_MS / 1000 + 3.5);
    expect(run.firstConnectionError).toMatch(/^TLS handshake with 127\.0\.0\.1:\d+ failed: the server does not speak TLS/);
    expect(run.status).toBe('invalid');
  });

  it('names a server that accepts and closes before answering, without re-sending forever', async () => {
    const port = await listen(createTcpServer((socket) => socket.on('data', () => socket.end())));
    const started = performance.now();
    const run = await load(`http://127.0.0.1:${port}/`, step({ mode: 'rate', rate: 100, connections: 2, maxConnections: 4, ...tenSeconds }));
    expect((performance.now() - started) / 1000).toBeLessThan(UNREACHABLE_AFTER_MS / 1000 + 3.5);
    expect(run.firstConnectionError).toMatch(/closed the connection without answering/);
    expect(run.counts.resent).toBe(0);
    expect(run.errorRate).toBeLessThanOrEqual(1);
  });
});

describe('nameConnectionError', () => {
  const target = { hostname: 'svc.example', port: 8080, protocol: 'http:' };
  const err = (code: string, message = code): Error => Object.assign(new Error(message), { code });
  it.each([
    ['ECONNREFUSED', /^connection refused by svc\.example:8080/],
    ['ECONNRESET', /^connection reset by svc\.example:8080 \(ECONNRESET\)/],
    ['ENOTFOUND', /^DNS lookup of svc\.example failed \(ENOTFOUND\)/],
    ['EAI_AGAIN', /^DNS lookup of svc\.example failed/],
    ['ERR_SSL_WRONG_VERSION_NUMBER', /does not speak TLS/],
    ['EHOSTUNREACH', /^cannot reach svc\.example:8080/],
    ['HPE_INVALID_CONSTANT', /^not HTTP: /],
  ])('names %s', (code, expected) => {
    expect(nameConnectionError(err(code), target).message).toMatch(expected);
  });
  it('names the connection\'s own errors', () => {
    expect(nameConnectionError(new NotHttpError('x'), target).kind).toBe('not-http');
    expect(nameConnectionError(new ClosedBeforeResponseError('x'), target).kind).toBe('closed');
  });
});
