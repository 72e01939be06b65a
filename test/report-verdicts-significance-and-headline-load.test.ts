import { describe, expect, it } from 'vitest';
import type { Comparison } from '../src/core/result-schema.js';
import { MAX_CHART_SERIES } from '../src/report/charts/chart-systems.js';
import { isCrowded } from '../src/report/crowded-run.js';
import { headlineLoadStep } from '../src/report/headline-step.js';
import { isSignificant, outcomeOf, SIGNIFICANCE } from '../src/report/significance.js';
import { legacyComparison } from './helpers/report-comparisons.js';
import { est } from './helpers/report-resources-run.js';

describe('a difference is significant when its interval excludes 0 and p is below 0.05', () => {
  it('counts an interval wholly above or wholly below 0', () => {
    expect(isSignificant({ value: 3, ci95: [0.1, 5] }, 0.01)).toBe(true);
    expect(isSignificant({ value: -3, ci95: [-5, -0.1] }, 0.01)).toBe(true);
  });

  it('does not count an interval that reaches or spans 0', () => {
    expect(isSignificant({ value: 3, ci95: [0, 5] }, 0.01)).toBe(false);
    expect(isSignificant({ value: -3, ci95: [-5, 0] }, 0.01)).toBe(false);
    expect(isSignificant({ value: 0, ci95: [-5, 5] }, 0.01)).toBe(false);
  });

  it('does not count p of exactly 0.05, and counts anything below it', () => {
    expect(SIGNIFICANCE).toBe(0.05);
    expect(isSignificant({ value: 3, ci95: [1, 5] }, 0.05)).toBe(false);
    expect(isSignificant({ value: 3, ci95: [1, 5] }, 0.0499)).toBe(true);
  });
});

describe('the outcome of a comparison on one percentile', () => {
  const old = legacyComparison({ deltaP50Us: est(40, 30, 50), deltaP99Us: est(40, -10, 90), pValueP50: 0.008, pValueP99: 0.3 });

  it('follows the rule on that percentile\'s own interval and p in results written before outcomes were recorded', () => {
    expect(outcomeOf(old, 'p50')).toBe('significant');
    expect(outcomeOf(old, 'p99')).toBe('not-significant');
  });

  it('is the one the statistics recorded when there is one, whatever the rule would say', () => {
    const recorded = { outcome: 'within-install-variation' } as NonNullable<Comparison['p50']>;
    expect(outcomeOf({ ...old, p50: recorded }, 'p50')).toBe('within-install-variation');
    expect(outcomeOf({ ...old, p99: { ...recorded, outcome: 'significant' } }, 'p99')).toBe('significant');
  });
});

describe('the headline load step of a scenario', () => {
  const rate = (r: number | null) => ({ mode: 'rate' as const, rate: r });

  it('is the rate step nearest 1000 req/s, wherever it is in the list', () => {
    expect(headlineLoadStep([rate(100), rate(900), rate(5000)])).toEqual(rate(900));
    expect(headlineLoadStep([rate(5000), rate(1200), rate(100)])).toEqual(rate(1200));
    expect(headlineLoadStep([rate(300), rate(2000), rate(1600)])).toEqual(rate(1600));
  });

  it('is the lower of two rates equally near 1000 req/s', () => {
    expect(headlineLoadStep([rate(1500), rate(500)])).toEqual(rate(500));
    expect(headlineLoadStep([rate(500), rate(1500)])).toEqual(rate(500));
  });

  it('ignores steps that are not rate steps, and rate steps without a rate', () => {
    const closed = { mode: 'connections' as const, rate: 1000 };
    expect(headlineLoadStep([rate(5000), closed])).toEqual(rate(5000));
    const noRate = rate(null);
    const first = { mode: 'connections' as const, rate: null };
    expect(headlineLoadStep([first, noRate])).toBe(first);
  });

  it('is the first step when there is no rate step, and none without steps', () => {
    const a = { mode: 'max' as const, rate: null };
    const b = { mode: 'connections' as const, rate: null };
    expect(headlineLoadStep([a, b])).toBe(a);
    expect(headlineLoadStep([])).toBeUndefined();
  });
});

describe('a crowded run', () => {
  it('is one with more systems than the charts have colours', () => {
    expect(isCrowded({ systems: Array.from({ length: MAX_CHART_SERIES }) })).toBe(false);
    expect(isCrowded({ systems: Array.from({ length: MAX_CHART_SERIES + 1 }) })).toBe(true);
  });
});
