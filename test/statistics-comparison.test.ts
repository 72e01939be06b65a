import { describe, expect, it } from 'vitest';
import { compareRun, compareSteps } from '../src/analysis/compare.js';
import { comparisonSchema } from '../src/core/result-schema.js';
import {
  makeRepetition,
  makeStep,
  makeSystem,
  repetitionsWithPercentiles,
} from './helpers/repetition-factory.js';
import type { RepetitionResult } from '../src/core/result-schema.js';

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
    // The 25 differences are 300 + (a − b), a, b ∈ {−20, −10, 0, 10, 20}: median 300. At 5 v 5 the Moses interval
    // takes the 3rd smallest and 3rd largest (P(U ≤ 2) = 4/252 ≤ 0.025 < P(U ≤ 3) = 7/252): −40 once, −30 twice,
    // so 300 − 30 and 300 + 30, with confidence 1 − 8/252.
    expect(c.deltaP50Us).toEqual({ value: 300, ci95: [270, 330] });
    expect(c.deltaP99Us).toEqual({ value: 300, ci95: [270, 330] });
    expect(c.p50?.shift).toEqual(c.deltaP50Us);
    expect(c.p50?.achievedConfidence).toBeCloseTo(1 - 8 / 252, 12);
    // Separated groups of 5: only the observed split and its mirror are as extreme, p = 2/C(10,5) = 2/252.
    expect(c.pValueP50).toBeCloseTo(2 / 252, 12);
    expect(c.pValueP99).toBeCloseTo(2 / 252, 12);
    expect(c.p50?.pValue).toBe(c.pValueP50);
    expect(c.p50?.outcome).toBe('significant');
    expect(c.statistic).toBe('hodges-lehmann-mann-whitney');
  });

  it('says a single-install comparison is cross-cluster and does not cover install-to-install variation', () => {
    const c = compare(makeStep('r1000', repetitionsWithPercentiles(referenceP50s.map((p) => p + 300))))!;
    expect(c.scope).toBe('cross-cluster');
    expect(c.installs).toEqual({ reference: 1, system: 1 });
    expect(c.covers).toBe('repetition-to-repetition variation only: one install each, so not install-to-install variation');
    expect(c.p50?.installSpread).toBeNull();
    // 5 v 5: no coverage warning, and a minimum detectable difference from the spread (σ ≈ 1.048 × 10 µs).
    expect(c.p50?.coverageWarning).toBeNull();
    expect(c.p50?.minimumDetectableUs).toBeGreaterThan(10);
    expect(c.p50?.minimumDetectableUs).toBeLessThan(60);
  });

  it('finds nothing between identical systems: p = 1 and an interval containing 0', () => {
    const system = makeStep('r1000', repetitionsWithPercentiles([...referenceP50s].reverse()));
    const c = compare(system)!;
    expect(c.pValueP50).toBe(1);
    expect(c.pValueP99).toBe(1);
    expect(c.p50?.outcome).toBe('not-significant');
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

  it('is identical for the same seed; only a sampled p-value (above the exact cap) depends on it', () => {
    const ref = makeStep('r1000', repetitionsWithPercentiles([1000, 1010, 990, 1020, 980, 1005]));
    const sys = makeStep('r1000', repetitionsWithPercentiles([1004, 1016, 985, 1030, 995, 1011]));
    const exact = compareSteps(ref, sys, ids);
    expect(compareSteps(ref, sys, { ...ids, seed: 8 })).toEqual(exact);
    expect(exact?.p50?.pValueMethod).toBe('exact');
    const sampled = { ...ids, maxExactSteps: 1, sampledSplits: 1000 };
    const a = compareSteps(ref, sys, sampled);
    expect(compareSteps(ref, sys, sampled)).toEqual(a);
    expect(a?.p50?.pValueMethod).toBe('sampled');
    const b = compareSteps(ref, sys, { ...sampled, seed: 8 });
    expect(b?.deltaP50Us).toEqual(a?.deltaP50Us);
    expect(b?.pValueP50).not.toBe(a?.pValueP50);
  });
});

/** Repetitions of one install: p50s as given, each marked with the install number. */
function onInstall(install: number, p50s: readonly number[], first: number): RepetitionResult[] {
  return repetitionsWithPercentiles(p50s).map((r, i) => ({ ...r, install, repetition: first + i }));
}

