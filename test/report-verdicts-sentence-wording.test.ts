import { describe, expect, it } from 'vitest';
import type { Comparison, RunResult } from '../src/core/result-schema.js';
import { renderVerdicts } from '../src/report/render-verdicts.js';
import { bullets } from './helpers/markdown-sections.js';
import { buildVerdictRun, latencies, RATE_STEP } from './helpers/verdict-run-factory.js';

// The wording of a system's verdict sentence and of its caveats at the edges: a p below 0.001, a smallest detectable
// shift of 0 or unknown, a coverage warning. baseline 290/480 µs and istio 490/1480 µs (p50/p99) at 1000 req/s,
// 250/450 and 400/1200 at 16 connections: istio adds 1.00 ms (+208.3%) and 750 µs (+166.7%) to p99.
const pair = buildVerdictRun(
  [
    { id: 'baseline', latency: latencies([290, 480], [250, 450]) },
    { id: 'istio', latency: latencies([490, 1480], [400, 1200]) },
  ],
  'baseline',
);

/** A copy of the run with istio's comparison at 1000 req/s changed by `edit`. */
function withRateComparison(edit: (c: Comparison) => void): RunResult {
  const run = structuredClone(pair);
  edit(run.comparisons.find((c) => c.system === 'istio' && c.step === RATE_STEP)!);
  return run;
}

/** istio's sentence: the first bullet of the verdict. */
function sentence(run: RunResult): string {
  return bullets(renderVerdicts(run))[0]!;
}

const AT_16 = 'added 750 µs [750–750] (+166.7%) to p99 at 16 connections, p=0.008.';

describe('the p in a verdict sentence', () => {
  it('reads "p<0.001" below 0.001, and "p=" with three decimals otherwise', () => {
    expect(sentence(withRateComparison((c) => (c.pValueP99 = 0.0004)))).toBe(
      `Against baseline in another cluster, istio added 1.00 ms [1.00–1.00] (+208.3%) to p99 at 1000 req/s, p<0.001; ${AT_16}`,
    );
  });
});

describe('the smallest detectable shift of a difference that is not significant', () => {
  const notSignificant = (detectable: number | null) =>
    withRateComparison((c) => {
      c.deltaP99Us = { value: 12, ci95: [-30, 50] };
      c.pValueP99 = 0.42;
      c.p99!.outcome = 'not-significant';
      c.p99!.minimumDetectableUs = detectable;
    });

  it('is named when the statistics give one, in its unit', () => {
    expect(sentence(notSignificant(1500))).toBe(
      'Against baseline in another cluster, istio made no significant difference to p99 at 1000 req/s ' +
        `(+12 µs [-30, +50], p=0.420, n=5, smallest detectable 1.50 ms); ${AT_16}`,
    );
  });

  it('is left out when it is 0 (no spread at all) or unknown', () => {
    const without = 'Against baseline in another cluster, istio made no significant difference to p99 at 1000 req/s ' + `(+12 µs [-30, +50], p=0.420, n=5); ${AT_16}`;
    expect(sentence(notSignificant(0))).toBe(without);
    expect(sentence(notSignificant(null))).toBe(without);
  });

  it('is left out for results written before the statistics recorded it, the rule deciding significance', () => {
    const old = withRateComparison((c) => {
      c.deltaP99Us = { value: 12, ci95: [-30, 50] };
      c.pValueP99 = 0.42;
      delete c.p99;
    });
    expect(sentence(old)).toBe(
      'Against baseline in another cluster, istio made no significant difference to p99 at 1000 req/s ' + `(+12 µs [-30, +50], p=0.420, n=5); ${AT_16}`,
    );
  });
});

describe('the caveats of a system', () => {
  it('carry its coverage warning once, however many loads it applies to', () => {
    const run = structuredClone(pair);
    for (const c of run.comparisons) c.p99!.coverageWarning = 'fewer than 5 repetitions on a side, so the interval covers less than 95%';
    const verdict = renderVerdicts(run);
    expect(verdict.split('\n').filter((l) => l.startsWith('- istio: '))).toEqual([
      '- istio: fewer than 5 repetitions on a side, so the interval covers less than 95%.',
    ]);
  });

  it('say what each distinct account of variation covers, once, naming what the system was compared with', () => {
    const run = structuredClone(pair);
    run.comparisons[0]!.covers = 'repetition-to-repetition variation and two installs each';
    const caveats = renderVerdicts(run).split('\n').filter((l) => l.startsWith('- istio against '));
    expect(caveats).toEqual([
      '- istio against baseline: accounts for repetition-to-repetition variation and two installs each.',
      '- istio against baseline: accounts for repetition-to-repetition variation only: one install each, so not install-to-install variation.',
    ]);
  });

  it('are left out, heading and all, when the statistics recorded none', () => {
    const run = structuredClone(pair);
    for (const c of run.comparisons) delete c.covers;
    expect(renderVerdicts(run)).not.toContain('What the comparisons can and cannot say');
  });
});

describe('a system with no comparison at any load', () => {
  it('gets one sentence with every distinct reason', () => {
    const run = structuredClone(pair);
    run.comparisons = [];
    run.systems[1]!.steps[1]!.aggregate.validRepetitions = 0;
    expect(sentence(run)).toBe('istio: no comparison (not compared: no comparison with baseline was recorded; no valid repetitions).');
  });
});
