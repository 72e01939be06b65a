import { beforeEach, describe, expect, it } from 'vitest';
import { aggregateStep } from '../src/analysis/aggregate-step.js';
import type { RunResult, SystemResult } from '../src/core/result-schema.js';
import { comparisons } from '../src/pipeline/run-benchmark.js';
import { renderJobSummary } from '../src/report/render-job-summary.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { bullets, rowCells, section } from './helpers/markdown-sections.js';
import { buildVerdictRun, ISTIO_SIDECARS, latencies } from './helpers/verdict-run-factory.js';

/**
 * A system stopped as the pipeline records it: status and failure set, and every step it did not reach kept with no
 * repetitions. Comparisons are recomputed, as the pipeline's finalize does.
 */
function failed(run: RunResult, id: string, step: string, message: string, keepSteps: readonly string[] = []): RunResult {
  const out = structuredClone(run);
  const sys = out.systems.find((s) => s.id === id) as SystemResult;
  sys.status = 'failed';
  sys.failure = { step, message };
  sys.steps = sys.steps.map((st) =>
    keepSteps.includes(st.name)
      ? st
      : { ...st, repetitions: [], aggregate: aggregateStep([], { seed: out.scenario.seed, maxCv: 0.05, mode: st.config.mode }) },
  );
  out.status = 'failed';
  out.comparisons = comparisons(out);
  return out;
}

const measured = buildVerdictRun(
  [
    { id: 'baseline', latency: latencies([290, 480], [250, 450]) },
    { id: 'istio', latency: latencies([490, 1480], [400, 1200]), dataPlane: ISTIO_SIDECARS },
    { id: 'linkerd', latency: latencies([390, 880], [330, 700]), dataPlane: ISTIO_SIDECARS },
  ],
  'baseline',
);

describe('a system that failed before measuring', () => {
  const run = failed(measured, 'istio', 'prepare', 'command failed (exit code 1): istioctl install --set profile=minimal');
  let verdict: string;
  beforeEach(() => {
    verdict = section(renderMarkdown(run), '## Verdict');
  });

  it('has a row per load saying it was not measured and why, with no numbers', () => {
    for (const load of ['1000 req/s', '16 connections']) {
      expect(rowCells(verdict, `istio | ${load}`).slice(2)).toEqual(['not measured: failed at prepare', '–', '–', '–', '–', 'n/a', 'n/a', 'n/a']);
    }
    expect(verdict.split('\n').filter((l) => l.startsWith('| istio |'))).toHaveLength(2);
  });

  it('gets a sentence naming where it failed, pointing at Status, without inventing a difference', () => {
    expect(bullets(verdict)).toContain('istio failed at prepare (see Status): nothing it measured could be compared.');
    // No other sentence gives istio a difference.
    expect(bullets(verdict).filter((b) => /\bistio\b/.test(b))).toEqual(['istio failed at prepare (see Status): nothing it measured could be compared.']);
    expect(verdict).not.toMatch(/istio (added|took|made|changed)/);
  });

  it('does not stop the other systems from being compared', () => {
    expect(rowCells(verdict, 'linkerd | 1000 req/s')[2]).toBe('baseline (across clusters)');
  });

  it('shows in the job summary with its status, step and message', () => {
    const summary = renderJobSummary(run, { report: 'results/r/report.md' });
    expect(rowCells(summary, 'istio')).toEqual(['istio', 'failed at `prepare`: command failed (exit code 1): istioctl install --set profile=minimal', '0/0']);
    expect(rowCells(summary, 'linkerd')).toEqual(['linkerd', 'completed', '10/10']);
  });
});

describe('a system that failed part-way', () => {
  const run = failed(measured, 'linkerd', 'measure linkerd conn-16 (repetition 1)', 'the load client pod restarted', ['rate-1k']);
  let verdict: string;
  beforeEach(() => {
    verdict = section(renderMarkdown(run), '## Verdict');
  });

  it('keeps the verdict for what it measured and says what it did not', () => {
    const sentence = bullets(verdict).find((b) => b.startsWith('linkerd '));
    expect(sentence).toBe(
      'linkerd failed at measure linkerd conn-16 (repetition 1) (see Status); before that, against baseline in another cluster, ' +
        'it added 400 µs [400–400] (+83.3%) to p99 at 1000 req/s, p=0.008. ' +
        'Not compared at 16 connections: not measured: failed at measure linkerd conn-16 (repetition 1).',
    );
    expect(rowCells(verdict, `linkerd | 16 connections`)[2]).toBe('not measured: failed at measure linkerd conn-16 (repetition 1)');
  });
});

describe('a reference that failed', () => {
  const run = failed(measured, 'baseline', 'prepare', 'kind create cluster failed');
  let report: string;
  beforeEach(() => {
    report = renderMarkdown(run);
  });

  it('says each system could not be compared because the reference failed, not that it lacks valid repetitions', () => {
    expect(rowCells(section(report, '## Verdict'), 'istio | 1000 req/s')[2]).toBe('not compared: baseline failed at prepare');
    const added = section(report, '## Added latency').trim();
    expect(added).toBe('Nothing could be compared — istio: not compared: baseline failed at prepare; linkerd: not compared: baseline failed at prepare.');
    expect(report).not.toContain('lacks valid repetitions');
  });
});
