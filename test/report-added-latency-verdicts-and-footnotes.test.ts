import { describe, expect, it } from 'vitest';
import { renderAddedLatency } from '../src/report/render-added-latency.js';
import type { Comparison, Estimate, ShiftTest } from '../src/core/result-schema.js';
import type { ReportRun } from '../src/report/report-input.js';
import { legacyComparison } from './helpers/report-comparisons.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';

const est = (value: number, low = value, high = value): Estimate => ({ value, ci95: [low, high] });
/** A robust test's outcome for one percentile: by default a significant +120 µs shift, detectable above 40 µs. */
const shift = (o: Partial<ShiftTest> = {}): ShiftTest => ({
  shift: est(120, 60, 180),
  achievedConfidence: 0.95,
  pValue: 0.01,
  pValueMethod: 'exact',
  outcome: 'significant',
  installSpread: null,
  minimumDetectableUs: 40,
  minimumDetectableNote: null,
  coverageWarning: null,
  ...o,
});
/** istio against the baseline at rate-1k, n=5 each, judged by the robust test: +120 µs at p50 (p 0.01), −2000 µs at p99 (p 0.2). */
const comparison = (o: Partial<Comparison> = {}): Comparison =>
  legacyComparison({
    deltaP50Us: est(120, 60, 180),
    deltaP99Us: est(-2000, -3000, -1000),
    pValueP99: 0.2,
    statistic: 'hodges-lehmann-mann-whitney',
    scope: 'cross-cluster',
    p50: shift(),
    p99: shift(),
    ...o,
  });
/** A run of `systems` systems (more than ten: crowded) with these comparisons. */
function run(systems: number, comparisons: Comparison[]): ReportRun {
  const fixture = loadTwoSystemFixture();
  return { ...fixture, systems: Array.from({ length: systems }, (_, i) => ({ ...fixture.systems[0]!, id: `s${i}` })), comparisons };
}

const INTRO =
  'Each system minus what it is compared with, per step, over per-repetition p50 and p99: the Hodges–Lehmann shift (median of all pairwise differences) ' +
  'with its distribution-free 95% interval, and an exact Wilcoxon–Mann–Whitney test (p). A difference is significant when p < 0.05, its interval excludes 0 ' +
  'and, across clusters, it exceeds the install-to-install spread where one was measured. "No difference larger than X": X is the shift this comparison ' +
  'would have detected 80% of the time, from the spread of its repetitions.';
const SHIFTS = '+120 µs [+60, +180] | 0.010 | -2.00 ms [-3.00, -1.00] | 0.200';
const WITHIN = '- *within cluster*: a mesh against its own unmeshed namespace, measured interleaved on the same install, so what is particular to that install is common to both sides.';
const ONE_INSTALL =
  'anything particular to an install (pod placement, CPU pinning, CNI state) reads as a difference between systems: these verdicts do not cover ' +
  'install-to-install variation (scenario `installs` ≥ 2 does).';
const unmeshed = { isolatesMesh: false, means: 'the node agent serves both namespaces' };

/** Every outcome a verdict can have, across and within clusters. */
const mixed = (): Comparison[] => [
  comparison({ p99: shift({ shift: est(-2000, -3000, -1000) }) }),
  comparison({ system: 'linkerd', p50: shift({ shift: est(0) }), p99: shift({ outcome: 'within-install-variation', installSpread: { spreadUs: 300, source: '2 installs each' } }) }),
  comparison({
    system: 'cilium',
    repetitions: { reference: 5, system: 3 },
    p50: shift({ outcome: 'not-significant', minimumDetectableUs: null, coverageWarning: 'cilium has 3 repetitions' }),
    p99: shift({ outcome: 'within-install-variation' }),
  }),
  comparison({
    system: 'istio/ambient',
    reference: 'istio/ambient-unmeshed',
    scope: 'within-cluster',
    withinCluster: unmeshed,
    p50: shift({ outcome: 'not-significant', minimumDetectableUs: 0 }),
    p99: shift({ outcome: 'not-significant', minimumDetectableUs: 1500, coverageWarning: 'cilium has 3 repetitions' }),
  }),
  comparison({ step: 'conn-4', system: 'istio/ambient', reference: 'istio/ambient-unmeshed', scope: 'within-cluster', withinCluster: unmeshed, p50: undefined }),
  comparison({ system: 'kuma', reference: 'kuma-unmeshed', scope: 'within-cluster', withinCluster: { isolatesMesh: true, means: 'x' }, p99: undefined }),
  comparison({ system: 'plain', reference: 'plain-unmeshed', scope: 'within-cluster' }),
];

