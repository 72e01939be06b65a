import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalChain } from '../src/workload/local-servers.js';
import { loadRunSchema } from '../src/core/result-schema.js';
import { decodeHistogram } from '../src/analysis/histogram.js';
import { load, server, step, timedLoad } from './helpers/loopback.js';
import { closedLoopbackPort } from './helpers/ports.js';

// The real engine against the real workload server (a child process) on loopback. Assertions are about structure
// and sanity, never tight timing: this machine is shared.

/**
 * Timing bounds on a shared 2-core machine: a neighbour's burst can push one run out, not three (measured: at load
 * averages 8–11 the server waited 308–955 ms per window for a core and the 2 ms delay read 10–65 ms at p50). A
 * mutant that breaks the reading fails every attempt.
 */
const TIMING = { retry: 2 };

describe('load engine against the workload server on loopback', () => {
  let delayed: LocalChain;
  beforeAll(async () => {
    delayed = await server({ serviceDelayUs: 2000 });
  });
  afterAll(async () => {
    await delayed.stop();
  });

  it('reads a 2 ms service delay as between 2 and 4 ms at p50, in microseconds', TIMING, async ({ skip }) => {
    const { run, busy } = await timedLoad(delayed, { mode: 'rate', rate: 200, connections: 8, maxConnections: 64 });
    expect(() => loadRunSchema.parse(run)).not.toThrow();
    const p50 = run.latency.intended!.summary.p50Us;
    expect(p50).toBeGreaterThanOrEqual(2000);
    // Microsecond resolution: not a whole number of milliseconds.
    expect(p50 % 1000).not.toBe(0);
    if (busy) skip(busy);
    expect(p50).toBeLessThan(4000);
  });

  it('sends the scheduled number of requests in the window and none of the warm-up', TIMING, async ({ skip }) => {
    const { run, busy } = await timedLoad(delayed, { mode: 'rate', rate: 300, durationS: 1, warmupS: 0.5, connections: 8, maxConnections: 64 });
    expect(run.counts.sent).toBe(300);
    expect(run.counts.completed).toBe(300);
    expect(run.latency.intended!.summary.count).toBe(300);
    expect(run.latency.sent.summary.count).toBe(300);
    if (busy) skip(busy);
    expect(run.achievedRate).toBeCloseTo(300, 0);
    expect(run.status).toBe('valid');
  });

  // Judged on every run (retries only): two engine threads and the server on a 2-core machine wait for each other
  // (612 ms of CPU wait in a 1.5 s run on an idle machine), so the CPU wait would skip it everywhere.
  it('splits the rate across worker threads instead of applying it per worker', TIMING, async () => {
    const run = await load(delayed.url, step({ mode: 'rate', rate: 400, workers: 2, connections: 8, maxConnections: 64 }));
    expect(run.counts.sent).toBe(400);
    expect(run.connections.initial).toBe(8);
    expect(run.achievedRate).toBeGreaterThan(396);
    expect(run.achievedRate).toBeLessThan(404);
  });

  it("keeps closed-loop mean latency within 10% of Little's law", TIMING, async ({ skip }) => {
    const { run, busy } = await timedLoad(delayed, { mode: 'connections', connections: 8 });
    expect(run.littlesLaw).not.toBeNull();
    expect(run.latency.intended).toBeNull();
    expect(run.sendLag).toBeNull();
    if (busy) skip(busy);
    expect(run.littlesLaw!.withinTolerance).toBe(true);
  });

  it('stores histograms that decode to the summary it reports', async () => {
    const run = await load(delayed.url, step({ mode: 'connections', connections: 2 }));
    const h = decodeHistogram(run.latency.sent.histogram);
    expect(h.totalCount).toBe(run.latency.sent.summary.count);
    expect(h.getValueAtPercentile(50)).toBe(run.latency.sent.summary.p50Us);
  });

  it('measures from the intended instant: requests queued behind a saturated connection show the wait, their send time does not', TIMING, async ({ skip }) => {
    // One connection, 2 ms per request: at most ~500 req/s, and 600 are due. The backlog grows through the window,
    // so latency from the intended instant climbs to hundreds of ms while latency from the send stays near 2 ms.
    const { run, busy } = await timedLoad(delayed, { mode: 'rate', rate: 600, connections: 1, maxConnections: 1, durationS: 1, warmupS: 0 });
    expect(run.connections.peak).toBe(1);
    const intended = run.latency.intended!.summary;
    const sent = run.latency.sent.summary;
    expect(sent.p50Us).toBeGreaterThanOrEqual(2000);
    for (const q of ['p50Us', 'p90Us', 'p99Us', 'maxUs'] as const) expect(intended[q]).toBeGreaterThanOrEqual(sent[q]);
    if (busy) skip(busy);
    expect(sent.p99Us).toBeLessThan(20_000);
    expect(intended.p50Us).toBeGreaterThan(10 * sent.p50Us);
    expect(intended.p99Us).toBeGreaterThan(10 * sent.p99Us);
    // The requests waited in the engine, not on the wire: their send lag is the difference.
    expect(run.sendLag!.p50Us).toBeGreaterThan(intended.p50Us - 2 * sent.p99Us);
  });

  it('opens more connections when every one is busy, up to the maximum', async () => {
    const run = await load(delayed.url, step({ mode: 'rate', rate: 2000, connections: 1, maxConnections: 32 }));
    expect(run.connections.initial).toBe(1);
    expect(run.connections.peak).toBeGreaterThan(1);
    expect(run.connections.peak).toBeLessThanOrEqual(32);
  });
});

