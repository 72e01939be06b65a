import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalChain } from '../src/workload/local-servers.js';
import { searchSlo, sloAnswer } from '../src/load/slo-search.js';
import { sloSearchSchema } from '../src/core/slo-schema.js';
import { runLoad } from '../src/load/engine.js';
import { server, step } from './helpers/loopback.js';

/**
 * The search against the real workload server with a known capacity. The server answers each request after its
 * service delay d and handles any number at once (src/workload/server.ts), and the engine holds one request per
 * connection, so probes with a fixed pool of N connections (connections = maxConnections) can complete at most N / d
 * requests per second: 40 connections ÷ 400 ms = 100 req/s. Below it a uniform arrival never waits for a connection
 * and latency stays near d; above it requests queue in the engine, the achieved rate falls short of the target and
 * latency from the intended instant grows.
 *
 * Chosen for a shared 2-core machine (load average 10–14 while this was written): a long delay keeps what the machine
 * adds to each request (a late timer, a starved event loop: tens of ms) small against d, and a low rate keeps the
 * harness's own CPU near 1%. Measured there: 95 req/s met the objective, 100 achieved 96 (the capacity, less the
 * machine's share), 110 achieved 97. The probes use a scenario's `thresholds.minRateFraction` of 0.97 instead of 0.99
 * (a 2 s window at 100 req/s has 2 requests of slack at 99%, and one 20 ms stall at its end takes them), so a probe up
 * to 3% above the capacity can pass: the truth test allows 10%.
 */
const CONNECTIONS = 40;
const DELAY_US = 400_000;
const TRUTH = CONNECTIONS / (DELAY_US / 1e6);
const thresholds = { minRateFraction: 0.97, maxCv: 0.05, littlesLawTolerance: 0.1 };

describe('SLO search on loopback, against a workload server of known capacity', () => {
  let chain: LocalChain;
  beforeAll(async () => {
    chain = await server({ serviceDelayUs: DELAY_US });
  });
  afterAll(async () => {
    await chain.stop();
  });

  const probe = (rate: number) =>
    runLoad({
      url: chain.url,
      step: step({ mode: 'rate', rate, connections: CONNECTIONS, maxConnections: CONNECTIONS, durationS: 2, warmupS: 0.5, timeoutMs: 10_000 }),
      errorBudget: 0.001,
      thresholds,
      seed: 1,
    });
    // p99 ≤ 2.5 × d: met at any rate the pool can carry, with room for the 100–250 ms tails a loaded machine adds
  // (measured: p99 630 ms at 80 req/s); above capacity the achieved rate gives it away within a probe.
  const objective = { latency: [{ percentile: 'p99' as const, maxUs: 2.5 * DELAY_US }], errorRate: 0.001 };

  // One retry: a burst of CPU theft by other processes lasting several probes can refuse a rate far below capacity
  // (measured: 2 probes at 40% of capacity with p99 ×3 and 60% of the rate achieved); both attempts must not.
  it('finds a rate within 10% of connections ÷ service delay', { retry: 1, timeout: 120_000 }, async () => {
    const search = await searchSlo(
      { objective, startRate: 30, minRate: 10, maxRate: null, ceiling: { rate: 20_000, source: 'test: far above the truth' }, precision: 0.04, confirmations: 2 },
      probe,
    );
    expect(() => sloSearchSchema.parse(search)).not.toThrow();
    expect(search.broken).toBeNull();
    expect(search.atCeiling).toBe(false);
    expect(search.found).not.toBeNull();
    const found = search.found!;
    const trail = search.probes.map((p) => `${p.rate}:${p.outcome}${p.reasons.length ? `(${p.reasons.join('; ')})` : ''}`).join(' ');
    expect(Math.abs(found / TRUTH - 1), `found ${found} req/s, probes: ${trail}`).toBeLessThanOrEqual(0.1);
    // Bracketed: the lowest miss is above what was found and at most precision above it.
    expect(search.upperMiss).not.toBeNull();
    expect(search.upperMiss! / found).toBeLessThanOrEqual(1.04 + 1e-9);
    // The rate found met the objective on two probes, more than it missed it.
    const atFound = search.probes.filter((p) => p.rate === found).map((p) => p.outcome);
    expect(atFound.filter((o) => o === 'meets')).toHaveLength(2);
    expect(atFound.filter((o) => o === 'misses').length).toBeLessThan(2);
    expect(sloAnswer(search)).toBe(`${found} req/s`);
  });

  it('answers "≥ ceiling" when the engine ceiling is below the server\'s capacity', async () => {
    const ceiling = 50;
    const search = await searchSlo(
      { objective, startRate: 25, minRate: 10, maxRate: null, ceiling: { rate: ceiling, source: 'test: set low' }, precision: 0.04, confirmations: 2 },
      probe,
    );
    expect(search.broken).toBeNull();
    expect(search.atCeiling).toBe(true);
    expect(search.found).toBe(ceiling);
    expect(Math.max(...search.probes.map((p) => p.rate))).toBe(ceiling);
    expect(sloAnswer(search)).toMatch(/^≥ 50 req\/s \(the engine's ceiling/);
  }, 60_000);
});
