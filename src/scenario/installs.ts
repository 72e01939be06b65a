import type { ResolvedScenario } from '../core/scenario-types.js';

/**
 * Repetitions nested in installs (issue 12): each system runs on `installs` fresh installs, `repetitions` per install.
 * Repetition numbers count across installs (install 2 of a 5-repetition scenario measures 6–10), so a repetition's
 * number stays unique in its step, and its seed (scenario seed + number) differs from every other's; install 1
 * measures exactly what a single-install run measures. The run (src/pipeline/run-benchmark.ts) and `bench plan`
 * (src/platform/cluster-plan.ts) both number repetitions here, so the plan shows the seeds the run uses.
 */

/** Installs per system; results written before the field existed ran one. */
export function installCount(scenario: Pick<ResolvedScenario, 'installs'>): number {
  return scenario.installs ?? 1;
}

/** The repetition numbers install `install` (1-based) measures, in order. */
export function repetitionsOfInstall(scenario: Pick<ResolvedScenario, 'repetitions'>, install: number): number[] {
  const first = (install - 1) * scenario.repetitions + 1;
  return Array.from({ length: scenario.repetitions }, (_, i) => first + i);
}

/** Repetitions of each step over every install. */
export function totalRepetitions(scenario: Pick<ResolvedScenario, 'repetitions' | 'installs'>): number {
  return installCount(scenario) * scenario.repetitions;
}
