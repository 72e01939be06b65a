import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result-schema.js';
import { mergeRuns } from '../src/history/merge-runs.js';
import { perRunnerRun } from './helpers/per-runner-run-factory.js';

/** One night's runner runs: `baseline` alone (the nightly's `baseline` job) and one mesh with its same-runner baseline. */
function night(day: string): RunResult[] {
  const spec = (mesh: string, i: number) => ({
    mesh,
    p50Us: { baseline: 300, unmeshed: 305, mesh: 360 },
    hostname: `fv-az${400 + i}`,
    cpuModel: 'AMD EPYC 7763 64-Core Processor',
    createdAt: `${day}T02:1${i}:00.000Z`,
    seed: 3 + i,
    strata: 20,
  });
  const withMesh = perRunnerRun(spec('istio-ambient', 1));
  const full = perRunnerRun(spec('linkerd', 0));
  const alone: RunResult = { ...full, systems: full.systems.filter((s) => s.id === 'baseline'), comparisons: [] };
  return [alone, withMesh];
}

const merge = (runs: RunResult[]) => mergeRuns(runs.map((run, i) => ({ file: `job-${i}/results.json`, run, calibration: null })));

describe('bench merge names a baseline measured alone', () => {
  it('`baseline`, the same name every night, while a baseline measured beside a mesh is named after it', () => {
    const first = merge(night('2026-11-30'));
    const second = merge(night('2026-12-01'));
    for (const m of [first, second]) {
      expect(m.systems.map((s) => s.id)).toEqual(['baseline', 'baseline@istio-ambient', 'istio-ambient', 'istio-ambient/unmeshed']);
      // The run of the reference alone sorts first: the merged run's reference is the plain baseline.
      expect(m.reference).toBe('baseline');
      expect(m.mergedFrom.map((s) => s.systems['baseline'])).toEqual(['baseline', 'baseline@istio-ambient']);
    }
    // Two nights share every system id, so a night-to-night comparison and the history follow each of them.
    expect(second.systems.map((s) => s.id)).toEqual(first.systems.map((s) => s.id));
    // Each comparison still names the baseline of its own runner.
    expect(new Set(first.comparisons.map((c) => c.reference))).toEqual(new Set(['baseline@istio-ambient', 'istio-ambient/unmeshed']));
  });

  it('a second baseline-alone run in one merge is `baseline#2`, in the order of the runs’ ids whatever the order given', () => {
    const [a] = night('2026-11-30');
    const [b] = night('2026-12-01');
    const forward = merge([a!, b!]);
    const backward = merge([b!, a!]);
    expect(forward.systems.map((s) => s.id)).toEqual(['baseline', 'baseline#2']);
    expect(forward.systems.map((s) => s.runner?.run)).toEqual([a!.runId, b!.runId]);
    expect(backward.systems).toEqual(forward.systems);
  });
});
