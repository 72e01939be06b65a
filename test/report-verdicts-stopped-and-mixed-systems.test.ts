import { beforeEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result-schema.js';
import { noComparisons, renderVerdicts } from '../src/report/render-verdicts.js';
import { bullets, rowCells, section } from './helpers/markdown-sections.js';
import { buildVerdictRun, latencies, RATE_STEP, runComparedWithinAndAcrossClusters, runWithoutBaseline } from './helpers/verdict-run-factory.js';

// Latencies (p50/p99 µs at 1000 req/s and at 16 connections) as in test/helpers/verdict-run-factory.ts; 5 v 5
// identical repetitions all on one side give p = 0.008.
const BASELINE = { id: 'baseline', latency: latencies([290, 480], [250, 450]) };
const ISTIO = { id: 'istio', latency: latencies([490, 1480], [400, 1200]) };

/** istio failed while measuring its second step: the first was compared with baseline, the second never ran. */
function failedAtSecondStep(): RunResult {
  const run = buildVerdictRun([BASELINE, ISTIO], 'baseline');
  const istio = run.systems[1]!;
  istio.status = 'failed';
  istio.failure = { step: 'measure', message: 'the load pod was evicted' };
  istio.steps[1]!.repetitions = [];
  run.comparisons = run.comparisons.filter((c) => c.step === RATE_STEP);
  return run;
}

describe('a system that stopped part-way', () => {
  it('gets a sentence that says where it stopped, what it measured before, and which loads were not compared', () => {
    const verdict = renderVerdicts(failedAtSecondStep());
    expect(bullets(verdict)[0]).toBe(
      'istio failed at measure (see Status); before that, against baseline in another cluster, it added 1.00 ms ' +
        '[1.00–1.00] (+208.3%) to p99 at 1000 req/s, p=0.008. Not compared at 16 connections: not measured: failed at measure.',
    );
    expect(rowCells(verdict, 'istio | 16 connections')).toEqual(['istio', '16 connections', 'not measured: failed at measure', '–', '–', '–', '–']);
  });

  it('names, in the one-line reason, only the loads that were not compared', () => {
    expect(noComparisons(failedAtSecondStep())).toBe('Nothing could be compared — istio: not measured: failed at measure.');
  });

  it('says nothing it measured could be compared when none of its steps was, naming an interruption without a step', () => {
    const run = failedAtSecondStep();
    run.comparisons = [];
    run.systems[1]!.status = 'interrupted';
    run.systems[1]!.failure = null;
    const verdict = renderVerdicts(run);
    expect(bullets(verdict)).toEqual(['istio interrupted (see Status): nothing it measured could be compared.']);
    expect(rowCells(verdict, 'istio | 16 connections')[2]).toBe('not measured: interrupted');
    expect(noComparisons(run)).toBe(
      'Nothing could be compared — istio: not compared: no comparison with baseline was recorded; not measured: interrupted.',
    );
  });
});

describe('a mesh compared within its cluster at one load and across clusters at another', () => {
  // istio-ambient's unmeshed namespace measured the rate step only: at 16 connections the headline is baseline.
  const run = runComparedWithinAndAcrossClusters();
  let verdict: string;
  beforeEach(() => {
    verdict = renderVerdicts(run);
  });

  it('says so in the introduction and names the comparison row by row', () => {
    expect(verdict.split('\n')[2]).toBe(
      'Each mesh is compared with its own unmeshed namespace in the same cluster where it has one that isolates the mesh ' +
        '(within cluster: same nodes and CNI, only enrolment differs), otherwise with baseline (across clusters); the table says which.',
    );
    expect(rowCells(verdict, 'istio-ambient | 1000 req/s')[2]).toBe('istio-ambient/unmeshed (within cluster)');
    // 280/460 µs against baseline's 250/450.
    expect(rowCells(verdict, 'istio-ambient | 16 connections').slice(2, 6)).toEqual([
      'baseline (across clusters)',
      '+30 µs [+30, +30] (+12.0%)',
      '0.008, significant',
      '+10 µs [+10, +10] (+2.2%)',
    ]);
  });

  it('names the comparison in each clause of the sentence instead of once in front', () => {
    expect(bullets(verdict)[0]).toBe(
      'istio-ambient added 210 µs [210–210] (+42.0%) to p99 at 1000 req/s, p=0.008 (against its own unmeshed namespace ' +
        'in the same cluster); added 10 µs [10–10] (+2.2%) to p99 at 16 connections, p=0.008 (against baseline in another cluster).',
    );
  });

  it('says what each of the two comparisons accounts for', () => {
    const caveats = verdict.split('What the comparisons can and cannot say:\n\n')[1]!.split('\n\n')[0]!.split('\n');
    expect(caveats).toEqual([
      '- istio-ambient against istio-ambient/unmeshed: accounts for repetition-to-repetition variation; no install effect (same cluster, variants interleaved).',
      '- istio-ambient against baseline: accounts for repetition-to-repetition variation only: one install each, so not install-to-install variation.',
    ]);
  });
});

describe('the meshes against each other, when a difference is not significant or goes the other way', () => {
  const run = runWithoutBaseline();
  for (const c of run.comparisons.filter((x) => x.reference === 'cilium')) {
    if (c.step === RATE_STEP) {
      c.deltaP99Us = { value: 5, ci95: [-10, 20] };
      c.pValueP99 = 0.4;
      c.p99!.outcome = 'not-significant';
      c.p99!.minimumDetectableUs = 45;
      c.repetitions = { reference: 5, system: 4 };
    } else {
      c.deltaP99Us = { value: -30, ci95: [-40, -20] };
      c.pValueP99 = 0.0004;
    }
  }
  let between: string;
  beforeEach(() => {
    between = section(renderVerdicts(run), '### Between systems (across clusters)');
  });

  it('gives the p99 difference, p and significance per load in the table', () => {
    expect(rowCells(between, 'istio-ambient − cilium | 1000 req/s').slice(4)).toEqual(['+5 µs [-10, +20]', '0.400, not significant']);
    expect(rowCells(between, 'istio-ambient − cilium | 16 connections').slice(4)).toEqual(['-30 µs [-40, -20]', '<0.001, significant']);
  });

  it('names a comparison at a step the run no longer describes by the step\'s name', () => {
    const old = structuredClone(run);
    for (const c of old.comparisons.filter((x) => x.reference === 'cilium' && x.step === RATE_STEP)) c.step = 'retired-step';
    const text = section(renderVerdicts(old), '### Between systems (across clusters)');
    expect(rowCells(text, 'istio-ambient − cilium | retired-step').slice(2, 4)).toEqual(['+40 µs [+40, +40]', '0.008, significant']);
    expect(bullets(text)[0]).toBe(
      "At retired-step, no significant difference between istio-ambient's and cilium's p99 (+5 µs [-10, +20], p=0.400, n=5 vs 4, smallest detectable 45 µs).",
    );
  });

  it('says "no significant difference" with the interval, p, both sample sizes and the smallest detectable shift, or "lower"', () => {
    expect(bullets(between)).toEqual([
      "At 1000 req/s, no significant difference between istio-ambient's and cilium's p99 (+5 µs [-10, +20], p=0.400, n=5 vs 4, smallest detectable 45 µs).",
      "At 16 connections, istio-ambient's p99 was 30 µs [20–40] lower than cilium's, p<0.001.",
    ]);
  });
});
