import { afterEach, describe, expect, it } from 'vitest';
import type { LocalChain } from '../src/workload/local-servers.js';
import { createServer, type Socket } from 'node:net';
import { load, server, step } from './helpers/loopback.js';

/**
 * A minimal HTTP/1.1 keep-alive server on 127.0.0.1 that reads the `every`-th request of each connection and, instead
 * of answering it, closes the connection (FIN, no error): the request was written and will never be answered.
 */
async function droppingServer(every: number): Promise<{ url: string; dropped: () => number; stop: () => Promise<void> }> {
  let dropped = 0;
  const sockets = new Set<Socket>();
  const srv = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    let n = 0;
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        buffered = buffered.slice(end + 4);
        if (++n === every) {
          dropped++;
          socket.end();
          return;
        }
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const address = srv.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    dropped: () => dropped,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}

// autocannon keeps a queue of in-flight requests per connection and, when the server closes a keep-alive connection,
// leaves a never-answered request at its head: every later response on that connection is then timed from an older
// request (mean latency 5–100× Little's law). The engine must not: mean latency matches Little's law, and the
// reconnects are counted in the result.
describe('server-initiated keep-alive closes', () => {
  let chain: LocalChain | undefined;
  afterEach(async () => {
    await chain?.stop();
    chain = undefined;
  });

  it("keep mean latency within 10% of Little's law and count the reconnects (Connection: close every 50)", async () => {
    chain = await server({ flags: ['--close-every', '50'] });
    const run = await load(chain.url, step({ mode: 'connections', connections: 8, durationS: 1.5 }));
    expect(run.counts.reconnects).toBeGreaterThan(run.counts.completed / 50 - 16);
    expect(run.littlesLaw!.ratio).toBeGreaterThan(0.9);
    expect(run.littlesLaw!.ratio).toBeLessThan(1.1);
    expect(run.counts.socketErrors).toBe(0);
    expect(run.status).toBe('valid');
  });

  it('hold with a single connection too, where one stale request would skew every later response', async () => {
    chain = await server({ flags: ['--close-every', '20'] });
    const run = await load(chain.url, step({ mode: 'connections', connections: 1, durationS: 1 }));
    expect(run.counts.reconnects).toBeGreaterThan(0);
    // Reconnect time is outside any request, so the ratio sits a little below 1, never far above.
    expect(run.littlesLaw!.ratio).toBeLessThan(1.1);
    expect(run.littlesLaw!.ratio).toBeGreaterThan(0.8);
  });

  it('re-sends every request the server dropped once, counting it once in sent and separately in resent', async () => {
    // Every 10th request of a connection is read and never answered: the server closes the connection instead.
    const dropper = await droppingServer(10);
    try {
      const run = await load(dropper.url, step({ mode: 'rate', rate: 400, connections: 2, maxConnections: 16, durationS: 1, warmupS: 0 }));
      // Real drops happened, each one re-sent on a new connection and answered there.
      expect(run.counts.resent).toBeGreaterThan(10);
      expect(run.counts.reconnects).toBeGreaterThanOrEqual(run.counts.resent);
      // The window schedules 400 requests: each is sent (and its latency recorded) once, however often it was written.
      expect(run.counts.sent).toBe(400);
      expect(run.counts.completed).toBe(400);
      expect(run.latency.sent.summary.count).toBe(400);
      expect(run.latency.intended!.summary.count).toBe(400);
      expect(run.sendLag!.count).toBe(400);
      // Re-sends never inflate the achieved rate (requests first written in the window ÷ its length): at most the
      // schedule (less when a busy machine or the drops pushed first writes past the window's end).
      expect(run.achievedRate).toBeLessThanOrEqual(400);
      expect(run.counts.socketErrors + run.counts.timeouts + run.counts.unanswered).toBe(0);
      expect(dropper.dropped()).toBeGreaterThanOrEqual(run.counts.resent);
    } finally {
      await dropper.stop();
    }
  });
});
