import { combinations } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { permutationPValue } from '../src/analysis/permutation.js';
import { doubledMidRanks, rankSumTest, untiedUCdf } from '../src/analysis/rank-sum.js';
import { compareTwoSamples, mosesRank } from '../src/analysis/two-sample.js';

// Issue 12's reproduction: one slow reference repetition (1500 µs) among eight.
const reproReference = [1004, 990, 1012, 997, 1008, 985, 1001, 1500];
const reproSystem = [1102, 1095, 1110, 1089, 1106, 1099, 1093, 1112];

/** Brute force, independent of the DP: every split of the pooled mid-ranks, two-sided on |rank sum − mean|. */
function enumeratedPValue(reference: number[], system: number[]): number {
  const pooled = [...reference, ...system];
  const ranks = doubledMidRanks(pooled);
  const centre = system.length * (pooled.length + 1);
  const observed = Math.abs(ranks.slice(reference.length).reduce((a, b) => a + b, 0) - centre);
  const splits = combinations(
    ranks.map((_, i) => i),
    system.length,
  );
  const extreme = splits.filter((s) => Math.abs(s.reduce((a, i) => a + (ranks[i] as number), 0) - centre) >= observed);
  return extreme.length / splits.length;
}

describe('the rank-sum test', () => {
  it('finds the issue-12 reproduction significant despite the slow repetition: p = 134/12870 ≈ 0.010', () => {
    const c = compareTwoSamples(reproReference, reproSystem, { seed: 1 });
    // Each system value is above 7 of the 8 reference values: U = 56 of 64. P(U ≥ 56) = 67/12870 by counting
    // partitions, two-sided twice that.
    expect(c.pValue).toBeCloseTo(134 / 12870, 12);
    expect(c.pValueMethod).toBe('exact');
    expect(c.significant).toBe(true);
    expect(c.outcome).toBe('significant');
    // Median of the 64 differences: 98 µs; the interval excludes 0.
    expect(c.shift.value).toBe(98);
    expect(c.shift.ci95[0]).toBeGreaterThan(0);
    // The test before issue 12 (difference of means) is undone by the one slow repetition.
    expect(permutationPValue(reproReference, reproSystem, { seed: 1 })).toBeCloseTo(0.713, 3);
  });

  it('gives tied values the mean of their positions (doubled, to stay integers)', () => {
    expect(doubledMidRanks([5, 3, 5, 1])).toEqual([7, 4, 7, 2]);
    expect(doubledMidRanks([2, 2, 2])).toEqual([4, 4, 4]);
  });

  it('counts splits exactly as an enumeration of every split does, with ties', () => {
    const cases: Array<[number[], number[]]> = [
      [reproReference, reproSystem],
      [
        [10, 12, 12, 15, 11],
        [12, 14, 15, 15, 13, 16],
      ],
      [
        [1, 1, 2, 3],
        [1, 2, 2, 4, 4],
      ],
      [[5], [5]],
    ];
    for (const [a, b] of cases) expect(rankSumTest(a, b, { seed: 1 }).pValue).toBeCloseTo(enumeratedPValue(a, b), 12);
  });

  it('samples splits above the exact cap, seeded, and never reports p = 0', () => {
    const a = [1, 2, 3, 4, 5, 6];
    const b = [11, 12, 13, 14, 15, 16];
    const sampled = rankSumTest(a, b, { seed: 3, maxExactSteps: 1, sampledSplits: 99 });
    expect(sampled.method).toBe('sampled');
    // Only 2 of C(12, 6) = 924 splits are as extreme; with 99 draws the estimate is (k + 1)/100 for a small k ≥ 0.
    expect(sampled.pValue).toBeGreaterThanOrEqual(1 / 100);
    expect(sampled.pValue).toBeLessThan(0.05);
    expect(rankSumTest(a, b, { seed: 3, maxExactSteps: 1, sampledSplits: 99 })).toEqual(sampled);
  });

  it('gives p = 1 to identical samples', () => {
    expect(rankSumTest([3, 1, 2], [2, 3, 1], { seed: 1 }).pValue).toBe(1);
  });
});

describe('the Hodges–Lehmann shift and its Moses interval', () => {
  it('reads the untied null distribution of U: n = m = 3 has 20 equally likely splits', () => {
    const cdf = untiedUCdf(3, 3);
    // U = 0 … 9 with counts 1 1 2 3 3 3 3 2 1 1.
    expect(Array.from(cdf ?? []).map((p) => Math.round(p * 20))).toEqual([1, 2, 4, 7, 10, 13, 16, 18, 19, 20]);
  });

  it('takes the whole range of differences when 95% is not attainable, and says what it reaches', () => {
    // 3 v 3: P(U ≤ 0) = 1/20 > 0.025, so [min, max] of the 9 differences with confidence 1 − 2/20.
    expect(mosesRank(3, 3)).toEqual({ rank: 1, confidence: 0.9 });
    // 4 v 4: P(U ≤ 0) = 1/70 ≤ 0.025 < P(U ≤ 1) = 2/70, so still the range, now at 1 − 2/70 ≈ 97.1%.
    expect(mosesRank(4, 4).rank).toBe(1);
    expect(mosesRank(4, 4).confidence).toBeCloseTo(1 - 2 / 70, 12);
    // 5 v 5: P(U ≤ 2) = 4/252 ≤ 0.025 < P(U ≤ 3) = 7/252: the 3rd smallest and 3rd largest.
    expect(mosesRank(5, 5).rank).toBe(3);
    expect(mosesRank(5, 5).confidence).toBeCloseTo(1 - 8 / 252, 12);
  });

  it('is the median of all pairwise differences, bounded by the chosen ordered differences', () => {
    const c = compareTwoSamples([1, 2, 3], [4, 5, 7], { seed: 1 });
    // Differences: 3 2 1 / 4 3 2 / 6 5 4 → sorted 1 2 2 3 3 4 4 5 6: median 3, range [1, 6].
    expect(c.shift).toEqual({ value: 3, ci95: [1, 6] });
    expect(c.achievedConfidence).toBeCloseTo(0.9, 12);
  });

  it('uses the normal approximation of the rank above the exact cap', () => {
    // 20 v 20 counted exactly, and with the cap forced down: within one rank of each other.
    const exact = mosesRank(20, 20);
    const approx = mosesRank(20, 20, 1);
    expect(Math.abs(exact.rank - approx.rank)).toBeLessThanOrEqual(1);
    expect(approx.confidence).toBeGreaterThan(0.94);
  });
});

