import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result-schema.js';
import { noComparisons, renderVerdicts } from '../src/report/render-verdicts.js';
import { buildVerdictRun, latencies } from './helpers/verdict-run-factory.js';

// What the verdict's first paragraph says for each shape of run, and the one-line reason when nothing is compared.
// Latencies (p50/p99 µs at 1000 req/s and at 16 connections) as in test/helpers/verdict-run-factory.ts.

const BASELINE = { id: 'baseline', latency: latencies([290, 480], [250, 450]) };
const AMBIENT = { id: 'istio-ambient', latency: latencies([340, 710], [280, 460]) };
const AMBIENT_UNMESHED = { id: 'istio-ambient/unmeshed', latency: latencies([300, 500], [250, 450]) };
const ISTIO = { id: 'istio', latency: latencies([490, 1480], [400, 1200]) };

const withinOnly = buildVerdictRun([BASELINE, AMBIENT, AMBIENT_UNMESHED], 'baseline');
const acrossOnly = buildVerdictRun([BASELINE, ISTIO], 'baseline');
const meshWithoutBaseline = buildVerdictRun([AMBIENT, AMBIENT_UNMESHED], null);
const referenceAlone = buildVerdictRun([BASELINE], 'baseline');

function lines(run: RunResult): string[] {
  return renderVerdicts(run).split('\n');
}

describe('the introduction says what each mesh is compared with', () => {
  it('within the cluster when every mesh has an unmeshed namespace, pointing to Added latency for the baseline', () => {
    expect(lines(withinOnly).slice(0, 3)).toEqual([
      '## Verdict',
      '',
      'Each mesh is compared with its own unmeshed namespace in the same cluster (within cluster: same nodes and CNI, ' +
        'only enrolment differs); the comparisons with baseline (across clusters) are under Added latency.',
    ]);
  });

  it('across clusters when no mesh has an unmeshed namespace, naming the reference', () => {
    expect(lines(acrossOnly)[2]).toBe('Each system is compared with baseline, measured in its own cluster (across clusters).');
  });

  it('with the unmeshed namespace alone when there is no baseline and only one mesh (no between-systems part)', () => {
    expect(lines(meshWithoutBaseline)[2]).toBe(
      'No baseline cluster was measured in this run, so each mesh is compared with its own unmeshed namespace in the ' +
        'same cluster (same nodes and CNI; only enrolment differs).',
    );
    expect(renderVerdicts(meshWithoutBaseline)).not.toContain('Between systems');
  });
});

describe('a run where no comparison could be made', () => {
  const none = structuredClone(acrossOnly);
  none.comparisons = [];

  it('says so after the introduction, gives the reason in every row and sentence, and has neither caveats nor legend', () => {
    expect(lines(none)).toEqual([
      '## Verdict',
      '',
      'Each system is compared with baseline, measured in its own cluster (across clusters). No comparison could be ' +
        'made: the table says why for each system and load.',
      '',
      '| system | load | compared with | added p50 | p (p50) | added p99 | p (p99) |',
      '|---|---|---|---:|---:|---:|---:|',
      '| istio | 1000 req/s | not compared: no comparison with baseline was recorded | – | – | – | – |',
      '| istio | 16 connections | not compared: no comparison with baseline was recorded | – | – | – | – |',
      '',
      '- istio: no comparison (not compared: no comparison with baseline was recorded).',
    ]);
  });

  it('gives each system its reasons, once each, in one line', () => {
    expect(noComparisons(none)).toBe('Nothing could be compared — istio: not compared: no comparison with baseline was recorded.');
  });
});

describe('a run of the reference alone', () => {
  it('gives its latency and throughput instead of an overhead, and nothing else', () => {
    expect(lines(referenceAlone)).toEqual([
      '## Verdict',
      '',
      'Only baseline was measured: a run of the reference alone has nothing to compare it with, so this report gives ' +
        'its latency and throughput (Results by step), not an overhead. Add systems with `--mesh` to measure one.',
    ]);
    expect(noComparisons(referenceAlone)).toBe('Only baseline was measured, so there is nothing to compare it with.');
  });

  it('names how the reference ended when it did not complete', () => {
    const failed = structuredClone(referenceAlone);
    failed.systems[0]!.status = 'failed';
    expect(lines(failed)[2]).toBe(
      'Only baseline was measured (baseline failed): a run of the reference alone has nothing to compare it with, so ' +
        'this report gives its latency and throughput (Results by step), not an overhead. Add systems with `--mesh` to measure one.',
    );
  });

  it('renders under the heading it is given', () => {
    expect(renderVerdicts(referenceAlone, { heading: '###' }).split('\n')[0]).toBe('### Verdict');
  });
});

describe('a run with no system at all', () => {
  it('says there is nothing to report, and nothing to compare', () => {
    const empty = structuredClone(referenceAlone);
    empty.systems = [];
    expect(renderVerdicts(empty)).toBe('## Verdict\n\nNo system was measured, so there is nothing to report.');
    expect(noComparisons(empty)).toBe('No system was measured, so nothing is compared.');
  });
});
