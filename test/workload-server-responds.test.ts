import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startWorkloadServer } from '../src/workload/server.js';
import { workloadServersClosedAfterEach } from './helpers/workload-server-per-test.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  localPort: number;
}

function send(url: string, init: { method?: string; body?: string; agent?: Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', agent: init.agent }, (res) => {
      const chunks: Buffer[] = [];
      const localPort = res.socket.localPort ?? -1;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), localPort }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('workload server answers', () => {
  const startServer = workloadServersClosedAfterEach();

  it('serves any path with a body of responseBytes and its hop name', async () => {
    const server = await startServer({ port: 0, responseBytes: 1234, name: 'edge' });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const reply = await send(`${server.url}/some/path?q=1`);
    expect(reply.status).toBe(200);
    expect(reply.body.length).toBe(1234);
    expect(reply.headers['content-length']).toBe('1234');
    expect(reply.headers['x-bench-hop']).toBe('edge');
  });

  it('defaults to an empty body and hop-1', async () => {
    const server = await startServer({});
    const reply = await send(`${server.url}/`);
    expect(reply.status).toBe(200);
    expect(reply.body.length).toBe(0);
    expect(reply.headers['x-bench-hop']).toBe('hop-1');
  });

  it('drains a POST body and answers on the same keep-alive connection', async () => {
    const server = await startServer({ responseBytes: 10 });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await send(`${server.url}/upload`, { method: 'POST', body: 'y'.repeat(100_000), agent });
      const second = await send(`${server.url}/upload`, { method: 'POST', body: 'z'.repeat(10), agent });
      expect(first.status).toBe(200);
      expect(first.body.length).toBe(10);
      expect(second.status).toBe(200);
      expect(second.localPort).toBe(first.localPort);
    } finally {
      agent.destroy();
    }
  });

  it('answers /healthz with ok', async () => {
    const server = await startServer({ responseBytes: 50 });
    const reply = await send(`${server.url}/healthz`);
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('ok');
  });

  it('has no arrivals endpoint unless asked to record', async () => {
    const server = await startServer({});
    const reply = await send(`${server.url}/__bench/arrivals`);
    expect(reply.status).toBe(404);
  });

  it('rejects invalid options before listening', async () => {
    await expect(startWorkloadServer({ responseBytes: -1 })).rejects.toThrow(/responseBytes/);
    await expect(startWorkloadServer({ nextHop: 'https://x.example' })).rejects.toThrow(/nextHop/);
    await expect(startWorkloadServer({ stall: { everyMs: 10, forMs: 10 } })).rejects.toThrow(/stall.forMs/);
  });
});
