import { linearRegression } from 'simple-statistics';
import { tQuantile975 } from '../analysis/install-spread.js';
import { InputError } from '../core/errors.js';
import type { MemoryFit, MemoryTerm, ScalePoint } from '../core/scale-schema.js';

/**
 * memory = fixed + perPod × pods, by ordinary least squares (simple-statistics' `linearRegression`, which returns the
 * slope `m` and intercept `b`), with classical OLS standard errors and Student t intervals on n − 2 degrees of freedom:
 *   σ̂² = SSE ÷ (n − 2),  SE(perPod) = σ̂ ÷ √Sxx,  SE(fixed) = σ̂ · √(1/n + x̄² ÷ Sxx).
 * Why not a bootstrap over the points: a scale run has 4–8 points (a few pod counts × a few nodes); resampling so few
 * gives few distinct resamples, and many of them hold a single pod count, where the slope is undefined. The t interval
 * is exact when the residuals are normal and independent, and one point per node and window (not every 5 s sample,
 * which are autocorrelated) keeps them close to independent. See src/scale/README.md.
 */
export function fitMemory(points: readonly ScalePoint[], what: string): MemoryFit {
  const distinctPods = new Set(points.map((p) => p.pods));
  if (distinctPods.size < 2) {
    const counts = [...distinctPods].join(', ') || 'none';
    throw InputError.single(
      what,
      'pods',
      `a memory fit needs points at 2 or more different pod counts, got ${points.length} point(s) at pod count ${counts}: per-pod and per-node terms cannot be told apart`,
    );
  }
  if (points.length < 3) {
    throw InputError.single(
      what,
      'points',
      `a memory fit with an interval needs 3 or more points, got ${points.length}: two points fit a line exactly and say nothing about its error`,
    );
  }
  const n = points.length;
  const { m: perPod, b: fixed } = linearRegression(points.map((p) => [p.pods, p.bytes]));
  const meanPods = points.reduce((sum, p) => sum + p.pods, 0) / n;
  const podsSumOfSquares = points.reduce((sum, p) => sum + (p.pods - meanPods) ** 2, 0);
  const sse = points.reduce((sum, p) => sum + (p.bytes - (fixed + perPod * p.pods)) ** 2, 0);
  const degreesOfFreedom = n - 2;
  const residualSd = Math.sqrt(sse / degreesOfFreedom);
  const t = tQuantile975(degreesOfFreedom);
  return {
    fixed: term(fixed, residualSd * Math.sqrt(1 / n + meanPods ** 2 / podsSumOfSquares), t),
    perPod: term(perPod, residualSd / Math.sqrt(podsSumOfSquares), t),
    points: n,
    degreesOfFreedom,
    residualSd,
    meanPods,
    podsSumOfSquares,
  };
}

function term(estimate: number, standardError: number, t: number): MemoryTerm {
  return { estimate, low: estimate - t * standardError, high: estimate + t * standardError, standardError };
}
