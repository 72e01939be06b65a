import { combinations, shuffleInPlace, sumSimple } from 'simple-statistics';
import { createRandom } from './random.js';

/**
 * Two-sample permutation test, two-sided, on the difference of means: mean(a) − mean(b).
 *
 * Why the mean and not the median: with 5 repetitions per system, the median of a group is just its 3rd value, so the
 * permutation distribution of a difference of medians is coarse and full of ties, and the test loses resolution. The
 * mean uses every repetition. Under the null hypothesis (the two systems' repetitions are exchangeable) the test's
 * false-positive rate holds whatever the statistic; an outlier repetition can cost power (it widens the spread a
 * difference is judged against), which the robust median-based bootstrap interval reported next to the p-value makes
 * visible.
 *
 * Why not simple-statistics' `permutationTest`: it only samples (no exact enumeration), it returns count/N, which can
 * be 0 (a p-value of 0 is impossible for a permutation test), and it compares floating-point means without tolerance,
 * so ties of the statistic can be missed. Its building blocks (`combinations`, `shuffleInPlace`) are
 * used here.
 */
export interface PermutationOptions {
  /** Seeds the Monte Carlo permutations; unused when every split is enumerated. */
  seed: number;
  /**
   * Enumerate every split when C(n + m, n) is at most this; otherwise draw this many random permutations
   * (default 20 000).
   */
  maxPermutations?: number;
}

export const DEFAULT_MAX_PERMUTATIONS = 20_000;

/**
 * p-value of the two-sided test: the share of the reassignments of the pooled values into groups of sizes n and m whose
 * |mean difference| is at least the observed one.
 * - Exact when C(n + m, n) ≤ maxPermutations: count / C(n + m, n). The observed split always counts, so for n = m = 5
 *   the smallest possible value is 2 / 252 = 1/126 ≈ 0.0079 (the observed split and its mirror).
 * - Otherwise Monte Carlo over maxPermutations seeded shuffles: (count + 1) / (N + 1), the correction that counts the
 *   observed split as one of the draws, so the estimate is never 0 and the test stays valid.
 * Identical samples (and any pair with equal means) give 1. Either sample empty throws.
 */
export function permutationPValue(
  a: readonly number[],
  b: readonly number[],
  options: PermutationOptions,
): number {
  const maxPermutations = options.maxPermutations ?? DEFAULT_MAX_PERMUTATIONS;
  if (!Number.isInteger(maxPermutations) || maxPermutations < 1) {
    throw new RangeError(`maxPermutations must be a positive integer, got ${maxPermutations}`);
  }
  if (a.length === 0 || b.length === 0) {
    throw new RangeError('permutation test needs at least one value in each sample');
  }
  const pooled = [...a, ...b];
  if (!pooled.every(Number.isFinite)) throw new RangeError('permutation test values must be finite numbers');

  const n = a.length;
  const m = b.length;
  const total = sumSimple(pooled);
  // mean(A) − mean(B) depends only on the sum of group A once the pooled total is fixed.
  const statistic = (sumA: number): number => sumA / n - (total - sumA) / m;
  const observed = Math.abs(statistic(sumSimple(a)));
  // Splits with mathematically equal |statistic| can differ in the last bits (summation order); they must count as
  // "at least as extreme", or ties, common with microsecond-integer data, would be dropped at random.
  const scale = Math.max(...pooled.map(Math.abs));
  const threshold = observed - 1e-9 * scale;

  if (binomialAtMost(n + m, n, maxPermutations) <= maxPermutations) {
    const indices = pooled.map((_, i) => i);
    const splits = combinations(indices, n);
    let extreme = 0;
    for (const split of splits) {
      let sumA = 0;
      for (const i of split) sumA += pooled[i] as number;
      if (Math.abs(statistic(sumA)) >= threshold) extreme++;
    }
    return extreme / splits.length;
  }

  const random = createRandom(options.seed);
  const shuffled = [...pooled];
  let extreme = 0;
  for (let k = 0; k < maxPermutations; k++) {
    shuffleInPlace(shuffled, random);
    let sumA = 0;
    for (let i = 0; i < n; i++) sumA += shuffled[i] as number;
    if (Math.abs(statistic(sumA)) >= threshold) extreme++;
  }
  return (extreme + 1) / (maxPermutations + 1);
}

/** C(n, k), or some value above `cap` as soon as it exceeds it (so large n never overflows or wastes time). */
function binomialAtMost(n: number, k: number, cap: number): number {
  // Stryker disable next-line MethodExpression,ArithmeticOperator: C(n, k) = C(n, n − k), and k ≤ n, so max(k, n − k)
  // or min(k, n + k) = k give the same value; the min only makes the loop shorter.
  const r = Math.min(k, n - k);
  let c = 1;
  // c stays an integer: after step i it is C(n − r + i, i).
  for (let i = 1; i <= r; i++) {
    c = (c * (n - r + i)) / i;
    // Stryker disable next-line ConditionalExpression: c only grows with i, so finishing the loop also ends above cap.
    if (c > cap) return c;
  }
  return c;
}
