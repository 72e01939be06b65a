import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/analysis/random.js';
import type { ScalePoint } from '../src/core/scale-schema.js';
import { fitMemory } from '../src/scale/fit-memory.js';

/**
 * The scale model (issue 10 build 3): memory = perNode + perPod × pods-on-node, fitted by least squares. Synthetic
 * points with a known truth: 40 MB per node (a node agent) and 60 MB per pod (a sidecar), measured at 1, 4, 8 and 16
 * pods on each of 2 nodes, as scenarios/scale.yaml does.
 */
const MB = 1e6;
const TRUTH = { perNode: 40 * MB, perPod: 60 * MB };
const COUNTS = [1, 4, 8, 16];

function points(noiseSdBytes: number, seed: number): ScalePoint[] {
  const random = createRandom(seed);
  // Box–Muller: a normal deviate from two uniforms.
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return ['worker-1', 'worker-2'].flatMap((node) =>
    COUNTS.map((pods) => ({ pods, node, bytes: TRUTH.perNode + TRUTH.perPod * pods + noiseSdBytes * normal() })),
  );
}

describe('the memory fit', () => {
  it('recovers the per-node and per-pod terms exactly from noise-free points, with zero-width intervals', () => {
    const fit = fitMemory(points(0, 1), 'synthetic');
    expect(fit.fixed.estimate).toBeCloseTo(TRUTH.perNode, 0);
    expect(fit.perPod.estimate).toBeCloseTo(TRUTH.perPod, 0);
    expect(fit.perPod.high - fit.perPod.low).toBeLessThan(1);
    expect(fit.degreesOfFreedom).toBe(6);
  });

  it('recovers them within their intervals from noisy points (2 MB of noise per point)', () => {
    const fit = fitMemory(points(2 * MB, 7), 'synthetic');
    expect(fit.perPod.low).toBeLessThan(TRUTH.perPod);
    expect(fit.perPod.high).toBeGreaterThan(TRUTH.perPod);
    expect(fit.fixed.low).toBeLessThan(TRUTH.perNode);
    expect(fit.fixed.high).toBeGreaterThan(TRUTH.perNode);
    expect(Math.abs(fit.perPod.estimate - TRUTH.perPod)).toBeLessThan(1 * MB);
    expect(fit.residualSd).toBeGreaterThan(0.5 * MB);
    expect(fit.residualSd).toBeLessThan(4 * MB);
  });

  it('gives 95% intervals that cover the truth about 95% of the time over 400 seeded data sets', () => {
    let perPodCovered = 0;
    let perNodeCovered = 0;
    const trials = 400;
    for (let seed = 1; seed <= trials; seed++) {
      const fit = fitMemory(points(5 * MB, seed), 'synthetic');
      if (fit.perPod.low <= TRUTH.perPod && TRUTH.perPod <= fit.perPod.high) perPodCovered++;
      if (fit.fixed.low <= TRUTH.perNode && TRUTH.perNode <= fit.fixed.high) perNodeCovered++;
    }
    // Binomial(400, 0.95) has sd ≈ 4.4 covered data sets: 0.92–0.98 is about ±3 sd.
    expect(perPodCovered / trials).toBeGreaterThan(0.92);
    expect(perPodCovered / trials).toBeLessThan(0.98);
    expect(perNodeCovered / trials).toBeGreaterThan(0.92);
    expect(perNodeCovered / trials).toBeLessThan(0.98);
  });
});
