import { describe, expect, it } from 'vitest';
import { bootstrapDeltaInterval, bootstrapMedianInterval } from '../src/analysis/bootstrap.js';
import { createRandom } from '../src/analysis/random.js';

/** 30 distinct, unevenly spaced values: 1000 + i², i = 0…29. Median = (1000 + 14² + 1000 + 15²) / 2 = 1210.5. */
const spread = Array.from({ length: 30 }, (_, i) => 1000 + i * i);

describe('bootstrap interval of the median', () => {
  it('takes the median of the values as its value', () => {
    // Sorted 10, 20, 30, 40, 50: the middle one is 30.
    expect(bootstrapMedianInterval([50, 10, 40, 20, 30], { seed: 1 }).value).toBe(30);
    // Even count: (20 + 30) / 2 = 25.
    expect(bootstrapMedianInterval([40, 10, 30, 20], { seed: 1 }).value).toBe(25);
  });

  it('spans the whole range with 5 values', () => {
    // A resample's median (its 3rd smallest of 5 draws) equals the minimum when at least 3 of the 5 draws are the
    // minimum: C(5,3)·0.2³·0.8² + C(5,4)·0.2⁴·0.8 + 0.2⁵ = 0.0512 + 0.0064 + 0.00032 = 0.05792 > 0.025, so the
    // 2.5% quantile of the resampled medians is the minimum, and symmetrically the 97.5% quantile is the maximum.
    expect(bootstrapMedianInterval([10, 20, 30, 40, 50], { seed: 1 })).toEqual({ value: 30, ci95: [10, 50] });
  });

  it('spans the whole range with 4 values', () => {
    // The median of 4 draws is the mean of the 2nd and 3rd smallest; it is the minimum 10 only when at least 3 draws
    // are 10: C(4,3)·0.25³·0.75 + 0.25⁴ = 0.046875 + 0.00390625 = 0.0508 > 0.025. Same at the top.
    expect(bootstrapMedianInterval([10, 20, 30, 40], { seed: 1 })).toEqual({ value: 25, ci95: [10, 40] });
  });

  it('gives [v, v] for one value and for identical values', () => {
    expect(bootstrapMedianInterval([42], { seed: 1 })).toEqual({ value: 42, ci95: [42, 42] });
    expect(bootstrapMedianInterval([7, 7, 7], { seed: 1 })).toEqual({ value: 7, ci95: [7, 7] });
  });

  it('contains the median and is narrower than the range when there are many values', () => {
    const { value, ci95 } = bootstrapMedianInterval(spread, { seed: 3 });
    expect(value).toBe(1210.5);
    expect(ci95[0]).toBeLessThanOrEqual(value);
    expect(ci95[1]).toBeGreaterThanOrEqual(value);
    expect(ci95[0]).toBeGreaterThan(1000);
    expect(ci95[1]).toBeLessThan(1000 + 29 * 29);
  });

  it('is identical for the same seed and differs for another seed', () => {
    // 1 000 resamples: with 10 000 the percentiles of this data settle on the same resampled medians for most seeds.
    const a = bootstrapMedianInterval(spread, { seed: 1, resamples: 1000 });
    const b = bootstrapMedianInterval(spread, { seed: 1, resamples: 1000 });
    const c = bootstrapMedianInterval(spread, { seed: 2, resamples: 1000 });
    expect(a).toEqual(b);
    expect(c.value).toBe(a.value);
    expect(c.ci95).not.toEqual(a.ci95);
  });

  it('reads the interval at the (1 − confidence)/2 and (1 + confidence)/2 quantiles of the resampled medians', () => {
    // Values 10 … 50. P(resampled median ≤ k-th smallest) = P(at least 3 of 5 draws among the k smallest):
    // k = 1: 0.05792 (above); k = 2: C(5,3)·0.4³·0.6² + C(5,4)·0.4⁴·0.6 + 0.4⁵ = 0.2304 + 0.0768 + 0.01024 = 0.31744.
    // 90%: the 5% quantile falls in the k = 1 run (0.05 < 0.0579, 3.4 bootstrap standard errors of 0.0023 apart)
    // → [10, 50]. 80%: the 10% quantile falls in the k = 2 run (0.0579 < 0.10 < 0.317) → [20, 40].
    expect(bootstrapMedianInterval([10, 20, 30, 40, 50], { seed: 1, confidence: 0.9 }).ci95).toEqual([10, 50]);
    expect(bootstrapMedianInterval([10, 20, 30, 40, 50], { seed: 1, confidence: 0.8 }).ci95).toEqual([20, 40]);
  });

  it('narrows when the confidence is lowered', () => {
    const wide = bootstrapMedianInterval(spread, { seed: 1 });
    const narrow = bootstrapMedianInterval(spread, { seed: 1, confidence: 0.5 });
    expect(narrow.ci95[0]).toBeGreaterThan(wide.ci95[0]);
    expect(narrow.ci95[1]).toBeLessThan(wide.ci95[1]);
  });

  it('covers the true median of a skewed distribution about 95% of the time', () => {
    // Exponential(1) has median ln 2. 200 samples of 25 values; the binomial standard error of the observed coverage
    // near 0.95 is sqrt(0.95·0.05/200) ≈ 0.015, so [0.90, 0.995] allows over 3 errors either way.
    const source = createRandom(99);
    let covered = 0;
    for (let trial = 0; trial < 200; trial++) {
      const sample = Array.from({ length: 25 }, () => -Math.log(1 - source()));
      const { ci95 } = bootstrapMedianInterval(sample, { seed: trial, resamples: 2000 });
      if (ci95[0] <= Math.LN2 && Math.LN2 <= ci95[1]) covered++;
    }
    expect(covered / 200).toBeGreaterThanOrEqual(0.9);
    expect(covered / 200).toBeLessThanOrEqual(0.995);
  });

  it('refuses an empty sample, non-finite values and bad options', () => {
    expect(() => bootstrapMedianInterval([], { seed: 1 })).toThrow(RangeError);
    expect(() => bootstrapMedianInterval([1, Number.NaN], { seed: 1 })).toThrow(RangeError);
    expect(() => bootstrapMedianInterval([1, 2], { seed: 1, resamples: 0 })).toThrow(RangeError);
    expect(() => bootstrapMedianInterval([1, 2], { seed: 1, confidence: 1 })).toThrow(RangeError);
  });
});

