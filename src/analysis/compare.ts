import type { Comparison, StepResult, SystemResult } from '../core/result-schema.js';
import { bootstrapDeltaInterval } from './bootstrap.js';
import { permutationPValue } from './permutation.js';
import { deriveSeed } from './random.js';
import { usableRepetitions } from './repetitions.js';

/** What a comparison needs of a step: its name, its repetitions and the aggregate that fixed its latency basis. */
export type ComparableStep = Pick<StepResult, 'name' | 'repetitions' | 'aggregate'>;

export interface CompareOptions {
  /**
   * Run seed; each interval and Monte Carlo test uses a seed derived from it, the two system ids, the step and the
   * metric.
   */
  seed: number;
  referenceId: string;
  systemId: string;
  /** Bootstrap resamples per interval (default 10 000). */
  resamples?: number;
  /** Passed to the permutation test (default 20 000). */
  maxPermutations?: number;
}

/**
 * One step of one system against the same step of the reference system, over per-repetition p50 and p99 of the step's
 * latency basis: deltas (system − reference) of the medians with bootstrap intervals, and permutation-test p-values.
 * Null when there is nothing sound to say: a side without a usable repetition, or steps judged on different latency
 * bases (a rate step's intended-time latency against a closed-loop step's sent-time latency).
 * The step name recorded is the reference step's; the two steps must have the same name.
 */
export function compareSteps(
  reference: ComparableStep,
  system: ComparableStep,
  options: CompareOptions,
): Comparison | null {
  if (reference.name !== system.name) {
    throw new Error(`compareSteps: step names differ: ${reference.name} vs ${system.name}`);
  }
  const latencyBasis = reference.aggregate.latencyBasis;
  if (system.aggregate.latencyBasis !== latencyBasis) return null;
  const ref = usableRepetitions(reference.repetitions, latencyBasis);
  const sys = usableRepetitions(system.repetitions, latencyBasis);
  if (ref.length === 0 || sys.length === 0) return null;

  const seedFor = (label: string): number =>
    deriveSeed(options.seed, `compare:${options.referenceId}:${options.systemId}:${reference.name}:${label}`);
  const { resamples, maxPermutations } = options;

  const refP50 = ref.map((u) => u.latency.summary.p50Us);
  const sysP50 = sys.map((u) => u.latency.summary.p50Us);
  const refP99 = ref.map((u) => u.latency.summary.p99Us);
  const sysP99 = sys.map((u) => u.latency.summary.p99Us);

  return {
    step: reference.name,
    reference: options.referenceId,
    system: options.systemId,
    latencyBasis,
    deltaP50Us: bootstrapDeltaInterval(refP50, sysP50, { seed: seedFor('delta:p50'), resamples }),
    deltaP99Us: bootstrapDeltaInterval(refP99, sysP99, { seed: seedFor('delta:p99'), resamples }),
    pValueP50: permutationPValue(refP50, sysP50, { seed: seedFor('permutation:p50'), maxPermutations }),
    pValueP99: permutationPValue(refP99, sysP99, { seed: seedFor('permutation:p99'), maxPermutations }),
    repetitions: { reference: ref.length, system: sys.length },
  };
}

export interface CompareRunOptions {
  resamples?: number;
  maxPermutations?: number;
}

/**
 * Every non-reference system's steps against the reference system's step of the same name, in the order of `systems`
 * and then of each system's steps. Steps the reference lacks (it failed before them) and pairs compareSteps declines
 * are left out. Seeds derive from the pair and the step, so adding or dropping a system leaves the other comparisons
 * unchanged. Throws when no system has `referenceId`.
 */
export function compareRun(
  systems: readonly SystemResult[],
  referenceId: string,
  seed: number,
  options: CompareRunOptions = {},
): Comparison[] {
  const reference = systems.find((s) => s.id === referenceId);
  if (!reference) {
    const known = systems.map((s) => s.id).join(', ');
    throw new Error(`compareRun: reference system ${referenceId} is not among the systems (${known})`);
  }
  const referenceSteps = new Map(reference.steps.map((step) => [step.name, step]));
  const comparisons: Comparison[] = [];
  for (const system of systems) {
    if (system.id === referenceId) continue;
    for (const step of system.steps) {
      const referenceStep = referenceSteps.get(step.name);
      if (!referenceStep) continue;
      const comparison = compareSteps(referenceStep, step, { ...options, seed, referenceId, systemId: system.id });
      if (comparison) comparisons.push(comparison);
    }
  }
  return comparisons;
}
