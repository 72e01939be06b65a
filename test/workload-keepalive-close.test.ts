import { connect, type Socket } from 'node:net';
import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkloadServer, type RunningWorkloadServer } from '../src/workload/server.js';

/** A raw connection: write requests as bytes, read responses as text, see exactly when the server closes. */
class RawConnection {
  private text = '';
  readonly errors: Error[] = [];
  readonly ended: Promise<void>;
  private readonly socket: Socket;
  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => (this.text += chunk));
    this.socket.on('error', (error) => this.errors.push(error));
    this.ended = new Promise((resolve) => this.socket.once('close', () => resolve()));
  }
  write(requests: number): void {
    this.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(requests));
  }
  /** Responses received so far: their header blocks, lower-cased. */
  responses(): string[] {
    return this.text
      .split(/(?=HTTP\/1\.1 )/)
      .filter((r) => r.startsWith('HTTP/1.1 '))
      .map((r) => r.split('\r\n\r\n')[0]!.toLowerCase());
  }
  async waitForResponses(n: number): Promise<void> {
    const deadline = performance.now() + 5000;
    while (this.responses().length < n && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  }
  destroy(): void {
    this.socket.destroy();
  }
}

describe('closing keep-alive connections every N requests', () => {
  let server: RunningWorkloadServer | undefined;
  const connections: RawConnection[] = [];
  afterEach(async () => {
    for (const c of connections.splice(0)) c.destroy();
    await server?.close();
    server = undefined;
  });

  it('announces the close on the Nth response and then closes', async () => {
    server = await startWorkloadServer({ closeEvery: 3, responseBytes: 4 });
    const conn = new RawConnection(server.port);
    connections.push(conn);
    for (let i = 1; i <= 3; i++) {
      conn.write(1);
      await conn.waitForResponses(i);
    }
    await conn.ended;
    const responses = conn.responses();
    expect(responses).toHaveLength(3);
    expect(responses[0]).toContain('connection: keep-alive');
    expect(responses[1]).toContain('connection: keep-alive');
    expect(responses[2]).toContain('connection: close');
  });

  it('abrupt: the Nth response says keep-alive, then the connection closes anyway', async () => {
    server = await startWorkloadServer({ closeEvery: 2, closeEveryAbrupt: true, responseBytes: 4 });
    const conn = new RawConnection(server.port);
    connections.push(conn);
    for (let i = 1; i <= 2; i++) {
      conn.write(1);
      await conn.waitForResponses(i);
    }
    await conn.ended;
    const responses = conn.responses();
    expect(responses).toHaveLength(2);
    expect(responses[1]).toContain('connection: keep-alive');
    expect(responses[1]).not.toContain('connection: close');
  });

  it('abrupt: a request already written behind the Nth is lost, the Nth response is not', async () => {
    server = await startWorkloadServer({ closeEvery: 2, closeEveryAbrupt: true, responseBytes: 4 });
    const conn = new RawConnection(server.port);
    connections.push(conn);
    conn.write(4); // pipelined: 1 and 2 are answered, 3 and 4 are dropped with the connection
    await conn.ended;
    expect(conn.responses()).toHaveLength(2);
    // Closed with a FIN after the response, not a reset that could take the unread response with it.
    expect(conn.errors).toEqual([]);
  });

  it('announced: requests pipelined behind the Nth are not answered', async () => {
    server = await startWorkloadServer({ closeEvery: 3 });
    const conn = new RawConnection(server.port);
    connections.push(conn);
    conn.write(5);
    await conn.ended;
    const responses = conn.responses();
    expect(responses).toHaveLength(3);
    expect(responses[2]).toContain('connection: close');
  });

  it('a keep-alive client sees only 200s and one new connection per N requests', async () => {
    server = await startWorkloadServer({ closeEvery: 3 });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const ports = new Set<number>();
    try {
      for (let i = 0; i < 9; i++) {
        const status = await new Promise<number>((resolve, reject) => {
          const req = request(`${server!.url}/`, { agent }, (res) => {
            ports.add(res.socket.localPort ?? -1);
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end();
        });
        expect(status).toBe(200);
      }
    } finally {
      agent.destroy();
    }
    expect(ports.size).toBe(3);
  });
});