describe('errors are counted, never dropped', () => {
  it('counts non-2xx responses and marks the step invalid beyond the budget', async () => {
    const chain = await server({ flags: ['--next-hop', `http://127.0.0.1:${await closedLoopbackPort()}/`] }); // upstream refused → 502
    try {
      const run = await load(chain.url, step({ mode: 'connections', connections: 2, durationS: 0.5 }));
      expect(run.counts.non2xx).toBe(run.counts.completed);
      expect(run.counts.statusCodes['502']).toBe(run.counts.completed);
      expect(run.status).toBe('invalid');
      expect(run.invalidReasons.join()).toMatch(/error rate 100\.00% exceeds budget/);
    } finally {
      await chain.stop();
    }
  });

  it('counts connection failures against a closed port as socket errors and marks the step invalid', async () => {
    const run = await load(`http://127.0.0.1:${await closedLoopbackPort()}/`, step({ mode: 'rate', rate: 50, durationS: 0.5, warmupS: 0, connections: 2, maxConnections: 2, timeoutMs: 500 }));
    expect(run.counts.socketErrors).toBeGreaterThan(0);
    expect(run.counts.completed).toBe(0);
    expect(run.status).toBe('invalid');
  });

  it('backs off while the target refuses connections instead of reconnecting in a tight loop', TIMING, async () => {
    // Back-off 10 ms doubling to 1 s per connection: about 7 attempts each in a second (10+20+…+640 ms), not thousands.
    const run = await load('http://127.0.0.1:1/', step({ mode: 'rate', rate: 50, durationS: 1, warmupS: 0, connections: 2, maxConnections: 2, timeoutMs: 500 }));
    expect(run.counts.socketErrors).toBeGreaterThanOrEqual(2 * 5);
    expect(run.counts.socketErrors).toBeLessThanOrEqual(2 * 10);
  });

  it('counts a request with no answer within the timeout as a timeout', async () => {
    const chain = await server({ flags: ['--stall-every-ms', '100000', '--stall-for-ms', '99000', '--stall-phase-ms', '0'] });
    try {
      const run = await load(chain.url, step({ mode: 'connections', connections: 1, durationS: 0.5, warmupS: 0, timeoutMs: 200 }));
      expect(run.counts.timeouts).toBeGreaterThan(0);
      expect(run.status).toBe('invalid');
    } finally {
      await chain.stop();
    }
  });
});
