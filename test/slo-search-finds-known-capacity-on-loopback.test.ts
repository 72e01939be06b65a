import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalChain } from '../src/workload/local-servers.js';
import { searchSlo, sloAnswer } from '../src/load/slo-search.js';
import { sloSearchSchema } from '../src/core/slo-schema.js';
import { load, server, step } from './helpers/loopback.js';

/**
 * The search against the real workload server with a known capacity. The server answers each request after its
 * service delay d and handles any number at once (src/workload/server.ts), and the engine holds one request per
 * connection, so probes with a fixed pool of N connections (connections = maxConnections) can complete at most N / d
 * requests per second: 50 connections ÷ 100 ms = 500 req/s. Below it a uniform arrival never waits for a connection
 * and latency stays at d; above it requests queue in the engine and the achieved rate falls short of the target (the
 * usual 99% rule), while latency from the intended instant grows. A long delay keeps what the machine adds to each
 * request (loopback, a late timer: 1–10 ms on a loaded 2-core runner) small against d, and ~500 requests per 1.5 s
 * window keep the 99% rule from tripping on a handful of requests. Measured here under load average 14: rates up to
 * 450–480 met the objective, 520 never did.
 */
const CONNECTIONS = 50;
const DELAY_US = 100_000;
const TRUTH = CONNECTIONS / (DELAY_US / 1e6);

describe('SLO search on loopback, against a workload server of known capacity', () => {
  let chain: LocalChain;
  beforeAll(async () => {
    chain = await server({ serviceDelayUs: DELAY_US });
  });
  afterAll(async () => {
    await chain.stop();
  });

  const probe = (rate: number) =>
    load(chain.url, step({ mode: 'rate', rate, connections: CONNECTIONS, maxConnections: CONNECTIONS, durationS: 1.5, warmupS: 0.25 }), 0.001);
  // p99 ≤ 2 × d: met at any rate the pool can carry; above it the achieved rate (and soon latency) gives it away.
  const objective = { latency: [{ percentile: 'p99' as const, maxUs: 2 * DELAY_US }], errorRate: 0.001 };

  it('finds a rate within 10% of connections ÷ service delay', async () => {
    const search = await searchSlo(
      { objective, startRate: 100, minRate: 50, maxRate: null, ceiling: { rate: 20_000, source: 'test: far above the truth' }, precision: 0.03, confirmations: 2 },
      probe,
    );
    expect(() => sloSearchSchema.parse(search)).not.toThrow();
    expect(search.broken).toBeNull();
    expect(search.atCeiling).toBe(false);
    expect(search.found).not.toBeNull();
    const found = search.found!;
    expect(Math.abs(found / TRUTH - 1)).toBeLessThanOrEqual(0.1);
    // Bracketed: the lowest miss is above what was found and at most precision above it.
    expect(search.upperMiss).not.toBeNull();
    expect(search.upperMiss! / found).toBeLessThanOrEqual(1.03 + 1e-9);
    // Every accepted rate met the objective on both confirmations.
    const atFound = search.probes.filter((p) => p.rate === found);
    expect(atFound.map((p) => p.outcome)).toEqual(['meets', 'meets']);
    expect(sloAnswer(search)).toBe(`${found} req/s`);
  }, 90_000);

  it('answers "≥ ceiling" when the engine ceiling is below the server\'s capacity', async () => {
    const ceiling = 200;
    const search = await searchSlo(
      { objective, startRate: 100, minRate: 50, maxRate: null, ceiling: { rate: ceiling, source: 'test: set low' }, precision: 0.04, confirmations: 1 },
      probe,
    );
    expect(search.broken).toBeNull();
    expect(search.atCeiling).toBe(true);
    expect(search.found).toBe(ceiling);
    expect(Math.max(...search.probes.map((p) => p.rate))).toBe(ceiling);
    expect(sloAnswer(search)).toMatch(/^≥ 200 req\/s \(the engine's ceiling/);
  }, 60_000);
});
