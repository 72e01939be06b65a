import type { RunResult, SystemResult } from '../../src/core/result-schema.js';
import type { ResolvedScenario } from '../../src/core/scenario-types.js';
import { mergeRuns } from '../../src/history/merge-runs.js';
import { perRunnerRun } from './per-runner-run-factory.js';

/**
 * The nine meshes of the nightly matrix (.github/workflows/nightly.yml, without its `baseline`-only job), each measured
 * on its own runner with a `baseline` beside it.
 */
export const NIGHTLY_MESHES = [
  'cilium',
  'cilium-wireguard',
  'cilium-l7',
  'istio',
  'istio-ambient',
  'istio-ambient-waypoint',
  'linkerd',
  'istio-ambient-cilium',
  'cilium-ztunnel',
] as const;

const CPUS = ['AMD EPYC 7763 64-Core Processor', 'AMD EPYC 9V74 80-Core Processor', 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz'];

/** Every runner's run of one night: ten systems (nine meshes and the baseline) on `scenarios/default.yaml`. */
export function nightlyRunnerRuns(o: { night?: string; strata?: number; meshes?: readonly string[]; scenario?: ResolvedScenario } = {}): RunResult[] {
  const night = o.night ?? '2026-11-30';
  return (o.meshes ?? NIGHTLY_MESHES).map((mesh, i) =>
    perRunnerRun({
      mesh,
      p50Us: { baseline: 300 + 7 * i, unmeshed: 305 + 7 * i, mesh: 360 + 25 * i },
      hostname: `fv-az${410 + i}-77`,
      cpuModel: CPUS[i % CPUS.length]!,
      createdAt: `${night}T02:${String(20 + i).padStart(2, '0')}:00.000Z`,
      seed: 100 + i,
      ...(o.strata !== undefined ? { strata: o.strata } : {}),
      ...(o.scenario !== undefined ? { scenario: o.scenario } : {}),
    }),
  );
}

/** The merged run of one night, as `bench merge` makes it (no calibrations beside the runs). */
export function mergedNight(runs: readonly RunResult[]): RunResult {
  return mergeRuns<SystemResult, RunResult>(runs.map((run) => ({ file: `${run.runId}/results.json`, run, calibration: null })));
}
