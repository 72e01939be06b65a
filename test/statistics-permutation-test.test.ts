import { describe, expect, it } from 'vitest';
import { permutationPValue } from '../src/analysis/permutation.js';

// Statistic: mean(a) − mean(b); two-sided: a split counts when its |statistic| ≥ the observed one.
// With the pooled total S fixed, a split is determined by the sum s of the values it puts in group a.

describe('permutation test, exact enumeration', () => {
  it('gives 2/20 for [1,2,3] against [4,5,6]', () => {
    // C(6,3) = 20 splits. S = 21, statistic = s/3 − (21 − s)/3 = (2s − 21)/3; observed s = 6 → |−3| = 3.
    // |2s − 21| ≥ 9 ⇔ s ≤ 6 or s ≥ 15: only {1,2,3} (s = 6) and {4,5,6} (s = 15). p = 2/20 = 0.1.
    expect(permutationPValue([1, 2, 3], [4, 5, 6], { seed: 1 })).toBeCloseTo(0.1, 12);
  });

  it('gives 4/20 for [1,2,4] against [3,5,6]', () => {
    // Observed s = 7 → |2·7 − 21| = 7; extreme ⇔ s ≤ 7 or s ≥ 14.
    // s ≤ 7: {1,2,3} = 6, {1,2,4} = 7. s ≥ 14: {4,5,6} = 15, {3,5,6} = 14. p = 4/20 = 0.2.
    expect(permutationPValue([1, 2, 4], [3, 5, 6], { seed: 1 })).toBeCloseTo(0.2, 12);
  });

  it('handles unequal group sizes', () => {
    // a = [1], b = [2,3,4]: 4 splits, S = 10, statistic = x − (10 − x)/3 = (4x − 10)/3 for a = {x}.
    // x = 1, 2, 3, 4 → −2, −2/3, 2/3, 2; observed |−2| = 2 → x = 1 and x = 4 count: p = 2/4.
    expect(permutationPValue([1], [2, 3, 4], { seed: 1 })).toBeCloseTo(0.5, 12);
    // a = [10], b = [1,2,3]: S = 16, statistic = (4x − 16)/3; x = 10 → 8, x = 1, 2, 3 → −4, −8/3, −4/3.
    // Only the observed split reaches |8|: p = 1/4 (an asymmetric permutation distribution has no mirror split).
    expect(permutationPValue([10], [1, 2, 3], { seed: 1 })).toBeCloseTo(0.25, 12);
  });

  it('bottoms out at 2/252 = 1/126 for two separated groups of 5', () => {
    // C(10,5) = 252; only the observed split and its mirror reach the observed |difference| of 5.
    expect(permutationPValue([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], { seed: 1 })).toBeCloseTo(2 / 252, 12);
  });

  it('gives 1 for identical samples', () => {
    expect(permutationPValue([5, 5, 5], [5, 5, 5], { seed: 1 })).toBe(1);
    expect(permutationPValue([1010, 990, 1000], [1000, 1010, 990], { seed: 1 })).toBe(1);
  });

  it('counts ties that floating point would split', () => {
    // 0.1 + 0.2 + 0.3 = 0.6000000000000001 but 0.3 + 0.2 + 0.1 = 0.6: the observed statistic is ~4e-17 rather than 0,
    // while other splits give exactly 0. All 20 splits are as extreme as the observed one: p = 1.
    expect(permutationPValue([0.1, 0.2, 0.3], [0.3, 0.2, 0.1], { seed: 1 })).toBe(1);
    // a = [3.3, 2.2, 3.3], b = [2.2, 0.1, 0.2]: S = 11.3, statistic = (2s − 11.3)/3, observed s = 8.8 → |6.3/3|.
    // Extreme ⇔ s ≥ 8.8 or s ≤ 2.5: {3.3, 3.3, either 2.2} = 8.8 (2 splits) and {either 2.2, 0.1, 0.2} = 2.5
    // (2 splits). p = 4/20 = 0.2; compared without tolerance the mirror splits round below and p reads 0.1.
    expect(permutationPValue([3.3, 2.2, 3.3], [2.2, 0.1, 0.2], { seed: 1 })).toBeCloseTo(0.2, 12);
    // a = [1,1,2], b = [1,2,2]: S = 9, statistic = (2s − 9)/3, observed s = 4 → |−1/3|. 2s − 9 is odd for every
    // split, so every |statistic| ≥ 1/3: p = 20/20 = 1.
    expect(permutationPValue([1, 1, 2], [1, 2, 2], { seed: 1 })).toBe(1);
  });

  it('does not depend on the seed', () => {
    const a = [12, 15, 11, 18, 14];
    const b = [15, 19, 14, 17, 20];
    expect(permutationPValue(a, b, { seed: 1 })).toBe(permutationPValue(a, b, { seed: 2 }));
  });
});

