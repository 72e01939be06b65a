import type { Comparison, ShiftTest, StepResult, SystemResult } from '../core/result-schema.js';
import { installSpreadFromData } from './install-spread.js';
import { deriveSeed } from './random.js';
import { usableRepetitions, type UsableRepetition } from './repetitions.js';
import { compareTwoSamples, type InstallSpread, type TwoSampleComparison } from './two-sample.js';

/** What a comparison needs of a step: its name, its repetitions and the aggregate that fixed its latency basis. */
export type ComparableStep = Pick<StepResult, 'name' | 'repetitions' | 'aggregate'>;

/**
 * within-cluster: a mesh against its own unmeshed namespace, measured interleaved on the same install, so the
 * install's particulars are common to both sides. cross-cluster: two systems on separate installs, where whatever is
 * particular to each install is confounded with the system unless several installs were measured.
 */
export type ComparisonScope = NonNullable<Comparison['scope']>;

export interface CompareOptions {
  /** Run seed; a Monte Carlo p-value uses a seed derived from it, the two system ids, the step and the metric. */
  seed: number;
  referenceId: string;
  systemId: string;
  /** Default cross-cluster: the cautious reading. */
  scope?: ComparisonScope;
  /**
   * Install-to-install spread from outside the run (e.g. the between-night spread of history), per metric. Used for a
   * cross-cluster comparison when the run itself has fewer than two installs on both sides.
   */
  externalSpread?: { p50?: InstallSpread; p99?: InstallSpread };
  /** Random splits drawn when the exact count would cost too much (default 20 000). */
  sampledSplits?: number;
  /** Override of the exact-count cap (rank-sum.ts); tests use it to reach the sampled path with few repetitions. */
  maxExactSteps?: number;
}

/**
 * One step of one system against the same step of the reference system, over per-repetition p50 and p99 of the step's
 * latency basis: the Hodges–Lehmann shift (system − reference) with its Moses interval and the exact
 * Wilcoxon–Mann–Whitney p-value (two-sample.ts), and for a cross-cluster comparison the install-to-install spread the
 * shift must exceed: estimated from the run when it measured several installs (install-spread.ts), else taken from
 * `externalSpread`, else the verdict says it does not cover install-to-install variation.
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

  const scope = options.scope ?? 'cross-cluster';
  const installs = { reference: installsOf(ref).size, system: installsOf(sys).size };
  const test = (metric: 'p50' | 'p99'): TwoSampleComparison => {
    const key = metric === 'p50' ? 'p50Us' : 'p99Us';
    const value = (u: UsableRepetition): number => u.latency.summary[key];
    const fromRun =
      scope === 'cross-cluster'
        ? installSpreadFromData(groupByInstall(ref, value), groupByInstall(sys, value))
        : null;
    const spread = scope === 'cross-cluster' ? (fromRun ?? options.externalSpread?.[metric]) : undefined;
    return compareTwoSamples(ref.map(value), sys.map(value), {
      // A new label for a new statistic (README.md: labels are part of the format).
      seed: deriveSeed(options.seed, `compare:${options.referenceId}:${options.systemId}:${reference.name}:rank-sum:${metric}`),
      ...(spread ? { installSpread: spread } : {}),
      ...(options.sampledSplits === undefined ? {} : { sampledSplits: options.sampledSplits }),
      ...(options.maxExactSteps === undefined ? {} : { maxExactSteps: options.maxExactSteps }),
    });
  };
  const p50 = test('p50');
  const p99 = test('p99');

  return {
    step: reference.name,
    reference: options.referenceId,
    system: options.systemId,
    latencyBasis,
    deltaP50Us: p50.shift,
    deltaP99Us: p99.shift,
    pValueP50: p50.pValue,
    pValueP99: p99.pValue,
    repetitions: { reference: ref.length, system: sys.length },
    statistic: p50.statistic,
    scope,
    covers: covers(scope, p50.installSpread, installs),
    installs,
    p50: shiftTest(p50),
    p99: shiftTest(p99),
  };
}

function shiftTest(t: TwoSampleComparison): ShiftTest {
  return {
    shift: t.shift,
    achievedConfidence: t.achievedConfidence,
    pValue: t.pValue,
    pValueMethod: t.pValueMethod,
    outcome: t.outcome,
    installSpread: t.installSpread,
    minimumDetectableUs: t.minimumDetectableUs,
    minimumDetectableNote: t.minimumDetectableNote,
    coverageWarning: t.coverageWarning,
  };
}

/** The variation a verdict accounts for, one plain sentence (the report prints it beside the verdict). */
export function covers(
  scope: ComparisonScope,
  spread: InstallSpread | null,
  installs: { reference: number; system: number },
): string {
  if (scope === 'within-cluster') {
    return 'repetition-to-repetition variation; no install effect (same cluster, variants interleaved)';
  }
  if (spread) return `repetition and install-to-install variation (${spread.source})`;
  const one = installs.reference === 1 && installs.system === 1 ? 'one install each' : 'too few installs';
  return `repetition-to-repetition variation only: ${one}, so not install-to-install variation`;
}

function installsOf(usable: readonly UsableRepetition[]): Set<number> {
  return new Set(usable.map((u) => u.repetition.install ?? 1));
}

/** Per-repetition values grouped by install (absent install = install 1), in install order. */
function groupByInstall(usable: readonly UsableRepetition[], value: (u: UsableRepetition) => number): number[][] {
  const groups = new Map<number, number[]>();
  for (const u of usable) {
    const install = u.repetition.install ?? 1;
    const group = groups.get(install) ?? [];
    group.push(value(u));
    groups.set(install, group);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, values]) => values);
}

export interface CompareRunOptions {
  scope?: ComparisonScope;
  externalSpread?: CompareOptions['externalSpread'];
  sampledSplits?: number;
  maxExactSteps?: number;
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
      // An slo step's latency is each system's at its own capacity: different loads, nothing to subtract. Its
      // comparison is the capacity ratio (src/report/render-slo.ts).
      if (step.config.mode === 'slo' || referenceStep.config.mode === 'slo') continue;
      const comparison = compareSteps(referenceStep, step, { ...options, seed, referenceId, systemId: system.id });
      if (comparison) comparisons.push(comparison);
    }
  }
  return comparisons;
}
