import { describe, expect, it } from 'vitest';
import { compareRun, compareSteps } from '../src/analysis/compare.js';
import { comparisonSchema } from '../src/core/result-schema.js';
import {
  makeRepetition,
  makeStep,
  makeSystem,
  repetitionsWithPercentiles,
} from './helpers/repetition-factory.js';

const ids = { seed: 7, referenceId: 'baseline', systemId: 'istio-sidecar' };

// Reference p50s 1000, 1010, 990, 1020, 980 (median 1000); p99 = p50 + 500 (median 1500).
const referenceP50s = [1000, 1010, 990, 1020, 980];
const reference = makeStep('r1000', repetitionsWithPercentiles(referenceP50s));

function compare(system: ReturnType<typeof makeStep>, ref = reference) {
  const c = compareSteps(ref, system, ids);
  return c === null ? null : comparisonSchema.parse(c);
}

describe('step comparison', () => {
  it('finds a clearly slower system: small p-value and an interval excluding 0', () => {
    // System p50s 1300 … 1280, every one above every reference value.
    const system = makeStep('r1000', repetitionsWithPercentiles(referenceP50s.map((p) => p + 300)));
    const c = compare(system)!;
    expect(c).toMatchObject({
      step: 'r1000',
      reference: 'baseline',
      system: 'istio-sidecar',
      latencyBasis: 'intended',
    });
    expect(c.repetitions).toEqual({ reference: 5, system: 5 });
    // Medians 1300 − 1000 = 300; resampled differences lie within [1280 − 1020, 1320 − 980] = [260, 340].
    expect(c.deltaP50Us.value).toBe(300);
    expect(c.deltaP50Us.ci95[0]).toBeGreaterThanOrEqual(260);
    expect(c.deltaP50Us.ci95[1]).toBeLessThanOrEqual(340);
    expect(c.deltaP99Us.value).toBe(300);
    expect(c.deltaP99Us.ci95[0]).toBeGreaterThan(0);
    // Separated groups of 5: only the observed split and its mirror are as extreme, p = 2/C(10,5) = 2/252.
    expect(c.pValueP50).toBeCloseTo(2 / 252, 12);
    expect(c.pValueP99).toBeCloseTo(2 / 252, 12);
  });

  it('finds nothing between identical systems: p = 1 and an interval containing 0', () => {
    const system = makeStep('r1000', repetitionsWithPercentiles([...referenceP50s].reverse()));
    const c = compare(system)!;
    expect(c.pValueP50).toBe(1);
    expect(c.pValueP99).toBe(1);
    expect(c.deltaP50Us.value).toBe(0);
    expect(c.deltaP50Us.ci95[0]).toBeLessThanOrEqual(0);
    expect(c.deltaP50Us.ci95[1]).toBeGreaterThanOrEqual(0);
  });

  it('compares p99 separately from p50', () => {
    // Same p50s; system p99s are p50 + 900 instead of + 500: medians 1900 − 1500 = 400.
    const system = makeStep('r1000', repetitionsWithPercentiles(referenceP50s, referenceP50s.map((p) => p + 900)));
    const c = compare(system)!;
    expect(c.pValueP50).toBe(1);
    expect(c.deltaP99Us.value).toBe(400);
    expect(c.pValueP99).toBeCloseTo(2 / 252, 12);
  });

  it('leaves invalid repetitions out', () => {
    const valid = repetitionsWithPercentiles(referenceP50s.map((p) => p + 300));
    const invalid = makeRepetition({ repetition: 6, status: 'invalid', sentUs: [1, 1, 1] });
    const withInvalid = compare(makeStep('r1000', [...valid, invalid]))!;
    expect(withInvalid.repetitions).toEqual({ reference: 5, system: 5 });
    expect(withInvalid).toEqual(compare(makeStep('r1000', valid)));
  });

  it('is null when a side has no valid repetition', () => {
    const allInvalid = makeStep('r1000', [
      makeRepetition({ status: 'invalid' }),
      makeRepetition({ status: 'invalid', repetition: 2 }),
    ]);
    expect(compare(allInvalid)).toBeNull();
    expect(compare(reference, allInvalid)).toBeNull();
  });

  it('is null when the latency bases differ', () => {
    const closedLoop = makeStep('r1000', repetitionsWithPercentiles(referenceP50s, undefined, 'connections'));
    expect(closedLoop.aggregate.latencyBasis).toBe('sent');
    expect(compare(closedLoop)).toBeNull();
  });

  it('refuses steps of different names', () => {
    expect(() => compareSteps(reference, makeStep('r2000', repetitionsWithPercentiles(referenceP50s)), ids)).toThrow(
      /names differ/,
    );
  });

  it('is identical for the same seed and differs for another seed', () => {
    // 30 repetitions per side, 1 000 resamples: enough spread for the seed to show in the interval.
    const ref = makeStep('r1000', repetitionsWithPercentiles(Array.from({ length: 30 }, (_, i) => 1000 + i * i)));
    const sys = makeStep('r1000', repetitionsWithPercentiles(Array.from({ length: 30 }, (_, i) => 1040 + i * i)));
    const a = compareSteps(ref, sys, { ...ids, resamples: 1000 });
    expect(compareSteps(ref, sys, { ...ids, resamples: 1000 })).toEqual(a);
    const b = compareSteps(ref, sys, { ...ids, seed: 8, resamples: 1000 });
    expect(b?.deltaP50Us.value).toBe(a?.deltaP50Us.value);
    expect(b?.deltaP50Us.ci95).not.toEqual(a?.deltaP50Us.ci95);
  });
});

