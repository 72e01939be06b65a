import { describe, expect, it } from 'vitest';
import { fitMemory } from '../src/scale/fit-memory.js';
import { DEFAULT_PROJECTION, projectMemory, sumProjections } from '../src/scale/project-memory.js';

const MB = 1e6;
// 2 nodes × pod counts 1, 4, 8, 16: 40 MB per node + 60 MB per pod, with a fixed ±1.5 MB wobble (known residuals).
const wobble = [1.5, -1.5, -1.5, 1.5, -1.5, 1.5, 1.5, -1.5];
const points = [1, 4, 8, 16, 1, 4, 8, 16].map((pods, i) => ({ pods, bytes: 40 * MB + 60 * MB * pods + (wobble[i] ?? 0) * MB }));
const fit = fitMemory(points, 'synthetic');

const width = (p: { low: number; high: number }) => p.high - p.low;

describe('a projection', () => {
  it('is nodes × perNode + pods × perPod for a node-scoped role (100 nodes × 1000 pods ≈ 4 GB + 60 GB)', () => {
    const p = projectMemory(fit, 'node', DEFAULT_PROJECTION.nodes, DEFAULT_PROJECTION.pods);
    expect(p.estimate).toBeCloseTo(100 * fit.fixed.estimate + 1000 * fit.perPod.estimate, -3);
    expect(p.estimate / 1e9).toBeCloseTo(64, 0);
    expect(p.low).toBeLessThan(p.estimate);
    expect(p.high).toBeGreaterThan(p.estimate);
  });

  it('counts a cluster-scoped role’s fixed term once, not per node', () => {
    const p = projectMemory(fit, 'cluster', 100, 1000);
    expect(p.estimate).toBeCloseTo(fit.fixed.estimate + 1000 * fit.perPod.estimate, -3);
  });

  it('widens per node the further the pods per node lie from the measured ones', () => {
    // Same 10 nodes; 8 pods per node is next to the measured mean (x̄ = 7.25), then 50, 100, 200 per node.
    const perNodeWidth = (podsPerNode: number) => width(projectMemory(fit, 'node', 10, 10 * podsPerNode)) / 10;
    const widths = [8, 50, 100, 200].map(perNodeWidth);
    for (let i = 1; i < widths.length; i++) expect(widths[i]).toBeGreaterThan(widths[i - 1] ?? Infinity);
    // Far outside, the line's own uncertainty dominates and the width grows about linearly with the distance.
    expect((widths[3] ?? 0) / (widths[2] ?? 1)).toBeGreaterThan(1.8);
  });

  it('is narrowest at the measured mean pod count', () => {
    const at = (x: number) => width(projectMemory(fit, 'cluster', 1, x));
    expect(at(Math.round(fit.meanPods))).toBeLessThan(at(1));
    expect(at(Math.round(fit.meanPods))).toBeLessThan(at(16));
  });

  it('sums roles with their half-widths in quadrature', () => {
    const a = projectMemory(fit, 'node', 100, 1000);
    const b = projectMemory(fit, 'cluster', 100, 1000);
    const sum = sumProjections([a, b]);
    expect(sum?.estimate).toBeCloseTo(a.estimate + b.estimate, -3);
    expect(sum?.halfWidth).toBeCloseTo(Math.hypot(a.halfWidth, b.halfWidth), -3);
    expect(sumProjections([])).toBeNull();
  });
});
