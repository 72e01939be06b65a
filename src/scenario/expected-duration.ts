import type { ResolvedScenario } from '../core/scenario-types.js';
import { formatDuration } from './durations.js';

/**
 * How long a run will take, said before it starts. The load time follows exactly from the scenario; the set-up of a
 * cluster target is an estimate from clusters/estimates.yaml, the same figures `bench plan --estimate` prints (the
 * cluster platform sums them per system: see setupEstimate in src/platform/cluster-platform.ts), so the line gives a
 * range and says which part is estimated. The local target has no set-up worth naming and needs no figures.
 */

/** Set-up of a cluster run, from the estimates file: seconds per system (all its installs), and the range's low end. */
export interface SetupEstimate {
  /** Per system id: its set-up phases summed, every install included (setupSecondsBySystem in plan-estimate.ts). */
  perSystemS: Readonly<Record<string, number>>;
  /** The range runs from this fraction of each figure up to the figure (estimates file, `expectedLowFraction`). */
  lowFraction: number;
}

/**
 * Seconds of load for one measured namespace over all installs: installs × repetitions × Σ(warm-up + measured
 * window); `repetitions` is per install.
 */
export function loadSeconds(scenario: Pick<ResolvedScenario, 'repetitions' | 'steps' | 'installs'>): number {
  const perRepetition = scenario.steps.reduce((sum, step) => sum + step.warmupS + step.durationS, 0);
  return Math.round((scenario.installs ?? 1) * scenario.repetitions * perRepetition * 1e6) / 1e6;
}

/**
 * Seconds of scale windows for one system (scenario `scale:`, measured once per system after its steps): per count,
 * settle + idle + the loaded window. The rollouts between them are set-up, estimated (src/platform/plan-estimate.ts).
 */
export function scaleSeconds(scenario: Pick<ResolvedScenario, 'scale'>): number {
  const s = scenario.scale;
  return s ? s.replicasPerNode.length * (s.settleS + s.idleS + s.load.durationS) : 0;
}

export type RunTarget = 'local' | 'kind' | 'existing';

export interface ExpectedDuration {
  /** Exact: load of every measured namespace. */
  loadS: number;
  /** Namespaces measured: a mesh on a cluster target is measured twice (enrolled and unenrolled namespace). */
  namespaces: number;
  /** Fresh installs per system: each is set up (and measured) again, so set-up counts once per install. */
  installs?: number;
  setupS: [number, number];
  /** Exact: the scale windows of every system (scenario `scale:`); absent without them. */
  scaleS?: number;
  /** A cluster target run without an estimates file (tests' platforms): the set-up is not estimated, and said so. */
  setupUnknown?: true;
}

/**
 * `setup` is the cluster platform's estimate (null on the local target, which sets up nothing worth naming). A system
 * the estimate does not name is a programming error, not a guess: refused.
 */
export function expectedDuration(
  scenario: Pick<ResolvedScenario, 'repetitions' | 'steps' | 'installs'> & Partial<Pick<ResolvedScenario, 'scale'>>,
  systems: readonly string[],
  target: RunTarget,
  setup: SetupEstimate | null,
  reference = 'baseline',
): ExpectedDuration {
  let namespaces = 0;
  const installs = scenario.installs ?? 1;
  const setupS: [number, number] = [0, 0];
  for (const id of systems) {
    const meshed = id !== reference;
    namespaces += target !== 'local' && meshed ? 2 : 1;
    if (target === 'local' || setup === null) continue;
    const high = setup.perSystemS[id];
    if (high === undefined) throw new Error(`no set-up estimate for ${id}`);
    setupS[0] += high * setup.lowFraction;
    setupS[1] += high;
  }
  const setupUnknown = target !== 'local' && setup === null && systems.length > 0;
  const scaleS = scaleSeconds(scenario) * systems.length;
  return {
    loadS: loadSeconds(scenario) * namespaces,
    namespaces,
    ...(installs > 1 ? { installs } : {}),
    setupS,
    ...(scaleS > 0 ? { scaleS } : {}),
    ...(setupUnknown ? { setupUnknown } : {}),
  };
}

/**
 * One line, e.g. "expected duration: 1m of load (4 namespaces × 15s) + set-up estimated 3m–8m (kind) ≈ 4m–9m"; with
 * several installs "… (2 installs × 4 namespaces × 15s) + set-up estimated 6m–16m (kind, 2 installs) …".
 */
export function expectedDurationLine(e: ExpectedDuration, target: RunTarget): string {
  const installs = e.installs ?? 1;
  const perNamespace = e.namespaces > 0 ? e.loadS / e.namespaces / installs : 0;
  const times = installs > 1 ? `${installs} installs × ` : '';
  const scale = e.scaleS ? ` + ${formatDuration(roundS(e.scaleS))} of scale windows` : '';
  const load = `${formatDuration(roundS(e.loadS))} of load (${times}${e.namespaces} ${e.namespaces === 1 ? 'namespace' : 'namespaces'} × ${formatDuration(roundS(perNamespace))})${scale}`;
  if (e.setupUnknown) return `expected duration: ${load} + set-up not estimated (${target}, no estimates file)`;
  if (e.setupS[1] === 0) {
    const servers = installs > 1 ? `, plus a few seconds per install to start the workload servers` : ', plus a few seconds to start the workload servers';
    return `expected duration: ${load}${servers}`;
  }
  const range = (a: number, b: number): string => `${formatDuration(roundS(a))}–${formatDuration(roundS(b))}`;
  const where = installs > 1 ? `${target}, ${installs} installs` : target;
  return (
    `expected duration: ${load} + set-up estimated ${range(e.setupS[0], e.setupS[1])} (${where}) ` +
    `≈ ${range(e.loadS + (e.scaleS ?? 0) + e.setupS[0], e.loadS + (e.scaleS ?? 0) + e.setupS[1])}`
  );
}

/** Whole seconds above a minute, tenths below: "17m30s", not "17m29.999998s". */
function roundS(s: number): number {
  return s >= 60 ? Math.round(s) : Math.round(s * 10) / 10;
}
