import { rmSync } from 'node:fs';
import { createServer as createTcpServer, connect, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../src/load/engine.js';
import { okTlsServer, selfSignedCert } from './helpers/self-signed-tls.js';

// The step's clock starts only once every initial connection is open: a slow TLS handshake is connection set-up, not
// part of the measured window. Here a loopback relay holds each new connection for HANDSHAKE_DELAY_MS before passing
// it on to an https server, so no connection can be ready sooner.
const HANDSHAKE_DELAY_MS = 1000;
let dir: string;
let tls: TlsServer;
let relay: TcpServer;
const open = new Set<Socket>();
let url: string;

beforeAll(async () => {
  const cert = selfSignedCert('engine-tls-');
  dir = cert.dir;
  tls = okTlsServer(cert, (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  const tlsPort = (tls.address() as AddressInfo).port;
  relay = createTcpServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => {});
    client.pause();
    setTimeout(() => {
      const upstream = connect(tlsPort, '127.0.0.1');
      open.add(upstream);
      upstream.on('close', () => open.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.pipe(upstream).pipe(client);
      client.resume();
    }, HANDSHAKE_DELAY_MS);
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(relay.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  for (const s of open) s.destroy();
  await Promise.all([new Promise<void>((r) => relay.close(() => r())), new Promise<void>((r) => tls.close(() => r()))]);
  rmSync(dir, { recursive: true, force: true });
});

describe('the measured window', () => {
  it('starts after every initial connection is open, so a slow handshake is not measured', async () => {
    const before = performance.timeOrigin + performance.now();
    const run = await runLoad({
      url,
      step: { name: 's', mode: 'rate', rate: 50, connections: 2, maxConnections: 2, durationS: 0.4, warmupS: 0.3, arrival: 'uniform', workers: 1, timeoutMs: 5000 },
      errorBudget: 0.001,
      thresholds: { minRateFraction: 0.9, maxCv: 0.05, littlesLawTolerance: 0.1 },
      seed: 1,
    });
    // Connections open, then the 50 ms lead that lets every share start together, then the warm-up (ISO instants keep
    // whole milliseconds: 1 ms of slack).
    expect(Date.parse(run.startedAt)).toBeGreaterThanOrEqual(before + HANDSHAKE_DELAY_MS + 50 + 300 - 1);
    expect(run.counts.completed).toBeGreaterThan(0);
    expect(run.connections.initial).toBe(2);
  });
});
