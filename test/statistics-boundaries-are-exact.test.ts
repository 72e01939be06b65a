import { describe, expect, it } from 'vitest';
import { aggregateStep } from '../src/analysis/aggregate-step.js';
import { bootstrapDeltaInterval, bootstrapMedianInterval } from '../src/analysis/bootstrap.js';
import { permutationPValue } from '../src/analysis/permutation.js';
import { coefficientOfVariation } from '../src/analysis/variation.js';
import { makeRepetitions, repetitionsWithPercentiles } from './helpers/repetition-factory.js';

describe('noisy and p99 flags at their thresholds', () => {
  // p50s 1000, 1100, 900, 1000, 1000: CV √5000/1000 = 0.0707106781…
  const p50s = [1000, 1100, 900, 1000, 1000];
  const cv = coefficientOfVariation(p50s) as number;

  it('does not flag a step whose CV of p50 equals maxCv exactly (the threshold is "exceeds")', () => {
    const a = aggregateStep(repetitionsWithPercentiles(p50s), { seed: 1, maxCv: cv });
    expect(a.cv.p50).toBe(cv);
    expect(a.noisy).toBe(false);
    expect(a.notes.some((n) => n.startsWith('noisy'))).toBe(false);
  });

  it('does not note a p99 whose CV equals 2 × maxCv exactly', () => {
    const p99s = [1500, 1600, 1400, 1500, 1500];
    const cv99 = coefficientOfVariation(p99s) as number;
    // cv99 / 2 * 2 is cv99 exactly in binary floating point.
    const a = aggregateStep(repetitionsWithPercentiles([1000, 1000, 1000, 1000, 1000], p99s), {
      seed: 1,
      maxCv: cv99 / 2,
    });
    expect(a.cv.p99).toBe(cv99);
    expect(a.notes.some((n) => n.startsWith('p99 varies'))).toBe(false);
  });

  it('prints at most 4 decimals of a percentage, even when the CV and maxCv still read the same there', () => {
    // 7.0710678% against 7.0710677%: equal to 4 decimals (7.0711%), so the note stops there instead of printing more.
    const a = aggregateStep(repetitionsWithPercentiles(p50s), { seed: 1, maxCv: cv - 1e-9 });
    expect(a.noisy).toBe(true);
    expect(a.notes).toContain('noisy: CV of p50 7.0711% > 7.0711%');
  });
});

describe('notes about missing latency records', () => {
  it('lists every valid repetition without intended-time latency, separated by commas', () => {
    const a = aggregateStep(makeRepetitions([{}, { intendedUs: null }, {}, { intendedUs: null }]), {
      seed: 1,
      maxCv: 0.05,
    });
    expect(a.notes).toContain('2 valid repetitions have no intended-time latency and are left out: #2, #4');
  });

  it('does not count an invalid repetition without intended-time latency as a missing record', () => {
    const a = aggregateStep(makeRepetitions([{}, { intendedUs: null, status: 'invalid' }, {}]), {
      seed: 1,
      maxCv: 0.05,
    });
    expect(a.notes.some((n) => n.includes('have no intended-time latency'))).toBe(false);
    expect(a.notes).toContain('1 of 3 repetitions invalid: #2 achieved rate 900/1000 req/s (90.0%)');
  });
});

describe('bootstrap interval edge cases', () => {
  it('with one reference value, still resamples the system group', () => {
    // Reference [100] never varies; the system's resampled median ranges over 100…140. P(median of 5 draws = 100) =
    // P(at least 3 of 5 draws are the lowest value) ≈ 0.058 > 0.025, likewise for 140: the interval is [0, 40].
    expect(bootstrapDeltaInterval([100], [100, 110, 120, 130, 140], { seed: 1 })).toEqual({
      value: 20,
      ci95: [0, 40],
    });
    expect(bootstrapDeltaInterval([100, 110, 120, 130, 140], [100], { seed: 1 })).toEqual({
      value: -20,
      ci95: [-40, 0],
    });
  });

  it('with one resample, the interval is that one resample’s statistic', () => {
    const single = bootstrapMedianInterval([10, 20, 30, 40, 50], { seed: 1, resamples: 1 });
    expect(single.ci95[0]).toBe(single.ci95[1]);
    const delta = bootstrapDeltaInterval([10, 20, 30, 40, 50], [10, 20, 30, 40, 50], { seed: 1, resamples: 1 });
    expect(delta.ci95[0]).toBe(delta.ci95[1]);
  });
});

describe('permutation test boundaries', () => {
  it('enumerates exactly when C(n + m, n) equals maxPermutations, and samples one below it', () => {
    // C(6, 3) = 20: exact p = 2/20 = 0.1; with 19 draws the Monte Carlo estimate is (count + 1)/20, never 2/20 here.
    expect(permutationPValue([1, 2, 3], [4, 5, 6], { seed: 1, maxPermutations: 20 })).toBe(0.1);
    expect(permutationPValue([1, 2, 3], [4, 5, 6], { seed: 1, maxPermutations: 19 })).not.toBe(0.1);
  });

  it('gives 1 for samples of zeros, exact and sampled (every split is as extreme as the observed 0)', () => {
    expect(permutationPValue([0, 0], [0, 0], { seed: 1 })).toBe(1);
    expect(permutationPValue([0, 0, 0], [0, 0, 0], { seed: 1, maxPermutations: 5 })).toBe(1);
  });

  it('keeps floating-point ties when a sample contains 0 (the tolerance scales with the largest value)', () => {
    // a = [0, 1.8, 2.1], b = [0.8, 0.7, 2.1]: S = 7.5, observed s = 3.9 → |2s − 7.5|/3 = 0.1. No split sums to 3.7 or
    // 3.8, so every split has s ≤ 3.6 or s ≥ 3.9 and is as extreme: p = 20/20 = 1.
    expect(permutationPValue([0, 1.8, 2.1], [0.8, 0.7, 2.1], { seed: 1 })).toBe(1);
  });

  it('does not change when every value is shifted by a large constant (100 ms in µs)', () => {
    // [1.9, 2, 1.3] vs [1.3, 1.2, 0.4]: S = 8.1, observed s = 5.2; extreme ⇔ s ≥ 5.2 or s ≤ 2.9: {1.9, 2, either 1.3}
    // and {either 1.3, 1.2, 0.4}: p = 4/20 = 0.2, also when rounding at 100 000 µs splits the ties in the last bits.
    expect(permutationPValue([1.9, 2, 1.3], [1.3, 1.2, 0.4], { seed: 1 })).toBe(0.2);
    expect(
      permutationPValue([100001.9, 100002, 100001.3], [100001.3, 100001.2, 100000.4], { seed: 1 }),
    ).toBe(0.2);
  });
});
