import type { Estimate } from '../core/result-schema.js';
import { smallestPValue } from '../analysis/minimum-detectable.js';
import { compareTwoSamples } from '../analysis/two-sample.js';

/**
 * The one place `bench compare` calls the statistics: old vs new per-repetition values of one metric, through the same
 * test the run's own comparisons use (src/analysis/two-sample.ts), so compare follows it when src/analysis changes.
 * The noise floor is applied by the gate (judge-change.ts) at the gate's alpha, not here.
 */
export interface ShiftTest {
  /** new − old, with its interval. */
  shift: Estimate;
  /** The interval's achieved confidence (0.95 when the repetition counts allow it). */
  confidence: number;
  /** Two-sided p-value. */
  pValue: number;
  /** Smallest shift detectable at 80% power (two-sided α = 0.05) from the observed spread; null when it cannot be said. */
  minimumDetectable: number | null;
  /** Why minimumDetectable is null. */
  minimumDetectableNote: string | null;
  coverageWarning: string | null;
}

/** In words, for the report: which test and which interval. */
export const SHIFT_TEST_DESCRIPTION =
  'Hodges–Lehmann shift of the per-repetition values (median of all new − old differences) with its ' +
  'distribution-free (Moses) 95% interval, and the two-sided exact Wilcoxon–Mann–Whitney p-value ' +
  '(src/analysis/two-sample.ts); the minimum detectable change is at 80% power, α = 0.05';

export function testShift(oldValues: readonly number[], newValues: readonly number[], seed: number): ShiftTest {
  const c = compareTwoSamples(oldValues, newValues, { seed });
  return {
    shift: c.shift,
    confidence: c.achievedConfidence,
    pValue: c.pValue,
    minimumDetectable: c.minimumDetectableUs,
    minimumDetectableNote: c.minimumDetectableNote,
    coverageWarning: c.coverageWarning,
  };
}

/**
 * The smallest two-sided p-value the exact test on n and m values can give: the observed split and its mirror out of
 * C(n + m, n). A significance level at or below it can never be reached, whatever the data (3 v 3: 0.1; 5 v 5: 0.0079).
 */
export function minimumPValue(n: number, m: number): number {
  return n === 0 || m === 0 ? 1 : smallestPValue(n, m);
}
