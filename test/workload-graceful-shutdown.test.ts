import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startWorkloadServer } from '../src/workload/server.js';

interface Outcome {
  status: number;
  connection: string | undefined;
  doneAt: number;
}

function get(url: string, agent?: Agent): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, doneAt: performance.now() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('graceful shutdown', () => {
  it('answers in-flight delayed requests with Connection: close, then resolves and refuses new ones', async () => {
    const server = await startWorkloadServer({ serviceDelayUs: 300_000 });
    const agent = new Agent({ keepAlive: true });
    try {
      const inFlight = get(`${server.url}/`, agent);
      await sleep(50);
      const closed = server.close().then(() => performance.now());
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(answer.connection).toBe('close');
      expect(await closed).toBeGreaterThanOrEqual(answer.doneAt - 50);
      await expect(get(`${server.url}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      agent.destroy();
    }
  });

  it('answers requests held by a stall before closing', async () => {
    const server = await startWorkloadServer({ stall: { everyMs: 10_000, forMs: 300, phaseMs: 0 } });
    const inFlight = get(`${server.url}/`);
    await sleep(50);
    const closing = server.close();
    expect((await inFlight).status).toBe(200);
    await closing;
  });

  it('closes idle keep-alive connections at once instead of waiting for their timeout', async () => {
    const server = await startWorkloadServer({});
    const agent = new Agent({ keepAlive: true });
    try {
      await get(`${server.url}/`, agent);
      const sockets = Object.values(agent.freeSockets).flat();
      expect(sockets).toHaveLength(1);
      const socketClosed = new Promise<void>((resolve) => sockets[0]!.once('close', () => resolve()));
      const start = performance.now();
      await server.close();
      await socketClosed;
      expect(performance.now() - start).toBeLessThan(2000);
    } finally {
      agent.destroy();
    }
  });

  it('destroys what is still in flight after the shutdown timeout', async () => {
    const server = await startWorkloadServer({ stall: { everyMs: 60_000, forMs: 30_000 }, shutdownTimeoutMs: 200 });
    const inFlight = get(`${server.url}/`);
    inFlight.catch(() => undefined);
    await sleep(50);
    const start = performance.now();
    await server.close();
    const took = performance.now() - start;
    expect(took).toBeGreaterThanOrEqual(150);
    expect(took).toBeLessThan(3000);
    await expect(inFlight).rejects.toThrow();
  });

  it('close is idempotent', async () => {
    const server = await startWorkloadServer({});
    await Promise.all([server.close(), server.close()]);
    await server.close();
  });
});
