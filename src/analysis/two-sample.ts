import { median, probit } from 'simple-statistics';
import type { Estimate } from '../core/result-schema.js';
import { minimumDetectableShift } from './minimum-detectable.js';
import { rankSumTest, untiedUCdf } from './rank-sum.js';

/**
 * One comparison of per-repetition values, system against reference: the Hodges–Lehmann shift with its
 * distribution-free (Moses) interval, and the exact Wilcoxon–Mann–Whitney p-value. The interval and the test are the
 * same procedure read two ways (the interval is the set of shifts the test would not reject), so they are about the
 * same quantity: how far the system's values sit above the reference's. See README.md in this folder for why this
 * test, with the simulations behind the choice.
 */

/** Two-sided level every verdict is judged at. */
export const ALPHA = 0.05;
/** Below this many repetitions on either side an interval carries a coverage warning. */
export const MIN_REPETITIONS_FOR_COVERAGE = 5;

/**
 * Variation the repetitions of one install cannot show: how far the shift between two installs of the same system
 * wanders when nothing else changes. `spreadUs` is a 95% bound: a shift within ±spreadUs is not told apart from
 * install-to-install variation.
 */
export interface InstallSpread {
  spreadUs: number;
  /**
   * The shift measured at the level of installs (difference of the sides' mean install medians), when the spread was
   * estimated from installs in the data: the verdict then compares this with the spread, which is exactly a t test on
   * installs. Without it (a spread from history) the Hodges–Lehmann shift is compared.
   */
  installShiftUs?: number;
  /** Where the spread comes from, in words ("2 + 2 installs in this run", "14 nights of history on ubuntu-24.04"). */
  source: string;
}

export interface TwoSampleOptions {
  /** Seeds the sampled splits when the exact count would cost too much. */
  seed: number;
  /** A noise floor the shift must exceed to be significant (install-to-install variation). */
  installSpread?: InstallSpread;
  /** Random splits drawn above the exact cap (default 20 000). */
  sampledSplits?: number;
  /** Override of the exact-count cap (tests only). */
  maxExactSteps?: number;
}

export type TwoSampleOutcome = 'significant' | 'not-significant' | 'within-install-variation';

export interface TwoSampleComparison {
  statistic: 'hodges-lehmann-mann-whitney';
  /** Hodges–Lehmann shift (median of all system − reference differences) with its Moses interval. */
  shift: Estimate;
  /** Confidence the interval really has: ≥ 0.95 when attainable, less with very few repetitions (3 + 3: 0.90). */
  achievedConfidence: number;
  /** Two-sided Wilcoxon–Mann–Whitney p-value. */
  pValue: number;
  pValueMethod: 'exact' | 'sampled';
  /** p < 0.05, the interval excludes 0 and, when an install spread is given, |shift| is beyond it. */
  significant: boolean;
  outcome: TwoSampleOutcome;
  installSpread: InstallSpread | null;
  /** Smallest shift this comparison would detect with 80% power at two-sided α = 0.05, from the observed spread. */
  minimumDetectableUs: number | null;
  /** Why `minimumDetectableUs` is null, else null. */
  minimumDetectableNote: string | null;
  /** Set below 5 repetitions on either side. */
  coverageWarning: string | null;
  /** Robust within-install spread (σ) the minimum detectable difference was derived from; null with < 2 values/side. */
  spreadUs: number | null;
  repetitions: { reference: number; system: number };
}

