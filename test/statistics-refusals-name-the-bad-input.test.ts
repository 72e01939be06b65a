import { describe, expect, it } from 'vitest';
import { aggregateStep } from '../src/analysis/aggregate-step.js';
import { bootstrapDeltaInterval, bootstrapMedianInterval } from '../src/analysis/bootstrap.js';
import { compareRun } from '../src/analysis/compare.js';
import { permutationPValue } from '../src/analysis/permutation.js';
import { createRandom, deriveSeed } from '../src/analysis/random.js';
import { coefficientOfVariation } from '../src/analysis/variation.js';
import { makeRepetition, makeStep, makeSystem, repetitionsWithPercentiles } from './helpers/repetition-factory.js';

// A statistic that refuses its input must say which input and why: these messages end up on a user's terminal when a
// result file is re-rendered from hand-edited data.
describe('statistics refusals name the bad input', () => {
  it('aggregateStep refuses a maxCv of 0 or below, naming the value', () => {
    const reps = repetitionsWithPercentiles([1000, 1010, 990]);
    expect(() => aggregateStep(reps, { seed: 1, maxCv: 0 })).toThrow('maxCv must be positive, got 0');
    expect(() => aggregateStep(reps, { seed: 1, maxCv: -0.05 })).toThrow('maxCv must be positive, got -0.05');
    expect(() => aggregateStep(reps, { seed: 1, maxCv: Number.NaN })).toThrow('maxCv must be positive, got NaN');
  });

  it('aggregateStep names both modes when a step mixes them', () => {
    const mixed = [makeRepetition({ mode: 'rate' }), makeRepetition({ mode: 'max', repetition: 2 })];
    expect(() => aggregateStep(mixed, { seed: 1, maxCv: 0.05 })).toThrow(
      'repetitions of one step have different modes: rate, max',
    );
  });

  it('bootstrap intervals name the empty or non-finite group and the bad option', () => {
    expect(() => bootstrapMedianInterval([], { seed: 1 })).toThrow('values: cannot bootstrap an empty sample');
    expect(() => bootstrapMedianInterval([1, Number.POSITIVE_INFINITY], { seed: 1 })).toThrow(
      'values: values must be finite numbers',
    );
    expect(() => bootstrapDeltaInterval([], [1], { seed: 1 })).toThrow('reference: cannot bootstrap an empty sample');
    expect(() => bootstrapDeltaInterval([1], [], { seed: 1 })).toThrow('system: cannot bootstrap an empty sample');
    expect(() => bootstrapMedianInterval([1, 2], { seed: 1, resamples: 0 })).toThrow(
      'resamples must be a positive integer, got 0',
    );
    expect(() => bootstrapMedianInterval([1, 2], { seed: 1, confidence: 0 })).toThrow(
      'confidence must be in (0, 1), got 0',
    );
    expect(() => bootstrapMedianInterval([1, 2], { seed: 1, confidence: 1 })).toThrow(
      'confidence must be in (0, 1), got 1',
    );
  });

  it('bootstrap intervals accept the smallest valid option values', () => {
    expect(bootstrapMedianInterval([1, 2], { seed: 1, resamples: 1 }).value).toBe(1.5);
    expect(bootstrapMedianInterval([1, 2], { seed: 1, confidence: 0.01 }).value).toBe(1.5);
  });

  it('the permutation test names what is wrong and accepts maxPermutations = 1', () => {
    expect(() => permutationPValue([1], [2], { seed: 1, maxPermutations: 0 })).toThrow(
      'maxPermutations must be a positive integer, got 0',
    );
    expect(() => permutationPValue([], [2], { seed: 1 })).toThrow(
      'permutation test needs at least one value in each sample',
    );
    expect(() => permutationPValue([1, Number.NaN], [2], { seed: 1 })).toThrow(
      'permutation test values must be finite numbers',
    );
    // C(2, 1) = 2 > 1: one Monte Carlo draw, so p is (count + 1) / 2, i.e. 1/2 or 1.
    expect([0.5, 1]).toContain(permutationPValue([1], [2], { seed: 1, maxPermutations: 1 }));
  });

  it('the coefficient of variation says its values must be finite', () => {
    expect(() => coefficientOfVariation([1, Number.NaN])).toThrow(
      'coefficient of variation: values must be finite numbers',
    );
  });

  it('seeded randomness names a seed that is not a safe integer, for streams and derived seeds alike', () => {
    expect(() => createRandom(1.5)).toThrow('seed must be a safe integer, got 1.5');
    expect(() => deriveSeed(1.5, 'p50Us')).toThrow('seed must be a safe integer, got 1.5');
    expect(() => deriveSeed(2 ** 53, 'p50Us')).toThrow(RangeError);
  });

  it('compareRun lists the systems it has when the reference is missing', () => {
    const step = makeStep('r1000', repetitionsWithPercentiles([1000, 1010, 990]));
    const systems = [makeSystem('cilium', [step]), makeSystem('linkerd', [step])];
    expect(() => compareRun(systems, 'baseline', 1)).toThrow(
      'compareRun: reference system baseline is not among the systems (cilium, linkerd)',
    );
  });
});
