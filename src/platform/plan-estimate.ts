import { formatDuration } from '../scenario/durations.js';
import { systemPlan, variantsOf, type ClusterPlanInput } from './cluster-plan.js';
import { meshInstallS, type Estimates } from './estimates.js';
import { InputError } from '../core/errors.js';

/**
 * `bench plan --estimate`: the expected duration of every phase a run will go through, walked from the same plan
 * sections the run executes (systemPlan), so a phase the run has is a phase the estimate has. Measurement follows
 * exactly from the scenario (repetitions × (warm-up + duration)) plus a per-step overhead; every set-up figure comes
 * from clusters/estimates.yaml. Phase names are the ones the run records (src/platform/phase-timing.ts), so an
 * estimate can be set beside a result's `phases`.
 */

export interface EstimateRow {
  system: string;
  /** As recorded in a result's `phases` (measurement: `measure <variant> <step>`, summed over repetitions). */
  phase: string;
  seconds: number;
  /** How the figure is made, e.g. "5 × (5s warm-up + 20s + 4s overhead)". */
  how: string;
  /** The part of `seconds` that follows exactly from the scenario, not from the estimates file (the scale windows). */
  exactS?: number;
}

export interface PlanEstimate {
  rows: EstimateRow[];
  /** Σ rows per system, in run order. */
  systems: Array<{ system: string; seconds: number }>;
  /** The whole `bench run`: systems run one after another. */
  runS: number;
  installs: number;
  /** The nightly job's steps around `bench run` (kind only: a CI runner creates its clusters), and the job's total. */
  job?: { steps: Array<{ step: string; seconds: number }>; totalS: number };
}

export function estimatePlan(inputs: readonly ClusterPlanInput[], estimates: Estimates, source: string): PlanEstimate {
  const rows: EstimateRow[] = [];
  const systems: PlanEstimate['systems'] = [];
  // One image for the whole run: the first build on a fresh runner is cold, every later one comes from Docker's cache.
  let imageBuilt = false;
  // One scenario for the whole run, so one number of installs (each a full prepare → measure → teardown).
  const installs = inputs[0]?.scenario.installs ?? 1;
  for (const input of inputs) {
    const mine = new Map<string, EstimateRow>();
    const add = (phase: string, seconds: number, how: string): void => {
      const row = mine.get(phase);
      if (!row) mine.set(phase, { system: input.adapter.id, phase, seconds, how });
      else {
        row.seconds += seconds;
        // A later install made differently (the image from the cache) says so.
        if (!row.how.split('; then ').includes(how)) row.how += `; then ${how}`;
      }
    };
    for (let install = 1; install <= installs; install++) {
      for (const section of systemPlan(input, install)) {
        if (section.title === 'Measure') {
          measureRows(input, estimates).forEach((r) => add(r.phase, r.seconds, r.how));
          continue;
        }
        if (section.phase === 'scale windows') {
          const r = scaleRow(input, estimates, source);
          add(r.phase, r.seconds, r.how);
          mine.get(r.phase)!.exactS = r.exactS;
          continue;
        }
        if (section.title.startsWith('Tear down')) {
          add('teardown', estimates.teardown[input.target], input.target === 'kind' ? 'kind delete cluster' : 'delete the harness namespaces');
          continue;
        }
        const phase = section.phase;
        if (phase === undefined) throw new Error(`plan section "${section.title}" has no phase to estimate`);
        const [seconds, how] = setupFigure(phase, input, estimates, source, imageBuilt);
        if (phase === 'image load') imageBuilt = true;
        add(phase, seconds, how);
      }
    }
    const mineRows = [...mine.values()].map((r) => (installs > 1 ? { ...r, how: `${installs} installs: ${r.how}` } : r));
    rows.push(...mineRows);
    systems.push({ system: input.adapter.id, seconds: mineRows.reduce((sum, r) => sum + r.seconds, 0) });
  }
  const runS = systems.reduce((sum, s) => sum + s.seconds, 0);
  const estimate: PlanEstimate = { rows, systems, runS, installs };
  if (inputs[0]?.target === 'kind') {
    const steps = Object.entries(estimates.nightlyJob).map(([step, seconds]) => ({ step, seconds }));
    estimate.job = { steps, totalS: steps.reduce((sum, s) => sum + s.seconds, runS) };
  }
  return estimate;
}

