import { describe, expect, it } from 'vitest';
import { renderMarkdown, smallestPValue } from '../src/report/render-markdown.js';
import type { Comparison, Estimate } from '../src/core/result-schema.js';
import { section } from './helpers/markdown-sections.js';
import { legacyComparison as comparison } from './helpers/report-comparisons.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';

const est = (value: number, low = value, high = value): Estimate => ({ value, ci95: [low, high] });
function addedLatency(comparisons: Comparison[]): string[] {
  const r = loadTwoSystemFixture();
  r.comparisons = comparisons;
  return section(renderMarkdown(r), '## Added latency').split('\n');
}
const INTRO =
  "Each system minus what it is compared with (the reference, a mesh's own unmeshed namespace, or without a reference another mesh), per step: the difference " +
  'of the per-repetition medians with a 95% bootstrap interval, and a two-sided permutation test (p). A difference counts as significant when its interval excludes 0 and p < 0.05.';

describe('report: added latency of results written before the robust test', () => {
  it('says per percentile what is significant, adds or saves, and at how many repetitions nothing was found', () => {
    expect(
      addedLatency([
        comparison(),
        comparison({ system: 'a', pValueP99: 0.2 }),
        comparison({ system: 'b', deltaP50Us: est(0, -10, 10), repetitions: { reference: 5, system: 4 } }),
        comparison({ system: 'c', deltaP50Us: est(0, 0, 10) }),
        comparison({ system: 'd', pValueP50: 0.05, pValueP99: 0.3 }),
      ]),
    ).toEqual([
      '',
      INTRO,
      '',
      '| step | system − reference | Δp50 | p (p50) | Δp99 | p (p99) | verdict |',
      '|---|---|---:|---:|---:|---:|---|',
      '| rate-1k | istio − baseline | +100 µs [+50, +150] | 0.010 | -300 µs [-400, -200] | 0.010 | adds 100 µs at p50 (significant); saves 300 µs at p99 (significant) |',
      '| rate-1k | a − baseline | +100 µs [+50, +150] | 0.010 | -300 µs [-400, -200] | 0.200 | adds 100 µs at p50 (significant); p99: no significant difference at n=5 |',
      '| rate-1k | b − baseline | 0 µs [-10, +10] | 0.010 | -300 µs [-400, -200] | 0.010 | p50: no significant difference at n=5 vs 4; saves 300 µs at p99 (significant) |',
      // An interval touching 0 does not exclude it.
      '| rate-1k | c − baseline | 0 µs [0, +10] | 0.010 | -300 µs [-400, -200] | 0.010 | p50: no significant difference at n=5; saves 300 µs at p99 (significant) |',
      '| rate-1k | d − baseline | +100 µs [+50, +150] | 0.050 | -300 µs [-400, -200] | 0.300 | no significant difference at n=5 |',
      '',
    ]);
  });

  it('names the pairs whose repetitions cannot reach p < 0.05 whatever the data, once each', () => {
    const lines = addedLatency([
      comparison({ repetitions: { reference: 1, system: 19 } }),
      comparison({ step: 'conn-4', repetitions: { reference: 1, system: 19 } }),
      comparison({ system: 'a', repetitions: { reference: 3, system: 3 } }),
      comparison({ system: 'b', repetitions: { reference: 4, system: 4 } }),
    ]);
    expect(lines.slice(-3)).toEqual([
      '',
      // 1 vs 19: the smallest p is 1/20, exactly 0.05, which is not below it.
      'With this few valid repetitions (1 vs 19, 3 vs 3) a permutation test cannot reach p < 0.05 whatever the data, so no difference here can be called significant: run 5 or more repetitions per system.',
      '',
    ]);
  });
});

describe('the smallest p an exact permutation test can give', () => {
  it('is one over the number of splits, twice that for equal groups, and 1 for an empty group', () => {
    expect(smallestPValue(0, 5)).toBe(1);
    expect(smallestPValue(5, 0)).toBe(1);
    expect(smallestPValue(1, 1)).toBe(1);
    expect(smallestPValue(3, 3)).toBeCloseTo(2 / 20, 12);
    expect(smallestPValue(4, 4)).toBeCloseTo(2 / 70, 12);
    expect(smallestPValue(5, 5)).toBeCloseTo(2 / 252, 12);
    expect(smallestPValue(3, 4)).toBeCloseTo(1 / 35, 12);
    expect(smallestPValue(4, 3)).toBeCloseTo(1 / 35, 12);
    expect(smallestPValue(2, 7)).toBeCloseTo(1 / 36, 12);
    expect(smallestPValue(1, 19)).toBe(1 / 20);
  });
});
