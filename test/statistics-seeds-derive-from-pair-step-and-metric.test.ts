import { describe, expect, it } from 'vitest';
import { bootstrapDeltaInterval } from '../src/analysis/bootstrap.js';
import { compareSteps } from '../src/analysis/compare.js';
import { permutationPValue } from '../src/analysis/permutation.js';
import { deriveSeed } from '../src/analysis/random.js';
import { makeStep, repetitionsWithPercentiles } from './helpers/repetition-factory.js';

const refP50 = [1000, 1010, 990, 1020, 980];
const sysP50 = [1100, 1130, 1090, 1150, 1060];
const reference = makeStep('r1000', repetitionsWithPercentiles(refP50));
const system = makeStep('r1000', repetitionsWithPercentiles(sysP50));

describe('seeds derived from the pair, the step and the metric', () => {
  it('seeds each comparison interval and Monte Carlo test from compare:<reference>:<system>:<step>:<metric>', () => {
    // maxPermutations 50 < C(10, 5) = 252 forces the seeded Monte Carlo test, so the p-values depend on their seeds.
    const options = { seed: 7, referenceId: 'baseline', systemId: 'linkerd', resamples: 300, maxPermutations: 50 };
    const c = compareSteps(reference, system, options);
    const seed = (label: string) => deriveSeed(7, `compare:baseline:linkerd:r1000:${label}`);
    const refP99 = refP50.map((p) => p + 500);
    const sysP99 = sysP50.map((p) => p + 500);
    expect(c?.deltaP50Us).toEqual(bootstrapDeltaInterval(refP50, sysP50, { seed: seed('delta:p50'), resamples: 300 }));
    expect(c?.deltaP99Us).toEqual(bootstrapDeltaInterval(refP99, sysP99, { seed: seed('delta:p99'), resamples: 300 }));
    expect(c?.pValueP50).toBe(permutationPValue(refP50, sysP50, { seed: seed('permutation:p50'), maxPermutations: 50 }));
    expect(c?.pValueP99).toBe(permutationPValue(refP99, sysP99, { seed: seed('permutation:p99'), maxPermutations: 50 }));
  });

  it('keeps the derived seeds of saved results (FNV-1a over the label, mixed with the seed by splitmix32)', () => {
    // Pinned from the implementation: a change here changes every interval saved in a result file.
    expect(deriveSeed(42, 'median:p50Us')).toBe(4274769813);
    expect(deriveSeed(0, '')).toBe(2594761667);
  });

  it('uses the seed’s high word, so seeds 2^32 apart derive different seeds', () => {
    expect(deriveSeed(2 ** 32 + 5, 'x')).not.toBe(deriveSeed(5, 'x'));
  });
});

describe('comparisons across latency bases', () => {
  it('is null when the aggregates were judged on different bases, even if the repetitions carry both records', () => {
    // Rate-mode repetitions carry intended- and sent-time latency; only the aggregate says which one the step uses.
    const sentBased = { ...system, aggregate: { ...system.aggregate, latencyBasis: 'sent' as const } };
    expect(compareSteps(reference, sentBased, { seed: 7, referenceId: 'baseline', systemId: 'linkerd' })).toBeNull();
  });
});
