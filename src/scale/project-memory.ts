import { tQuantile975 } from '../analysis/install-spread.js';
import type { IntervalEstimate, MemoryFit, ScaleScope } from '../core/scale-schema.js';

/** The cluster the claims are about: "100 nodes, 1000 pods". */
export const DEFAULT_PROJECTION = { nodes: 100, pods: 1000 } as const;

/** A projection with the half-width of its interval, kept so projections can be summed (see sumProjections). */
export interface Projection extends IntervalEstimate {
  halfWidth: number;
}

/**
 * A role's memory in a cluster of `nodes` × `pods` (pods spread evenly), with a 95% prediction interval.
 * A node-scoped role is k = nodes copies of the per-node line at x₀ = pods ÷ nodes; a cluster-scoped one is k = 1 copy
 * at x₀ = pods. The projected total is k·(fixed + perPod·x₀), and its variance is
 *   k²·σ̂²·(1/n + (x₀ − x̄)² ÷ Sxx)   (the fitted line's own uncertainty at x₀: grows with the distance from x̄)
 *   + k·σ̂²                           (each of the k new nodes scatters around the line independently)
 * (the textbook prediction interval of simple regression, summed over k new observations). The first term is why the
 * interval widens the further x₀ lies outside the measured pod counts: the model is measured at a few pods per node
 * on a small cluster, and says so by its width. The low end is clamped at 0 (memory is not negative); the half-width
 * is kept unclamped for sums.
 */
export function projectMemory(fit: MemoryFit, scope: ScaleScope, nodes: number, pods: number): Projection {
  const k = scope === 'node' ? nodes : 1;
  const x0 = scope === 'node' ? pods / nodes : pods;
  const estimate = k * (fit.fixed.estimate + fit.perPod.estimate * x0);
  const variance =
    k ** 2 * fit.residualSd ** 2 * (1 / fit.points + (x0 - fit.meanPods) ** 2 / fit.podsSumOfSquares) + k * fit.residualSd ** 2;
  const halfWidth = tQuantile975(fit.degreesOfFreedom) * Math.sqrt(variance);
  return { estimate, low: Math.max(0, estimate - halfWidth), high: estimate + halfWidth, halfWidth };
}

/**
 * The sum of several roles' projections: estimates add, and the half-widths combine in quadrature (√Σh²), which
 * treats the roles' errors as independent (they are different containers, fitted separately). Each half-width already
 * carries its own t quantile, so this is approximate, between the one-role interval and the sum of the half-widths.
 */
export function sumProjections(parts: readonly Projection[]): Projection | null {
  if (parts.length === 0) return null;
  const estimate = parts.reduce((sum, p) => sum + p.estimate, 0);
  const halfWidth = Math.sqrt(parts.reduce((sum, p) => sum + p.halfWidth ** 2, 0));
  return { estimate, low: Math.max(0, estimate - halfWidth), high: estimate + halfWidth, halfWidth };
}

/** The interval without the half-width, as the result stores it. */
export function asInterval(p: Projection): IntervalEstimate {
  return { estimate: p.estimate, low: p.low, high: p.high };
}
