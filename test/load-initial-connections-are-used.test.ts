import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load, step } from './helpers/loopback.js';

/** A plain node server on 127.0.0.1 counting the connections it accepts. */
let server: Server;
let url = '';
let accepted = 0;
beforeAll(async () => {
  server = createServer((_req, res) => res.end('ok'));
  server.on('connection', () => accepted++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('rate steps send on the connections opened before the start', () => {
  it('with a pool that may not grow, every request goes out on the one opened connection', async () => {
    accepted = 0;
    const run = await load(url, step({ mode: 'rate', rate: 100, connections: 1, maxConnections: 1, durationS: 1, warmupS: 0 }));
    expect(run.counts.sent).toBe(100);
    expect(run.counts.completed).toBe(100);
    expect(accepted).toBe(1);
  });

  it('opens no new connection at a rate the opened ones carry easily', async () => {
    accepted = 0;
    const run = await load(url, step({ mode: 'rate', rate: 50, connections: 4, maxConnections: 32, durationS: 1, warmupS: 0 }));
    expect(run.counts.completed).toBe(50);
    expect(run.connections.peak).toBe(4);
    expect(accepted).toBe(4);
  });
});