describe('what a comparison cannot say', () => {
  it('warns about coverage below 5 repetitions on a side, and not from 5', () => {
    const four = compareTwoSamples([1, 2, 3, 4], [5, 6, 7, 8, 9], { seed: 1 });
    expect(four.coverageWarning).toMatch(/^4 v 5 repetitions \(under 5 on a side\)/);
    expect(compareTwoSamples([1, 2, 3, 4, 5], [5, 6, 7, 8, 9], { seed: 1 }).coverageWarning).toBeNull();
  });

  it('gives no minimum detectable difference when p < 0.05 is out of reach, and says why', () => {
    const c = compareTwoSamples([1, 2, 3], [4, 5, 6], { seed: 1 });
    expect(c.minimumDetectableUs).toBeNull();
    expect(c.minimumDetectableNote).toBe('3 v 3 repetitions can never reach p < 0.05 (smallest possible p = 0.10)');
    expect(c.significant).toBe(false);
  });

  it('scales the minimum detectable difference with the spread, and a slow repetition barely moves it', () => {
    const tight = compareTwoSamples([1000, 1010, 990, 1005, 995], [1000, 1010, 990, 1005, 995], { seed: 1 });
    const wide = compareTwoSamples([1000, 1100, 900, 1050, 950], [1000, 1100, 900, 1050, 950], { seed: 1 });
    expect(wide.minimumDetectableUs).toBeCloseTo((tight.minimumDetectableUs as number) * 10, 6);
    const slowOne = compareTwoSamples([1000, 1010, 990, 1005, 1995], [1000, 1010, 990, 1005, 995], { seed: 1 });
    // The Shamos spread (median of within-side gaps) ignores the one repetition 1 ms slow.
    expect(slowOne.minimumDetectableUs as number).toBeLessThan(2 * (tight.minimumDetectableUs as number));
  });

  it('requires a shift beyond an install spread, and says when it is within it', () => {
    const within = compareTwoSamples(reproReference, reproSystem, {
      seed: 1,
      installSpread: { spreadUs: 150, source: 'history' },
    });
    expect(within.pValue).toBeCloseTo(134 / 12870, 12);
    expect(within.outcome).toBe('within-install-variation');
    expect(within.significant).toBe(false);
    // The minimum detectable difference cannot be below the spread it has to clear.
    expect(within.minimumDetectableUs as number).toBeGreaterThan(150);
    const beyond = compareTwoSamples(reproReference, reproSystem, { seed: 1, installSpread: { spreadUs: 50, source: 'x' } });
    expect(beyond.outcome).toBe('significant');
  });

  it('reads a tied comparison whose interval ends at 0 cautiously: not significant even at p ≈ 0.016', () => {
    // Whole µs, 7 v 10, many ties. Worked out independently by enumerating all C(17, 7) = 19 448 splits of the
    // mid-ranks: p = 304/19448; Hodges–Lehmann 3; the Moses interval is the 15th smallest and largest of the 70
    // differences (P(U ≤ 14) ≤ 0.025 < P(U ≤ 15) untied; confidence 0.956911), and the 15th smallest is a tie: 0.
    const reference = [100, 101, 101, 101, 103, 104, 99];
    const system = [101, 102, 105, 106, 106, 101, 107, 108, 104, 103];
    const c = compareTwoSamples(reference, system, { seed: 1 });
    expect(c.pValue).toBeCloseTo(304 / 19448, 12);
    expect(c.shift.value).toBe(3);
    expect(c.shift.ci95).toEqual([0, 6]);
    expect(c.achievedConfidence).toBeCloseTo(0.956911, 6);
    expect(c.outcome).toBe('not-significant');
  });

  it('refuses empty sides, non-finite values and a negative spread', () => {
    expect(() => compareTwoSamples([], [1], { seed: 1 })).toThrow(/at least one value/);
    expect(() => compareTwoSamples([1, Number.NaN], [1], { seed: 1 })).toThrow(/finite/);
    expect(() => compareTwoSamples([1], [2], { seed: 1, installSpread: { spreadUs: -1, source: 'x' } })).toThrow(
      /installSpread\.spreadUs/,
    );
  });
});