describe('installs', () => {
  // Every system repetition is above every reference one (p = 2/C(16, 8)), but the installs of each side sit 40 µs
  // apart. Install medians: reference 1001 and 1041, system 1061 and 1101: install-level shift 60 µs;
  // s² = (4 × 20²) / 2 = 800, spread = t(0.975, 2) · √800 · √(1/2 + 1/2) = 4.3027 × 28.28 = 121.7 µs > 60
  // (t on 2 df in closed form: (2p − 1)·√(2 / (4p(1 − p)))).
  const ref = makeStep('r1000', [...onInstall(1, [1000, 1002, 998, 1004], 1), ...onInstall(2, [1040, 1042, 1038, 1044], 5)]);
  const sys = makeStep('r1000', [...onInstall(1, [1060, 1062, 1058, 1064], 1), ...onInstall(2, [1100, 1102, 1098, 1104], 5)]);

  it('calls a shift within the install-to-install spread of the run "within install-to-install variation"', () => {
    const c = comparisonSchema.parse(compareSteps(ref, sys, ids));
    expect(c.pValueP50).toBeCloseTo(2 / 12870, 12);
    expect(c.installs).toEqual({ reference: 2, system: 2 });
    expect(c.p50?.installSpread?.spreadUs).toBeCloseTo(0.95 * Math.sqrt(2 / (4 * 0.975 * 0.025)) * Math.sqrt(800), 6);
    expect(c.p50?.installSpread?.installShiftUs).toBe(60);
    expect(c.p50?.outcome).toBe('within-install-variation');
    expect(c.covers).toBe('repetition and install-to-install variation (2 + 2 installs in this run)');
  });

  it('calls a shift beyond that spread significant', () => {
    const far = makeStep('r1000', sys.repetitions.map((r) => shiftP50(r, 200)));
    expect(compareSteps(ref, far, ids)?.p50?.outcome).toBe('significant');
  });

  it('ignores installs within a cluster: meshed and unmeshed share each install', () => {
    const c = compareSteps(ref, sys, { ...ids, scope: 'within-cluster' })!;
    expect(c.scope).toBe('within-cluster');
    expect(c.p50?.installSpread).toBeNull();
    expect(c.p50?.outcome).toBe('significant');
    expect(c.covers).toMatch(/^repetition-to-repetition variation; no install effect/);
  });

  it('uses a spread from outside the run (history) when the run has one install per side', () => {
    const single = makeStep('r1000', repetitionsWithPercentiles(referenceP50s.map((p) => p + 300)));
    const history = { spreadUs: 350, source: '14 nights of history' };
    const c = compareSteps(reference, single, { ...ids, externalSpread: { p50: history } })!;
    expect(c.p50?.installSpread).toEqual(history);
    expect(c.p50?.outcome).toBe('within-install-variation');
    expect(c.p99?.installSpread).toBeNull();
    expect(c.p99?.outcome).toBe('significant');
    expect(c.covers).toBe('repetition and install-to-install variation (14 nights of history)');
  });
});

function shiftP50(r: RepetitionResult, byUs: number): RepetitionResult {
  const p50Us = (r.latency.sent.summary.p50Us) + byUs;
  const [shifted] = repetitionsWithPercentiles([p50Us]);
  return { ...(shifted as RepetitionResult), install: r.install, repetition: r.repetition };
}

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
    // Sampled p-values (exact cap 1), so the comparison depends on its random stream.
    const wide = (id: string, shift: number) => {
      const p50s = Array.from({ length: 6 }, (_, i) => 1000 + shift + i * i);
      return makeSystem(id, [makeStep('r1000', repetitionsWithPercentiles(p50s))]);
    };
    const [ref, a, b] = [wide('baseline', 0), wide('istio-sidecar', 30), wide('linkerd', 5)];
    const options = { maxExactSteps: 1, sampledSplits: 400 };
    const all = compareRun([ref, a, b], 'baseline', 7, options);
    const alone = compareRun([ref, b], 'baseline', 7, options);
    expect(all.filter((c) => c.system === 'linkerd')).toEqual(alone);
    // The same data under another system id gets its own stream: proof the p-values are stream-dependent here.
    const renamed = compareRun([ref, { ...b, id: 'linkerd-2' }], 'baseline', 7, options);
    expect(renamed[0]?.pValueP50).not.toEqual(alone[0]?.pValueP50);
  });

  it('throws when the reference system is missing', () => {
    expect(() => compareRun([istio, linkerd], 'baseline', 7)).toThrow(/baseline/);
  });
});
