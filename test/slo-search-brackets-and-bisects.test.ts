import { describe, expect, it } from 'vitest';
import type { LoadRun } from '../src/core/result-schema.js';
import { judgeProbe, searchSlo, sloAnswer, type SloSearchSettings } from '../src/load/slo-search.js';
import { latencyProfile, makeRepetition } from './helpers/repetition-factory.js';

/**
 * The search's logic against a model system of known capacity: below `capacity` a probe meets p99 ≤ 5 ms, above it
 * the achieved rate falls short. The model refuses any rate above the ceiling it was told about: the search must
 * never ask for one.
 */
function modelSystem(p: { capacity: number; ceiling: number; flaky?: Set<number>; broken?: number }) {
  const asked: number[] = [];
  const probe = async (rate: number): Promise<LoadRun> => {
    if (rate > p.ceiling) throw new Error(`probed ${rate} req/s above the engine ceiling ${p.ceiling}`);
    if (!Number.isInteger(rate) || rate < 1) throw new Error(`probed a rate that is not whole: ${rate}`);
    asked.push(rate);
    if (rate === p.broken) {
      return run(rate, rate, 'invalid', ['target not intact: pod bench/server-1 restarted (restartCount 0 → 1)']);
    }
    // A flaky rate misses on its first probe only (one stall of a loaded machine).
    const flakyNow = p.flaky?.has(rate) === true && asked.filter((r) => r === rate).length === 1;
    if (rate <= p.capacity && !flakyNow) return run(rate, rate, 'valid', []);
    const achieved = Math.min(rate * 0.95, p.capacity);
    return run(rate, achieved, 'invalid', [`achieved rate ${achieved.toFixed(1)}/${rate} req/s (${((achieved / rate) * 100).toFixed(1)}%) is below 99% of target`], 40_000);
  };
  return { probe, asked };
}

function run(rate: number, achieved: number, status: 'valid' | 'invalid', reasons: string[], p99Us = 3000): LoadRun {
  const rep = makeRepetition({ sentUs: latencyProfile({ p50Us: 1000, p99Us }), status, invalidReasons: reasons });
  const { repetition: _r, resources: _res, install: _i, ...loadRun } = rep;
  return { ...loadRun, targetRate: rate, achievedRate: achieved };
}

const objective = { latency: [{ percentile: 'p99' as const, maxUs: 5000 }], errorRate: 0.001 };
const settings = (o: Partial<SloSearchSettings> = {}): SloSearchSettings => ({
  objective,
  startRate: 100,
  minRate: 10,
  maxRate: null,
  ceiling: { rate: 100_000, source: 'test' },
  precision: 0.02,
  confirmations: 2,
  ...o,
});

describe('SLO search: bracketing then bisection', () => {
  it('finds the highest rate meeting the objective within the precision asked, never above the truth', async () => {
    const m = modelSystem({ capacity: 1234, ceiling: 100_000 });
    const s = await searchSlo(settings(), m.probe);
    expect(s.found).not.toBeNull();
    expect(s.found!).toBeLessThanOrEqual(1234);
    expect(s.upperMiss!).toBeGreaterThan(1234);
    expect(s.upperMiss! / s.found!).toBeLessThanOrEqual(1.02 + 1e-9);
    expect(s.atCeiling).toBe(false);
    expect(sloAnswer(s)).toBe(`${s.found} req/s`);
    // Bracketing doubled from the start rate: 100, 200, 400, 800, 1600 (the first miss).
    expect([...new Set(m.asked)].slice(0, 5)).toEqual([100, 200, 400, 800, 1600]);
  });

  it('halves from the start rate when it misses, and says "below" when even the lowest rate misses', async () => {
    const low = modelSystem({ capacity: 30, ceiling: 100_000 });
    const found = await searchSlo(settings(), low.probe);
    expect(found.found!).toBeLessThanOrEqual(30);
    expect(found.found!).toBeGreaterThanOrEqual(29);
    const none = modelSystem({ capacity: 5, ceiling: 100_000 });
    const below = await searchSlo(settings(), none.probe);
    expect(below.found).toBeNull();
    expect(below.belowMinRate).toBe(true);
    expect(Math.min(...none.asked)).toBe(10);
    expect(sloAnswer(below)).toBe('< 10 req/s (the lowest rate probed missed)');
  });

  it('answers "≥ ceiling" when the engine ceiling meets the objective, without probing above it', async () => {
    const m = modelSystem({ capacity: 50_000, ceiling: 3000 });
    const s = await searchSlo(settings({ ceiling: { rate: 3000, source: 'calibrated' } }), m.probe);
    expect(s.found).toBe(3000);
    expect(s.atCeiling).toBe(true);
    expect(Math.max(...m.asked)).toBe(3000);
    expect(sloAnswer(s)).toBe("≥ 3000 req/s (the engine's ceiling, not the system's)");
  });

  it('stops at the scenario\'s maxRate below the ceiling and says so', async () => {
    const m = modelSystem({ capacity: 50_000, ceiling: 100_000 });
    const s = await searchSlo(settings({ maxRate: 700 }), m.probe);
    expect(s.found).toBe(700);
    expect(s.atMaxRate).toBe(true);
    expect(s.atCeiling).toBe(false);
    expect(sloAnswer(s)).toBe("≥ 700 req/s (the scenario's maxRate)");
  });

  it('decides each rate by confirmation: one stalled probe neither refuses a rate nor one lucky probe accepts it', async () => {
    const m = modelSystem({ capacity: 1234, ceiling: 100_000, flaky: new Set([400]) });
    const s = await searchSlo(settings(), m.probe);
    const at400 = s.probes.filter((p) => p.rate === 400).map((p) => p.outcome);
    expect(at400).toEqual(['misses', 'meets', 'meets']);
    expect(s.found!).toBeGreaterThan(1200);
    // Every accepted rate has two passes on record.
    const accepted = s.probes.filter((p) => p.rate <= s.found!);
    for (const rate of new Set(accepted.map((p) => p.rate))) {
      expect(accepted.filter((p) => p.rate === rate && p.outcome === 'meets')).toHaveLength(2);
    }
  });

  it('stops with no answer when a probe broke (the target changed under it)', async () => {
    const m = modelSystem({ capacity: 1234, ceiling: 100_000, broken: 400 });
    const s = await searchSlo(settings(), m.probe);
    expect(s.found).toBeNull();
    expect(s.broken).toMatch(/^probe at 400 req\/s broke: target not intact: pod bench\/server-1 restarted/);
    expect(m.asked.at(-1)).toBe(400);
    expect(sloAnswer(s)).toMatch(/^no answer \(probe at 400/);
  });

  it('judges a probe on the objective\'s percentile of latency from the intended instant', () => {
    // Below 2048 µs the histogram keeps exact values (repetition-factory.ts).
    const tight = { latency: [{ percentile: 'p99' as const, maxUs: 1800 }], errorRate: 0.001 };
    const fast = judgeProbe(100, run(100, 100, 'valid', [], 1500), tight);
    expect(fast).toMatchObject({ outcome: 'meets', latencyUs: { p99: 1500 }, reasons: [] });
    const slow = judgeProbe(100, run(100, 100, 'valid', [], 2000), tight);
    expect(slow).toMatchObject({ outcome: 'misses', latencyUs: { p99: 2000 }, reasons: ['p99 2000 µs > 1800 µs'] });
  });
});