describe('run comparison', () => {
  const step = (name: string, shift: number) =>
    makeStep(name, repetitionsWithPercentiles(referenceP50s.map((p) => p + shift)));
  const baseline = makeSystem('baseline', [step('r1000', 0), step('r2000', 100)]);
  const istio = makeSystem('istio-sidecar', [step('r1000', 300), step('r2000', 500), step('r3000', 700)]);
  const linkerd = makeSystem('linkerd', [step('r1000', 150)]);
  const failed = { ...makeSystem('cilium', []), status: 'failed' as const };

  it('compares every other system’s steps with the reference step of the same name', () => {
    const comparisons = compareRun([istio, baseline, linkerd, failed], 'baseline', 7);
    for (const c of comparisons) comparisonSchema.parse(c);
    // r3000 has no reference step; the reference is not compared with itself; the failed system has no steps.
    expect(comparisons.map((c) => [c.system, c.step, c.deltaP50Us.value])).toEqual([
      ['istio-sidecar', 'r1000', 300],
      ['istio-sidecar', 'r2000', 400],
      ['linkerd', 'r1000', 150],
    ]);
    expect(comparisons.every((c) => c.reference === 'baseline')).toBe(true);
  });

  it('gives a system the same comparison whoever else is in the run', () => {
    // 30 repetitions and 1 000 resamples, so the intervals depend on the random stream (with 5 they are the range).
    const wide = (id: string, shift: number) => {
      const p50s = Array.from({ length: 30 }, (_, i) => 1000 + shift + i * i);
      return makeSystem(id, [makeStep('r1000', repetitionsWithPercentiles(p50s))]);
    };
    const [ref, a, b] = [wide('baseline', 0), wide('istio-sidecar', 300), wide('linkerd', 150)];
    const all = compareRun([ref, a, b], 'baseline', 7, { resamples: 1000 });
    const alone = compareRun([ref, b], 'baseline', 7, { resamples: 1000 });
    expect(all.filter((c) => c.system === 'linkerd')).toEqual(alone);
    // The same data under another system id gets its own stream: proof the intervals are stream-dependent here.
    const renamed = compareRun([ref, { ...b, id: 'linkerd-2' }], 'baseline', 7, { resamples: 1000 });
    expect(renamed[0]?.deltaP50Us.ci95).not.toEqual(alone[0]?.deltaP50Us.ci95);
  });

  it('throws when the reference system is missing', () => {
    expect(() => compareRun([istio, linkerd], 'baseline', 7)).toThrow(/baseline/);
  });
});