/** One row per variant and step: every repetition of it, in seconds. */
function measureRows(input: ClusterPlanInput, estimates: Estimates): Array<Omit<EstimateRow, 'system'>> {
  const reps = input.scenario.repetitions;
  const overhead = estimates.measureOverheadPerStep;
  return variantsOf(input.adapter).flatMap((v) =>
    input.scenario.steps.map((step) => ({
      phase: `measure ${v.id} ${step.name}`,
      seconds: reps * (step.warmupS + step.durationS + overhead),
      how: `${reps} × (${formatDuration(step.warmupS)} warm-up + ${formatDuration(step.durationS)} + ${formatDuration(overhead)} overhead)`,
    })),
  );
}

/**
 * Scenario `scale:`: per count, settle + idle + the loaded window (exact, from the scenario) and the rollout to that
 * count (clusters/estimates.yaml `scaleRolloutPerCount`, refused when missing). Once per system (the last install).
 */
function scaleRow(input: ClusterPlanInput, e: Estimates, source: string): Omit<EstimateRow, 'system'> & { exactS: number } {
  const scale = input.scenario.scale;
  if (!scale) throw new Error('a scale windows section without a scale scenario');
  const rollout = e.scaleRolloutPerCount;
  if (rollout === undefined) throw InputError.single(source, 'scaleRolloutPerCount', 'is required to estimate a scenario with a scale: section');
  const counts = scale.replicasPerNode.length;
  const perCount = scale.settleS + scale.idleS + scale.load.durationS;
  return {
    phase: 'scale windows',
    seconds: counts * (perCount + rollout),
    exactS: counts * perCount,
    how:
      `${counts} counts (${scale.replicasPerNode.join(', ')} per worker) × (${formatDuration(rollout)} rollout + ${formatDuration(scale.settleS)} settle + ` +
      `${formatDuration(scale.idleS)} idle + ${formatDuration(scale.load.durationS)} at ${scale.load.rate} req/s)`,
  };
}

function setupFigure(phase: string, input: ClusterPlanInput, e: Estimates, source: string, imageBuilt: boolean): [number, string] {
  const variants = variantsOf(input.adapter).length;
  const perVariant = (s: number): [number, string] => [s * variants, `${variants} ${variants === 1 ? 'namespace' : 'namespaces'} × ${formatDuration(s)}`];
  switch (phase) {
    case 'cluster create':
      return [e.clusterCreate[input.adapter.kindConfig], `kind create cluster (${input.adapter.kindConfig} config)`];
    case 'image load': {
      const build = imageBuilt ? e.imageLoad.cachedBuild : e.imageLoad.firstBuild;
      return [
        build + e.imageLoad.saveAndLoad,
        `docker build ${formatDuration(build)} (${imageBuilt ? 'from cache' : 'cold'}) + save and kind load ${formatDuration(e.imageLoad.saveAndLoad)}`,
      ];
    }
    case 'mesh install':
      return [meshInstallS(e, source, input.adapter.id), `install ${input.adapter.id}, image pulls and its readiness waits`];
    case 'readiness':
      return [e.readiness, 'nodes Ready, CoreDNS'];
    case 'deploy':
      return perVariant(e.deployPerVariant);
    case 'verify':
      return perVariant(e.verifyPerVariant);
    case 'versions':
      return [e.versions, 'kind, kubectl and API server versions'];
    default:
      throw new Error(`no estimate for the phase "${phase}" (add it to src/platform/plan-estimate.ts and clusters/estimates.yaml)`);
  }
}

/**
 * Set-up seconds per system (every phase but measurement, all installs): what `bench run`'s one-line expected duration
 * adds to the load, from the same rows `bench plan --estimate` prints.
 */
export function setupSecondsBySystem(estimate: PlanEstimate): Record<string, number> {
  const bySystem: Record<string, number> = {};
  for (const s of estimate.systems) bySystem[s.system] = 0;
  // The scale windows' exact part is the scenario's, said apart by the expected-duration line (scaleSeconds).
  for (const row of estimate.rows) if (!row.phase.startsWith('measure ')) bySystem[row.system] = (bySystem[row.system] ?? 0) + row.seconds - (row.exactS ?? 0);
  return bySystem;
}