describe('permutation test, Monte Carlo', () => {
  // C(16,8) = 12 870 ≤ 20 000: enumerated by default; maxPermutations 5 000 forces sampling.
  const a = [12, 15, 11, 18, 14, 13, 16, 10];
  const b = [15, 19, 14, 17, 20, 16, 18, 13];

  it('agrees with exact enumeration', () => {
    const exact = permutationPValue(a, b, { seed: 1 });
    const sampled = permutationPValue(a, b, { seed: 1, maxPermutations: 5000 });
    // Exact p ≈ 0.054; the Monte Carlo standard error is sqrt(0.054·0.946/5000) ≈ 0.0032.
    expect(Math.abs(sampled - exact)).toBeLessThan(0.015);
    expect(sampled).not.toBe(exact);
  });

  it('is reproducible with a seed and varies with another', () => {
    const p1 = permutationPValue(a, b, { seed: 1, maxPermutations: 5000 });
    expect(permutationPValue(a, b, { seed: 1, maxPermutations: 5000 })).toBe(p1);
    expect(permutationPValue(a, b, { seed: 2, maxPermutations: 5000 })).not.toBe(p1);
  });

  it('never returns 0: (count + 1)/(N + 1)', () => {
    // 10 against 10 separated values: C(20,10) = 184 756 > 20 000, so 20 000 shuffles. The exact p is
    // 2/184 756 ≈ 1.1e-5, so about 0.2 extreme shuffles are expected; the estimate is at least 1/20 001.
    const low = Array.from({ length: 10 }, (_, i) => 100 + i);
    const high = Array.from({ length: 10 }, (_, i) => 200 + i);
    const p = permutationPValue(low, high, { seed: 1 });
    expect(p).toBeGreaterThanOrEqual(1 / 20_001);
    expect(p).toBeLessThanOrEqual(3 / 20_001);
  });

  it('gives a multiple of 1/(N + 1), and 1 for identical samples', () => {
    // [1,2,3] vs [4,5,6] has C(6,3) = 20 > 10 splits, so 10 shuffles: p = (count + 1)/11.
    const p = permutationPValue([1, 2, 3], [4, 5, 6], { seed: 3, maxPermutations: 10 });
    expect(Math.abs(p * 11 - Math.round(p * 11))).toBeLessThan(1e-9);
    expect(p).toBeGreaterThan(0);
    expect(permutationPValue([7, 7, 7], [7, 7, 7], { seed: 3, maxPermutations: 10 })).toBe(1);
  });
});

describe('permutation test input', () => {
  it('refuses empty samples, non-finite values and a bad maxPermutations', () => {
    expect(() => permutationPValue([], [1], { seed: 1 })).toThrow(RangeError);
    expect(() => permutationPValue([1], [], { seed: 1 })).toThrow(RangeError);
    expect(() => permutationPValue([1, Number.POSITIVE_INFINITY], [1], { seed: 1 })).toThrow(RangeError);
    expect(() => permutationPValue([1], [2], { seed: 1, maxPermutations: 0 })).toThrow(RangeError);
  });
});
