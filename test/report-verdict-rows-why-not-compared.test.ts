import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result-schema.js';
import { referenceIds, stepNames, verdicts } from '../src/report/verdict-rows.js';
import { buildVerdictRun, CONN_STEP, latencies, RATE_STEP } from './helpers/verdict-run-factory.js';

// Why a verdict row has no headline comparison, in the words its table cell gives, for every way a comparison can be
// missing. baseline 290/480 µs and istio 490/1480 µs (p50/p99) at 1000 req/s; the comparisons are the pipeline's.

const BASELINE = { id: 'baseline', latency: latencies([290, 480], [250, 450]) };
const ISTIO = { id: 'istio', latency: latencies([490, 1480], [400, 1200]) };
const AMBIENT = { id: 'istio-ambient', latency: latencies([340, 710], [280, 460]) };
const AMBIENT_UNMESHED = { id: 'istio-ambient/unmeshed', latency: latencies([300, 500], [250, 450]) };

const pair = buildVerdictRun([BASELINE, ISTIO], 'baseline');
const withUnmeshed = buildVerdictRun([BASELINE, AMBIENT, AMBIENT_UNMESHED], 'baseline');

/** A copy of the baseline + istio run with no comparison recorded, changed by `edit`. */
function uncompared(edit: (run: RunResult) => void = () => {}): RunResult {
  const run = structuredClone(pair);
  run.comparisons = [];
  edit(run);
  return run;
}

/** Why istio's row at a step has no headline. */
function missing(run: RunResult, system = 'istio', step = RATE_STEP): string | null {
  const row = verdicts(run).rows.find((r) => r.system.id === system && r.stepName === step);
  if (!row) throw new Error(`no row for ${system} at ${step}`);
  return row.missing;
}

const system = (run: RunResult, id: string) => run.systems.find((s) => s.id === id)!;

describe('a row of the system itself not measured', () => {
  it('says "not measured" for a step the completed system did not run', () => {
    expect(missing(uncompared((r) => system(r, 'istio').steps.shift()))).toBe('not measured');
  });

  it('names where the system stopped when it failed before the step', () => {
    const run = uncompared((r) => {
      const istio = system(r, 'istio');
      istio.status = 'failed';
      istio.failure = { step: 'prepare', message: 'istioctl install failed' };
      istio.steps[0]!.repetitions = [];
    });
    expect(missing(run)).toBe('not measured: failed at prepare');
  });

  it('sends an slo step to the capacity section instead', () => {
    expect(missing(uncompared((r) => (system(r, 'istio').steps[0]!.config.mode = 'slo')))).toBe(
      'capacity, not latency: see "Capacity under a latency objective"',
    );
  });

  it('says there were no valid repetitions', () => {
    expect(missing(uncompared((r) => (system(r, 'istio').steps[0]!.aggregate.validRepetitions = 0)))).toBe('no valid repetitions');
  });

  it('says there is nothing to compare with when the run has neither a baseline nor an unmeshed namespace', () => {
    const run = uncompared((r) => {
      r.reference = null;
      r.systems = [system(r, 'istio')];
    });
    expect(missing(run)).toBe('nothing to compare with (no baseline, no unmeshed namespace)');
  });
});

describe('a row whose comparator is missing', () => {
  it('says the reference was not measured when it is not in the run', () => {
    expect(missing(uncompared((r) => (r.systems = [system(r, 'istio')])))).toBe('not compared: baseline was not measured');
  });

  it('says the reference did not measure this step', () => {
    expect(missing(uncompared((r) => system(r, 'baseline').steps.shift()))).toBe('not compared: baseline did not measure this step');
  });

  it('says where the reference stopped when it failed before this step', () => {
    const run = uncompared((r) => {
      const baseline = system(r, 'baseline');
      baseline.status = 'failed';
      baseline.failure = { step: 'install', message: 'kind create cluster failed' };
      baseline.steps[0]!.repetitions = [];
    });
    expect(missing(run)).toBe('not compared: baseline failed at install');
  });

  it('says the reference had no valid repetitions at this step', () => {
    expect(missing(uncompared((r) => (system(r, 'baseline').steps[0]!.aggregate.validRepetitions = 0)))).toBe(
      'not compared: baseline has no valid repetitions here',
    );
  });

  it('says no comparison was recorded, for every comparator in headline order', () => {
    const run = structuredClone(withUnmeshed);
    run.comparisons = [];
    expect(missing(run, 'istio-ambient')).toBe(
      'not compared: no comparison with istio-ambient/unmeshed was recorded; no comparison with baseline was recorded',
    );
  });

  it('has no reason when there is a headline', () => {
    expect(missing(pair)).toBeNull();
  });
});

