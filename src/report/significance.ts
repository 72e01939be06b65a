import type { Comparison, Estimate } from '../core/result-schema.js';

/** The report's significance level: a difference counts when its 95% interval excludes 0 and p is below this. */
export const SIGNIFICANCE = 0.05;

/** Both conditions, as the report states them: the interval excludes 0 and the permutation test's p < 0.05. */
export function isSignificant(delta: Estimate, p: number): boolean {
  return (delta.ci95[0] > 0 || delta.ci95[1] < 0) && p < SIGNIFICANCE;
}

/** A comparison's verdict on one percentile, as the statistics recorded it (issue 12) or, in older results, by the rule above. */
export type Outcome = 'significant' | 'not-significant' | 'within-install-variation';

export function outcomeOf(c: Comparison, metric: 'p50' | 'p99'): Outcome {
  const recorded = c[metric]?.outcome;
  if (recorded) return recorded;
  const [delta, p] = metric === 'p50' ? [c.deltaP50Us, c.pValueP50] : [c.deltaP99Us, c.pValueP99];
  return isSignificant(delta, p) ? 'significant' : 'not-significant';
}