describe('report: added latency with the robust test', () => {
  it('says per comparison what is significant, what could have been detected, its scope and what its verdict covers', () => {
    expect(renderAddedLatency(run(3, mixed()))).toEqual([
      INTRO,
      '',
      [
        '| step | system − reference | Δp50 | p (p50) | Δp99 | p (p99) | verdict | scope | covers |',
        '|---|---|---:|---:|---:|---:|---|---|---|',
        `| rate-1k | istio − baseline | ${SHIFTS} | adds 120 µs at p50 (significant); saves 2.00 ms at p99 (significant) | across clusters | repetitions only, not installs |`,
        `| rate-1k | linkerd − baseline | ${SHIFTS} | adds 0 µs at p50 (significant); p99: within install-to-install variation (±300 µs) | across clusters | repetitions + installs (2 installs each) |`,
        `| rate-1k | cilium − baseline | ${SHIFTS} | p50: no significant difference at n=5 vs 3 (cannot reach p < 0.05); p99: within install-to-install variation (±0 µs) | across clusters | repetitions only, not installs |`,
        `| rate-1k | istio/ambient − istio/ambient-unmeshed | ${SHIFTS} | p50: no difference at n=5 (repetitions without spread); p99: no difference larger than 1.50 ms at n=5 | within cluster¹ | repetitions (no install effect) |`,
        `| conn-4 | istio/ambient − istio/ambient-unmeshed | ${SHIFTS} | adds 120 µs at p99 (significant) | within cluster¹ | repetitions (no install effect) |`,
        `| rate-1k | kuma − kuma-unmeshed | ${SHIFTS} | adds 120 µs at p50 (significant) | within cluster | repetitions (no install effect) |`,
        `| rate-1k | plain − plain-unmeshed | ${SHIFTS} | adds 120 µs at p50 (significant); adds 120 µs at p99 (significant) | within cluster | repetitions (no install effect) |`,
      ].join('\n'),
      '',
      WITHIN,
      `- *across clusters*: separate installs; where *covers* says "repetitions only" there is one per side, so ${ONE_INSTALL}`,
      '- ¹ istio/ambient: the node agent serves both namespaces.',
      '- Coverage: cilium has 3 repetitions.',
    ]);
  });

  it('says every cross-cluster verdict includes the install spread when each has one (of p50 or of p99)', () => {
    const lines = renderAddedLatency(
      run(3, [
        comparison({ p50: shift({ installSpread: { spreadUs: 50, source: '3 installs' } }) }),
        comparison({ system: 'linkerd', p99: shift({ installSpread: { spreadUs: 70, source: '2 installs' } }) }),
      ]),
    );
    expect(lines.slice(2)).toEqual([
      [
        '| step | system − reference | Δp50 | p (p50) | Δp99 | p (p99) | verdict | scope | covers |',
        '|---|---|---:|---:|---:|---:|---|---|---|',
        `| rate-1k | istio − baseline | ${SHIFTS} | adds 120 µs at p50 (significant); adds 120 µs at p99 (significant) | across clusters | repetitions + installs (3 installs) |`,
        `| rate-1k | linkerd − baseline | ${SHIFTS} | adds 120 µs at p50 (significant); adds 120 µs at p99 (significant) | across clusters | repetitions + installs (2 installs) |`,
      ].join('\n'),
      '',
      '- *across clusters*: separate installs; each verdict includes the install-to-install spread named in *covers*.',
    ]);
  });

  it('says one install per side when no cross-cluster verdict has an install spread, and nothing of within-cluster without one', () => {
    const lines = renderAddedLatency(run(3, [comparison({ scope: undefined }), comparison({ system: 'linkerd' })]));
    expect(lines.slice(-1)).toEqual([`- *across clusters*: separate installs, one per side in this run, so ${ONE_INSTALL}`]);
    expect(lines[2]).toContain('| rate-1k | istio − baseline | ');
    expect(lines[2]).toContain(' | across clusters | repetitions only, not installs |');
  });

  it('has no footnotes for within-cluster comparisons that isolate the mesh', () => {
    const lines = renderAddedLatency(run(3, [comparison({ scope: 'within-cluster', withinCluster: { isolatesMesh: true, means: 'x' } })]));
    expect(lines.slice(-2)).toEqual(['', WITHIN]);
  });
});

