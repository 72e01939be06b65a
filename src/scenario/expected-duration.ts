import type { ResolvedScenario } from '../core/scenario-types.js';
import { formatDuration } from './durations.js';

/**
 * How long a run will take, said before it starts. The load time follows exactly from the scenario; the set-up of a
 * cluster target is an estimate (README, "Expected durations": cluster creation 1–2 min, mesh install 1–4 min on a
 * 4-vCPU runner), so the line gives a range and says which part is estimated.
 */

/** Seconds of load for one measured namespace: repetitions × Σ(warm-up + measured window). */
export function loadSeconds(scenario: Pick<ResolvedScenario, 'repetitions' | 'steps'>): number {
  const perRepetition = scenario.steps.reduce((sum, step) => sum + step.warmupS + step.durationS, 0);
  return Math.round(scenario.repetitions * perRepetition * 1e6) / 1e6;
}

export type RunTarget = 'local' | 'kind' | 'existing';

/** Set-up estimate per system, seconds [low, high], by target and whether a mesh is installed. Local: none worth naming. */
export function setupEstimateS(target: RunTarget, meshed: boolean): [number, number] {
  switch (target) {
    case 'local':
      return [0, 0];
    case 'kind':
      // Cluster creation 1–2 min; mesh install 1–4 min; workload deploy and verification within that margin.
      return meshed ? [120, 360] : [60, 120];
    case 'existing':
      // No cluster or mesh to install: namespaces, workload rollout and the proof it is meshed.
      return [30, 120];
  }
}

export interface ExpectedDuration {
  /** Exact: load of every measured namespace. */
  loadS: number;
  /** Namespaces measured: a mesh on a cluster target is measured twice (enrolled and unenrolled namespace). */
  namespaces: number;
  setupS: [number, number];
}

export function expectedDuration(
  scenario: Pick<ResolvedScenario, 'repetitions' | 'steps'>,
  systems: readonly string[],
  target: RunTarget,
  reference = 'baseline',
): ExpectedDuration {
  let namespaces = 0;
  const setupS: [number, number] = [0, 0];
  for (const id of systems) {
    const meshed = id !== reference;
    namespaces += target !== 'local' && meshed ? 2 : 1;
    const [low, high] = setupEstimateS(target, meshed);
    setupS[0] += low;
    setupS[1] += high;
  }
  return { loadS: loadSeconds(scenario) * namespaces, namespaces, setupS };
}

/** One line, e.g. "expected duration: 1m of load (4 namespaces × 15s) + set-up estimated 3m–8m (kind) ≈ 4m–9m". */
export function expectedDurationLine(e: ExpectedDuration, target: RunTarget): string {
  const perNamespace = e.namespaces > 0 ? e.loadS / e.namespaces : 0;
  const load = `${formatDuration(roundS(e.loadS))} of load (${e.namespaces} ${e.namespaces === 1 ? 'namespace' : 'namespaces'} × ${formatDuration(roundS(perNamespace))})`;
  if (e.setupS[1] === 0) return `expected duration: ${load}, plus a few seconds to start the workload servers`;
  const range = (a: number, b: number): string => `${formatDuration(roundS(a))}–${formatDuration(roundS(b))}`;
  return (
    `expected duration: ${load} + set-up estimated ${range(e.setupS[0], e.setupS[1])} (${target}) ` +
    `≈ ${range(e.loadS + e.setupS[0], e.loadS + e.setupS[1])}`
  );
}

/** Whole seconds above a minute, tenths below: "17m30s", not "17m29.999998s". */
function roundS(s: number): number {
  return s >= 60 ? Math.round(s) : Math.round(s * 10) / 10;
}
