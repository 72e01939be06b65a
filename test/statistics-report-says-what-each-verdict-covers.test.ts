import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result-schema.js';
import { comparisons } from '../src/pipeline/run-benchmark.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { bullets, rowCells, section } from './helpers/markdown-sections.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';
import { RATE_STEP, runWithBaseline } from './helpers/verdict-run-factory.js';

const addedLatency = (r: RunResult): string => section(renderMarkdown(r), '## Added latency');
/** Cells of the Added latency row for `pair` at `step`: step, pair, Δp50, p, Δp99, p, verdict, scope, covers. */
const row = (r: RunResult, step: string, pair: string): string[] => rowCells(addedLatency(r), `${step} | ${pair}`);

/** Sets the rate step's per-repetition p50 of a system (intended-time latency, which rate steps are judged on). */
function setP50s(r: RunResult, systemId: string, p50s: readonly number[]): void {
  const step = r.systems.find((s) => s.id === systemId)?.steps.find((s) => s.name === RATE_STEP);
  if (!step) throw new Error(`no ${systemId} ${RATE_STEP}`);
  step.repetitions.forEach((rep, i) => {
    const value = p50s[i];
    if (value === undefined || !rep.latency.intended) throw new Error('fixture changed');
    rep.latency.intended.summary.p50Us = value;
  });
}

describe('the Added latency section of a single-install run', () => {
  const run = runWithBaseline();

  it('says which comparisons are within one cluster and which across clusters', () => {
    expect(row(run, RATE_STEP, 'istio-ambient − istio-ambient/unmeshed')[7]).toBe('within cluster');
    expect(row(run, RATE_STEP, 'istio − baseline')[7]).toBe('across clusters');
    // cilium's unmeshed namespace still runs on Cilium: marked, and the footnote says why.
    expect(row(run, RATE_STEP, 'cilium − cilium/unmeshed')[7]).toBe('within cluster¹');
    expect(bullets(addedLatency(run))).toContain(
      '¹ cilium: Cilium is the CNI: its unmeshed namespace runs on Cilium too, so only the baseline comparison shows its cost.',
    );
  });

  it('says beside every verdict which variation it covers, and that one install does not cover installs', () => {
    expect(row(run, RATE_STEP, 'istio − baseline')[8]).toBe('repetitions only, not installs');
    expect(row(run, RATE_STEP, 'istio-ambient − istio-ambient/unmeshed')[8]).toBe('repetitions (no install effect)');
    const across = bullets(addedLatency(run)).find((b) => b.startsWith('*across clusters*'));
    expect(across).toMatch(/^\*across clusters\*: separate installs, one per side in this run, so /);
    expect(across).toContain('these verdicts do not cover install-to-install variation');
  });

  it('reads "no significant difference" as "no difference larger than" the minimum detectable difference', () => {
    const r = structuredClone(run);
    setP50s(r, 'baseline', [1000, 1010, 990, 1020, 980]);
    setP50s(r, 'istio', [1005, 995, 1015, 985, 1000]);
    r.comparisons = comparisons(r);
    const c = r.comparisons.find((x) => x.system === 'istio' && x.step === RATE_STEP);
    const mdd = c?.p50?.minimumDetectableUs;
    expect(mdd).toBeGreaterThan(0);
    expect(row(r, RATE_STEP, 'istio − baseline')[6]).toMatch(
      new RegExp(`^p50: no difference larger than ${Math.round(mdd as number)} µs at n=5; adds`),
    );
  });

  it('warns about coverage under 5 repetitions and says when p < 0.05 is out of reach', () => {
    const r = structuredClone(run);
    for (const s of r.systems) for (const step of s.steps) step.repetitions = step.repetitions.slice(0, 3);
    r.comparisons = comparisons(r);
    expect(row(r, RATE_STEP, 'istio − baseline')[6]).toBe(
      'p50: no significant difference at n=3 (cannot reach p < 0.05); p99: no significant difference at n=3 (cannot reach p < 0.05)',
    );
    expect(bullets(addedLatency(r))).toContain(
      'Coverage: 3 v 3 repetitions (under 5 on a side): the interval reaches only 90.0% confidence if repetitions are ' +
        'independent, and the spread behind it is barely known.',
    );
  });
});

describe('the Added latency section of a run with several installs', () => {
  it('covers installs, and calls a shift inside their spread "within install-to-install variation"', () => {
    const r = structuredClone(runWithBaseline());
    // Two installs per side 40 µs apart; istio is 60 µs above the baseline at install level (t(2) · √800 ≈ 122 µs).
    setP50s(r, 'baseline', [1000, 1002, 1040, 1042, 1041]);
    setP50s(r, 'istio', [1060, 1062, 1100, 1102, 1101]);
    for (const id of ['baseline', 'istio']) {
      const step = r.systems.find((s) => s.id === id)?.steps.find((s) => s.name === RATE_STEP);
      step?.repetitions.forEach((rep, i) => Object.assign(rep, { install: i < 2 ? 1 : 2 }));
    }
    r.comparisons = comparisons(r);
    const cells = row(r, RATE_STEP, 'istio − baseline');
    expect(cells[8]).toBe('repetitions + installs (2 + 2 installs in this run)');
    expect(cells[6]).toMatch(/^p50: within install-to-install variation \(±\d+ µs\)/);
  });
});

describe('results written before the robust test', () => {
  it('keep their own wording: difference of medians, bootstrap interval, permutation test', () => {
    const old = loadTwoSystemFixture();
    expect(old.comparisons.every((c) => c.statistic === undefined)).toBe(true);
    expect(addedLatency(old)).toContain('a two-sided permutation test (p)');
    expect(addedLatency(old)).not.toContain('covers');
  });
});
