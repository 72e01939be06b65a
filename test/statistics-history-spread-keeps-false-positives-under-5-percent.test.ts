import { describe, expect, it } from 'vitest';
import { median, probit } from 'simple-statistics';
import { installSpreadFromNights } from '../src/analysis/install-spread.js';
import { createRandom, type RandomSource } from '../src/analysis/random.js';
import { compareTwoSamples } from '../src/analysis/two-sample.js';

/** t(0.975, 2) in closed form: (2p − 1)·√(2 / (4p(1 − p))). */
const T975_2 = 0.95 * Math.sqrt(2 / (4 * 0.975 * 0.025));

/**
 * Issue 12's proof for the second path of install spread: from history (the between-night spread of the same system,
 * each night a fresh install), passed to a comparison as `externalSpread`. A single-install comparison with that
 * spread must call a null difference "significant" at most 5% of the time.
 */

function normalSource(random: RandomSource): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

describe('install spread from history', () => {
  it('is t(0.975, df) × the pooled standard deviation of the nightly values × √2', () => {
    // [100, 104, 98]: mean 302/3, squares 4/9 + 100/9 + 64/9 = 168/9, df 2, s² = 28/3, t(0.975, 2) = 4.3027 (closed form
    // for 2 df: (2p − 1)·√(2 / (4p(1 − p)))).
    const one = installSpreadFromNights([[100, 104, 98]], '3 nights');
    expect(one?.spreadUs).toBeCloseTo(T975_2 * Math.sqrt(28 / 3) * Math.SQRT2, 9);
    expect(one?.source).toBe('3 nights');
    expect(one?.installShiftUs).toBeUndefined();
    // Two systems pool their squares: [100, 104, 98] (168/9) and [50, 52] (2), df 2 + 1 = 3, t(0.975, 3) = 3.182446305284263 (tables).
    const two = installSpreadFromNights([[100, 104, 98], [50, 52]], 'h');
    expect(two?.spreadUs).toBeCloseTo(3.182446305284263 * Math.sqrt((168 / 9 + 2) / 3) * Math.SQRT2, 9);
  });

  it('is null when no system has two nights, and refuses values that are not finite', () => {
    expect(installSpreadFromNights([[100], [101]], 'h')).toBeNull();
    expect(installSpreadFromNights([], 'h')).toBeNull();
    expect(() => installSpreadFromNights([[1, Number.NaN]], 'h')).toThrow(/finite/);
  });

  it('keeps a single-install null comparison at or under 5% "significant" with 3 nights of history', () => {
    // No real difference. Each night (and each side of the comparison) is a fresh install with an offset as large as
    // the repetition noise (σ_install = σ_rep = 10 µs), 5 repetitions; a night's value is the median of its
    // repetitions. Large runs (12 000 trials): 3.5%; the same rule with z = 1.96 in place of t, 12.6% (and 14% in
    // 2000 trials with z and a bias-corrected MAD σ in place of the standard deviation). This seed: 3.0% and 11.3%.
    const normal = normalSource(createRandom(20261202));
    const install = (): number[] => {
      const offset = 10 * normal();
      return Array.from({ length: 5 }, () => 1000 + offset + 10 * normal());
    };
    const trials = 1500;
    let withT = 0;
    let withZ = 0;
    for (let k = 0; k < trials; k++) {
      const nights = Array.from({ length: 3 }, () => median(install()));
      const spread = installSpreadFromNights([nights], '3 nights');
      if (!spread) throw new Error('3 nights must give a spread');
      const reference = install();
      const system = install();
      if (compareTwoSamples(reference, system, { seed: k, installSpread: spread }).significant) withT++;
      // The same spread with the normal quantile: too narrow when σ comes from 3 nights.
      const zSpread = { ...spread, spreadUs: (spread.spreadUs / T975_2) * probit(0.975) };
      if (compareTwoSamples(reference, system, { seed: k, installSpread: zSpread }).significant) withZ++;
    }
    expect(withT / trials).toBeLessThanOrEqual(0.05);
    expect(withZ / trials).toBeGreaterThan(0.08);
  });
});
