import type { Comparison } from '../core/result-schema.js';
import type { ReportRun as RunResult, ReportStep as StepResult, ReportSystem as SystemResult } from './report-input.js';
import type { ResolvedLoadStep } from '../core/scenario-types.js';
import { UNMESHED_SUFFIX } from '../platform/variants.js';
import { dataPlaneCost, type DataPlaneCost } from './data-plane-cost.js';

/**
 * The data behind the verdict (the report's first section, the job summary and the end-of-run summary): for every
 * measured system, at every load, its headline comparison. The headline is the within-cluster one (the mesh against
 * its own `<id>/unmeshed` namespace: same nodes, same CNI, only enrolment differs) where it exists, else the
 * cross-cluster one against the run's reference (the kindnet `baseline` cluster). Pure: read from the result only.
 */
export type ComparisonScope = 'within-cluster' | 'cross-cluster';

export interface Headline {
  comparison: Comparison;
  scope: ComparisonScope;
  /** What the system was compared with, at this step: its median p50 and p99 (µs), for the relative change. */
  referenceMedian: { p50Us: number; p99Us: number } | null;
}

export interface VerdictRow {
  system: SystemResult;
  stepName: string;
  config: ResolvedLoadStep | undefined;
  step: StepResult | undefined;
  headline: Headline | null;
  /** Why there is no headline (in words, for a table cell); null when there is one. */
  missing: string | null;
  cost: DataPlaneCost | null;
}

export type VerdictCase =
  /** No system at all. */
  | 'nothing-measured'
  /** Only the reference (e.g. `--mesh baseline`): its latency is the finding; there is nothing to compare it with. */
  | 'reference-only'
  /** Systems with headline rows. */
  | 'compared';

export interface Verdicts {
  case: VerdictCase;
  reference: string | null;
  /** The systems the verdict is about: every system but the reference and the unmeshed namespaces. */
  systems: SystemResult[];
  /** Per system (result order), per step (scenario order). */
  rows: VerdictRow[];
  /** Comparisons between two of `systems` (a run without a reference compares the meshes with each other). */
  between: Comparison[];
}

export function isUnmeshedVariant(id: string): boolean {
  return id.endsWith(UNMESHED_SUFFIX);
}

export function verdicts(result: RunResult): Verdicts {
  const references = referenceIds(result);
  const systems = result.systems.filter((s) => !references.has(s.id) && !isUnmeshedVariant(s.id));
  const ids = new Set(systems.map((s) => s.id));
  const between = result.comparisons.filter((c) => ids.has(c.reference) && ids.has(c.system));
  const kind: VerdictCase =
    result.systems.length === 0 ? 'nothing-measured' : systems.length === 0 ? 'reference-only' : 'compared';
  const rows = systems.flatMap((sys) => stepNames(result).map((name) => verdictRow(result, sys, name, references)));
  return { case: kind, reference: result.reference, systems, rows, between };
}

/**
 * The run's reference, and in a merged run every source's reference as renamed by `bench merge` (`baseline@<runner's
 * systems>`, the only ids it renames): each mesh there is compared with the baseline measured on its own runner.
 */
export function referenceIds(result: RunResult): Set<string> {
  const out = new Set<string>(result.reference === null ? [] : [result.reference]);
  for (const source of result.mergedFrom ?? []) {
    for (const [from, to] of Object.entries(source.systems)) if (from !== to) out.add(to);
  }
  return out;
}

/** Step names in scenario order, then any a system measured that the scenario does not list. */
export function stepNames(r: RunResult): string[] {
  return [...new Set([...r.scenario.steps.map((s) => s.name), ...r.systems.flatMap((sys) => sys.steps.map((s) => s.name))])];
}

export function stepConfig(r: RunResult, name: string): ResolvedLoadStep | undefined {
  return r.scenario.steps.find((s) => s.name === name) ?? r.systems.flatMap((s) => s.steps).find((s) => s.name === name)?.config;
}