describe('the headline comparison of a row', () => {
  it('carries the median p50 and p99 of what it is compared with, for the relative change', () => {
    const row = verdicts(pair).rows.find((r) => r.system.id === 'istio' && r.stepName === RATE_STEP)!;
    expect(row.headline?.referenceMedian).toEqual({ p50Us: 290, p99Us: 480 });
    expect(row.headline?.scope).toBe('cross-cluster');
    expect(row.headline?.comparison.reference).toBe('baseline');
  });

  it('has no reference median when the reference has none at the step', () => {
    const run = structuredClone(pair);
    system(run, 'baseline').steps[0]!.aggregate.median = null;
    expect(verdicts(run).rows.find((r) => r.system.id === 'istio' && r.stepName === RATE_STEP)!.headline?.referenceMedian).toBeNull();
  });

  it('still heads the row, without a reference median, when the reference or its step is no longer in the result', () => {
    const headlineOf = (run: RunResult) => verdicts(run).rows.find((r) => r.system.id === 'istio' && r.stepName === RATE_STEP)!.headline;
    const gone = structuredClone(pair);
    gone.systems = [system(gone, 'istio')];
    expect(headlineOf(gone)?.comparison.reference).toBe('baseline');
    expect(headlineOf(gone)?.referenceMedian).toBeNull();
    const stepGone = structuredClone(pair);
    system(stepGone, 'baseline').steps.shift();
    expect(headlineOf(stepGone)?.comparison.reference).toBe('baseline');
    expect(headlineOf(stepGone)?.referenceMedian).toBeNull();
  });

  it('takes the scope the statistics recorded over the one the ids suggest', () => {
    const run = structuredClone(pair);
    for (const c of run.comparisons) c.scope = 'within-cluster';
    expect(verdicts(run).rows.map((r) => r.headline?.scope)).toEqual(['within-cluster', 'within-cluster']);
  });

  it('is the within-cluster comparison when the mesh has an unmeshed namespace', () => {
    const rows = verdicts(withUnmeshed).rows;
    expect(rows.map((r) => `${r.system.id} ${r.stepName}: ${r.headline?.comparison.reference} ${r.headline?.scope}`)).toEqual([
      `istio-ambient ${RATE_STEP}: istio-ambient/unmeshed within-cluster`,
      `istio-ambient ${CONN_STEP}: istio-ambient/unmeshed within-cluster`,
    ]);
  });
});

describe('the rows and systems of the verdict', () => {
  it('leave out the reference and the unmeshed namespaces, and compare no two verdict systems in a run with a baseline', () => {
    const v = verdicts(withUnmeshed);
    expect(v.case).toBe('compared');
    expect(v.reference).toBe('baseline');
    expect(v.systems.map((s) => s.id)).toEqual(['istio-ambient']);
    expect(v.between).toEqual([]);
  });

  it('follow the scenario step order, then steps only a system measured, with that step\'s own load', () => {
    const run = structuredClone(pair);
    const extra = structuredClone(system(run, 'istio').steps[0]!);
    extra.name = 'rate-2k';
    extra.config = { ...extra.config, name: 'rate-2k', rate: 2000 };
    system(run, 'istio').steps.push(extra);
    expect(stepNames(run)).toEqual([RATE_STEP, CONN_STEP, 'rate-2k']);
    const row = verdicts(run).rows.find((r) => r.stepName === 'rate-2k')!;
    expect(row.config?.rate).toBe(2000);
    expect(row.missing).toBe('not compared: baseline did not measure this step');
  });

  it('take a step\'s load from the scenario when no system measured that step', () => {
    const run = uncompared((r) => {
      for (const s of r.systems) s.steps = s.steps.filter((step) => step.name !== RATE_STEP);
    });
    const row = verdicts(run).rows.find((r) => r.stepName === RATE_STEP)!;
    expect(row.config).toEqual(run.scenario.steps[0]);
    expect(row.missing).toBe('not measured');
  });

  it('count as references the run\'s reference and every baseline `bench merge` renamed, not the ids it kept', () => {
    const merged = {
      ...pair,
      mergedFrom: [{ systems: { baseline: 'baseline@istio', istio: 'istio' } }, { systems: { baseline: 'baseline@cilium', cilium: 'cilium' } }],
    } as unknown as RunResult;
    expect([...referenceIds(merged)]).toEqual(['baseline', 'baseline@istio', 'baseline@cilium']);
    expect([...referenceIds({ ...pair, reference: null })]).toEqual([]);
  });
});