/** Compare `system` with `reference` (per-repetition values, e.g. p50 in µs). Either side empty throws. */
export function compareTwoSamples(
  reference: readonly number[],
  system: readonly number[],
  options: TwoSampleOptions,
): TwoSampleComparison {
  const n = reference.length;
  const m = system.length;
  if (n === 0 || m === 0) throw new RangeError('compareTwoSamples needs at least one value on each side');
  if (![...reference, ...system].every(Number.isFinite)) throw new RangeError('compareTwoSamples: values must be finite');
  const spread = options.installSpread ?? null;
  if (spread && !(spread.spreadUs >= 0 && Number.isFinite(spread.spreadUs))) {
    throw new RangeError(`installSpread.spreadUs must be a finite number ≥ 0, got ${spread.spreadUs}`);
  }

  const test = rankSumTest(reference, system, {
    seed: options.seed,
    ...(options.sampledSplits === undefined ? {} : { sampledSplits: options.sampledSplits }),
    ...(options.maxExactSteps === undefined ? {} : { maxExactSteps: options.maxExactSteps }),
  });
  const differences: number[] = [];
  for (const y of system) for (const x of reference) differences.push(y - x);
  differences.sort((a, b) => a - b);
  const value = median(differences);
  const { rank, confidence } = mosesRank(n, m, options.maxExactSteps);
  const low = differences[rank - 1] as number;
  const high = differences[differences.length - rank] as number;

  // With untied values the two agree (the interval is the set of shifts the test does not reject); with ties the
  // closed interval is conservative and an end can be exactly 0 (a tied difference) even at p well under 0.05 (7 v 10
  // whole µs: p = 304/19448 ≈ 0.016, interval [0, 6]); the verdict is then the cautious one, at a cost in power that
  // README.md ("Tied values") measures.
  const rankSignificant = test.pValue < ALPHA && (low > 0 || high < 0);
  const levelShift = spread?.installShiftUs ?? value;
  const beyondSpread =
    spread === null || (Math.abs(levelShift) > spread.spreadUs && Math.sign(levelShift) === Math.sign(value));
  const outcome: TwoSampleOutcome = !rankSignificant
    ? 'not-significant'
    : beyondSpread
      ? 'significant'
      : 'within-install-variation';
  const detectable = minimumDetectableShift(reference, system, spread?.spreadUs ?? 0);

  return {
    statistic: 'hodges-lehmann-mann-whitney',
    shift: { value, ci95: [low, high] },
    achievedConfidence: confidence,
    pValue: test.pValue,
    pValueMethod: test.method,
    significant: outcome === 'significant',
    outcome,
    installSpread: spread,
    minimumDetectableUs: detectable.shiftUs,
    minimumDetectableNote: detectable.note,
    coverageWarning: coverageWarning(n, m, confidence),
    spreadUs: detectable.sigmaUs,
    repetitions: { reference: n, system: m },
  };
}

/**
 * Which ordered difference bounds the Moses interval: the k-th smallest and k-th largest of the n·m differences, with k
 * the largest integer such that P(U ≤ k − 1) ≤ α/2 under the untied null, so the interval's confidence is
 * 1 − 2·P(U ≤ k − 1) ≥ 0.95. When even k = 1 (the whole range of differences) cannot reach 95%, k = 1 and the
 * confidence it does have is returned. Above the exact cap, the normal approximation of U's quantile.
 */
export function mosesRank(n: number, m: number, maxExactSteps?: number): { rank: number; confidence: number } {
  const cdf = untiedUCdf(n, m, maxExactSteps);
  if (cdf) {
    let rank = 0;
    while (rank < cdf.length && (cdf[rank] as number) <= ALPHA / 2) rank++;
    // Now P(U ≤ rank − 1) ≤ α/2 < P(U ≤ rank).
    if (rank === 0) return { rank: 1, confidence: 1 - 2 * (cdf[0] as number) };
    return { rank, confidence: 1 - 2 * (cdf[rank - 1] as number) };
  }
  const meanU = (n * m) / 2;
  const sdU = Math.sqrt((n * m * (n + m + 1)) / 12);
  const rank = Math.max(1, Math.floor(meanU + probit(ALPHA / 2) * sdU + 0.5));
  const tail = normalCdf((rank - 1 + 0.5 - meanU) / sdU);
  return { rank, confidence: 1 - 2 * tail };
}

function coverageWarning(n: number, m: number, confidence: number): string | null {
  if (n >= MIN_REPETITIONS_FOR_COVERAGE && m >= MIN_REPETITIONS_FOR_COVERAGE) return null;
  const level = `${(confidence * 100).toFixed(1)}%`;
  const reach = confidence < 1 - ALPHA ? `reaches only ${level} confidence` : `is ${level} confidence`;
  return (
    `${n} v ${m} repetitions (under ${MIN_REPETITIONS_FOR_COVERAGE} on a side): the interval ${reach} if ` +
    'repetitions are independent, and the spread behind it is barely known'
  );
}

function normalCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

/** Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-ax * ax));
}