function verdictRow(result: RunResult, system: SystemResult, stepName: string, references: ReadonlySet<string>): VerdictRow {
  const step = system.steps.find((s) => s.name === stepName);
  const cost = step ? dataPlaneCost(step) : null;
  const base = { system, stepName, config: stepConfig(result, stepName), step, cost };
  const comparators = comparatorsOf(result, system.id, references);
  const found = comparators.flatMap(({ id, scope }) => {
    const comparison = result.comparisons.find((c) => c.system === system.id && c.step === stepName && c.reference === id);
    // The statistics record the scope (issue 12); results written before it are read by the ids.
    return comparison ? [{ comparison, scope: comparison.scope ?? scope }] : [];
  });
  // A within-cluster comparison that cannot isolate the mesh (a CNI's unmeshed namespace runs on it too: see
  // src/mesh/within-cluster.ts) gives way to the cross-cluster one when there is one.
  const pick = found.find((f) => f.comparison.withinCluster?.isolatesMesh !== false) ?? found[0];
  if (pick) {
    const referenceMedian = medianOf(result.systems.find((s) => s.id === pick.comparison.reference), stepName);
    return { ...base, headline: { ...pick, referenceMedian }, missing: null };
  }
  return { ...base, headline: null, missing: whyNotCompared(result, system, step, comparators) };
}

/**
 * What a system is compared with, headline first: its unmeshed namespace (same cluster), then the reference (in a
 * merged run, the reference its own comparisons name: the baseline of its runner).
 */
function comparatorsOf(result: RunResult, id: string, references: ReadonlySet<string>): { id: string; scope: ComparisonScope }[] {
  const out: { id: string; scope: ComparisonScope }[] = [];
  const unmeshed = `${id}${UNMESHED_SUFFIX}`;
  if (result.systems.some((s) => s.id === unmeshed)) out.push({ id: unmeshed, scope: 'within-cluster' });
  const own = result.comparisons.find((c) => c.system === id && references.has(c.reference))?.reference;
  const reference = own ?? result.reference;
  // Never the system itself: verdicts() leaves every reference out of the systems it makes rows for.
  if (reference !== null) out.push({ id: reference, scope: 'cross-cluster' });
  return out;
}

function medianOf(system: SystemResult | undefined, stepName: string): Headline['referenceMedian'] {
  const m = system?.steps.find((s) => s.name === stepName)?.aggregate.median;
  return m ? { p50Us: m.p50Us.value, p99Us: m.p99Us.value } : null;
}

function whyNotCompared(
  result: RunResult,
  system: SystemResult,
  step: StepResult | undefined,
  comparators: readonly { id: string }[],
): string {
  if (!step || step.repetitions.length === 0) {
    if (system.status === 'completed') return 'not measured';
    return `not measured: ${stoppedAt(system)}`;
  }
  // An slo step's latency is each system's at its own capacity: render-slo.ts compares the capacities instead.
  if (step.config.mode === 'slo') return 'capacity, not latency: see "Capacity under a latency objective"';
  if (step.aggregate.validRepetitions === 0) return 'no valid repetitions';
  if (comparators.length === 0) return 'nothing to compare with (no baseline, no unmeshed namespace)';
  const reasons = comparators.map(({ id }) => {
    const other = result.systems.find((s) => s.id === id);
    const otherStep = other?.steps.find((s) => s.name === step.name);
    if (!other) return `${id} was not measured`;
    if (!otherStep || otherStep.repetitions.length === 0) {
      return other.status === 'completed' ? `${id} did not measure this step` : `${id} ${stoppedAt(other)}`;
    }
    if (otherStep.aggregate.validRepetitions === 0) return `${id} has no valid repetitions here`;
    return `no comparison with ${id} was recorded`;
  });
  return `not compared: ${reasons.join('; ')}`;
}

/** `failed at prepare` / `interrupted at measure`. */
export function stoppedAt(system: SystemResult): string {
  const what = system.status === 'interrupted' ? 'interrupted' : 'failed';
  return system.failure ? `${what} at ${system.failure.step}` : what;
}
