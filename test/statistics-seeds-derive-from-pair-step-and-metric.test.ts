import { describe, expect, it } from 'vitest';
import { compareSteps } from '../src/analysis/compare.js';
import { rankSumTest } from '../src/analysis/rank-sum.js';
import { compareTwoSamples } from '../src/analysis/two-sample.js';
import { deriveSeed } from '../src/analysis/random.js';
import { makeStep, repetitionsWithPercentiles } from './helpers/repetition-factory.js';

const refP50 = [1000, 1010, 990, 1020, 980];
const sysP50 = [1100, 1130, 1090, 1150, 1060];
const reference = makeStep('r1000', repetitionsWithPercentiles(refP50));
const system = makeStep('r1000', repetitionsWithPercentiles(sysP50));

describe('seeds derived from the pair, the step and the metric', () => {
  it('seeds each sampled rank-sum test from compare:<reference>:<system>:<step>:rank-sum:<metric>', () => {
    // maxExactSteps 1 forces the seeded sampled test, so the p-values depend on their seeds.
    const options = { seed: 7, referenceId: 'baseline', systemId: 'linkerd', maxExactSteps: 1, sampledSplits: 50 };
    const c = compareSteps(reference, system, options);
    const seed = (label: string) => deriveSeed(7, `compare:baseline:linkerd:r1000:${label}`);
    const refP99 = refP50.map((p) => p + 500);
    const sysP99 = sysP50.map((p) => p + 500);
    const sampled = { maxExactSteps: 1, sampledSplits: 50 };
    expect(c?.pValueP50).toBe(rankSumTest(refP50, sysP50, { seed: seed('rank-sum:p50'), ...sampled }).pValue);
    expect(c?.pValueP99).toBe(rankSumTest(refP99, sysP99, { seed: seed('rank-sum:p99'), ...sampled }).pValue);
    expect(c?.p50).toMatchObject({ pValueMethod: 'sampled' });
    // The two metrics' streams differ: with the same data shifted by 500 µs, only the seed tells p50 from p99 apart.
    expect(rankSumTest(refP50, sysP50, { seed: seed('rank-sum:p99'), ...sampled }).pValue).toBe(c?.pValueP99);
    expect(c?.deltaP50Us).toEqual(compareTwoSamples(refP50, sysP50, { seed: 0 }).shift);
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