describe('report: added latency of a crowded run', () => {
  it('gives the verdict without the shifts, n in each verdict when comparisons differ in n, and the covers column when a spread was measured', () => {
    expect(renderAddedLatency(run(11, mixed())).slice(2, 5)).toEqual([
      [
        '| step | system − reference | Δp50 | p (p50) | Δp99 | p (p99) | verdict | scope | covers |',
        '|---|---|---:|---:|---:|---:|---|---|---|',
        `| rate-1k | istio − baseline | ${SHIFTS} | p50, p99: significant | across clusters | repetitions only, not installs |`,
        `| rate-1k | linkerd − baseline | ${SHIFTS} | p50: significant; p99: within installs (±300 µs) | across clusters | repetitions + installs (2 installs each) |`,
        `| rate-1k | cilium − baseline | ${SHIFTS} | p50: not significant at n=5 vs 3 (cannot reach p < 0.05); p99: within installs (±0 µs) | across clusters | repetitions only, not installs |`,
        `| rate-1k | istio/ambient − istio/ambient-unmeshed | ${SHIFTS} | p50: no difference at n=5 (repetitions without spread); p99: none > 1.50 ms at n=5 | within cluster¹ | repetitions (no install effect) |`,
        `| conn-4 | istio/ambient − istio/ambient-unmeshed | ${SHIFTS} | p99: significant | within cluster¹ | repetitions (no install effect) |`,
        `| rate-1k | kuma − kuma-unmeshed | ${SHIFTS} | p50: significant | within cluster | repetitions (no install effect) |`,
        `| rate-1k | plain − plain-unmeshed | ${SHIFTS} | p50, p99: significant | within cluster | repetitions (no install effect) |`,
      ].join('\n'),
      '',
      '*significant*: as defined above, in the direction of Δ; *none > X*: no difference larger than X; *within installs (±X)*: within install-to-install variation.',
    ]);
  });

  it('states n once under the table when every comparison has the same, and leaves what each scope covers to the footnotes', () => {
    const lines = renderAddedLatency(
      run(11, [
        comparison({ p50: shift({ outcome: 'not-significant', minimumDetectableUs: 30 }), p99: shift({ outcome: 'not-significant', minimumDetectableUs: 30 }) }),
        comparison({ system: 'linkerd', p50: shift({ outcome: 'not-significant', minimumDetectableUs: null }), p99: shift({ outcome: 'not-significant', minimumDetectableUs: 0 }) }),
      ]),
    );
    expect(lines.slice(2, 5)).toEqual([
      [
        '| step | system − reference | Δp50 | p (p50) | Δp99 | p (p99) | verdict | scope |',
        '|---|---|---:|---:|---:|---:|---|---|',
        `| rate-1k | istio − baseline | ${SHIFTS} | p50, p99: none > 30 µs | across clusters |`,
        `| rate-1k | linkerd − baseline | ${SHIFTS} | p50: not significant (cannot reach p < 0.05); p99: no difference (repetitions without spread) | across clusters |`,
      ].join('\n'),
      '',
      '*significant*: as defined above, in the direction of Δ; *none > X*: no difference larger than X at n=5; *within installs (±X)*: within install-to-install variation. What each scope covers is below.',
    ]);
    expect(lines.slice(5)).toEqual(['', `- *across clusters*: separate installs, one per side in this run, so ${ONE_INSTALL}`]);
  });
});