describe('bootstrap interval of a difference of medians', () => {
  const reference = [100, 102, 98, 101, 99];

  it('estimates median(system) − median(reference) and excludes 0 for a clear shift', () => {
    const system = reference.map((v) => v + 50);
    const { value, ci95 } = bootstrapDeltaInterval(reference, system, { seed: 1 });
    // Medians 150 and 100.
    expect(value).toBe(50);
    // Every resampled difference lies between min(system) − max(reference) = 148 − 102 = 46 and
    // max(system) − min(reference) = 152 − 98 = 54.
    expect(ci95[0]).toBeGreaterThanOrEqual(46);
    expect(ci95[1]).toBeLessThanOrEqual(54);
    expect(ci95[0]).toBeGreaterThan(0);
    expect(ci95[0]).toBeLessThanOrEqual(value);
    expect(ci95[1]).toBeGreaterThanOrEqual(value);
  });

  it('is negative when the system is faster', () => {
    const { value, ci95 } = bootstrapDeltaInterval(reference, reference.map((v) => v - 30), { seed: 1 });
    expect(value).toBe(-30);
    expect(ci95[1]).toBeLessThan(0);
  });

  it('contains 0 for identical groups', () => {
    const { value, ci95 } = bootstrapDeltaInterval(reference, [...reference], { seed: 1 });
    expect(value).toBe(0);
    expect(ci95[0]).toBeLessThan(0);
    expect(ci95[1]).toBeGreaterThan(0);
  });

  it('gives [d, d] with one value per group', () => {
    // 130 − 100 = 30.
    expect(bootstrapDeltaInterval([100], [130], { seed: 1 })).toEqual({ value: 30, ci95: [30, 30] });
  });

  it('is reproducible with a seed and changes with another', () => {
    const system = spread.map((v) => v + 40);
    const a = bootstrapDeltaInterval(spread, system, { seed: 5, resamples: 1000 });
    expect(bootstrapDeltaInterval(spread, system, { seed: 5, resamples: 1000 })).toEqual(a);
    expect(bootstrapDeltaInterval(spread, system, { seed: 6, resamples: 1000 }).ci95).not.toEqual(a.ci95);
  });

  it('refuses an empty group', () => {
    expect(() => bootstrapDeltaInterval([], [1], { seed: 1 })).toThrow(RangeError);
    expect(() => bootstrapDeltaInterval([1], [], { seed: 1 })).toThrow(RangeError);
  });
});
