import { afterEach, describe, expect, it } from 'vitest';
import type { LocalChain } from '../src/workload/local-servers.js';
import { load, server, step } from './helpers/loopback.js';

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

  it('re-send, and count, requests the server dropped by closing without Connection: close', async () => {
    chain = await server({ flags: ['--close-every', '10', '--close-every-abrupt'] });
    const run = await load(chain.url, step({ mode: 'rate', rate: 400, connections: 2, maxConnections: 16, durationS: 1 }));
    expect(run.counts.reconnects).toBeGreaterThan(0);
    expect(run.counts.sent).toBe(400);
    expect(run.counts.completed).toBe(400);
    expect(run.counts.socketErrors + run.counts.timeouts).toBe(0);
  });
});
