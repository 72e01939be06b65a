import { compareSteps, type ComparableStep } from '../analysis/compare.js';
import { comparisonSchema, type Comparison, type RepetitionResult } from '../core/result-schema.js';
import type { RecordStep, RecordSystem } from './record-schema.js';
import { roundFigures } from './round-figures.js';

/**
 * A comparison's figures that are a pure function of the two steps' per-repetition columns the record keeps anyway
 * (record schema 5): the Hodges–Lehmann shifts with their Moses intervals, the exact Wilcoxon–Mann–Whitney p-values,
 * the minimum detectable shifts, the counts and what the verdict covers — src/analysis/compare.ts's compareSteps over
 * each repetition's status, install and p50/p99 of the step's latency basis, seeded with the scenario's seed.
 * make-record.ts leaves them out only when computing them again from the record gives the very figures stored (a
 * Monte Carlo p-value seeded with a reference's id from before a merge renamed it, or an install spread from outside
 * the run, does not, and stays stored); read-run.ts computes them again.
 */
export const DERIVED_COMPARISON_FIELDS = ['deltaP50Us', 'deltaP99Us', 'pValueP50', 'pValueP99', 'repetitions', 'covers', 'installs', 'p50', 'p99'] as const;

/** What a comparison stored without its derived figures still says: which steps of which systems, and its scope. */
export interface ComparisonKey {
  step: string;
  reference: string;
  system: string;
  scope?: Comparison['scope'];
}

/**
 * The comparison compareSteps gives for the two systems' steps of the record, its figures rounded as the record
 * rounds them (round-figures.ts); null when the record lacks either step or there is nothing to compare.
 */
export function recomputedComparison(key: ComparisonKey, systems: readonly RecordSystem[], seed: number): Comparison | null {
  const stepOf = (id: string): RecordStep | undefined => systems.find((s) => s.id === id)?.steps.find((st) => st.name === key.step);
  const reference = stepOf(key.reference);
  const system = stepOf(key.system);
  if (!reference || !system) return null;
  const again = compareSteps(comparableStep(reference), comparableStep(system), {
    seed,
    referenceId: key.reference,
    systemId: key.system,
    ...(key.scope ? { scope: key.scope } : {}),
  });
  return again && roundFigures(again);
}

/** The comparison without its derived figures, when recomputedComparison gives them back exactly; else null. */
export function comparisonWithoutDerived(c: Comparison, systems: readonly RecordSystem[], seed: number): Record<string, unknown> | null {
  const again = recomputedComparison(c, systems, seed);
  if (!again) return null;
  const kept: Record<string, unknown> = { ...c };
  for (const field of DERIVED_COMPARISON_FIELDS) delete kept[field];
  // Compared as the record schema reads them (its key order), which read-run.ts's restoring passes through too.
  const read = (x: unknown): string => JSON.stringify(comparisonSchema.parse(x));
  return read({ ...again, ...kept }) === read(c) ? kept : null;
}

/**
 * A record step as compareSteps reads a step: per repetition its status, install and a latency summary of the step's
 * basis holding the p50 and p99 the record keeps (null where the repetition had none), which is all compareSteps and
 * src/analysis/repetitions.ts's usableRepetitions read of it.
 */
function comparableStep(step: RecordStep): ComparableStep {
  const c = step.repetitions;
  const basis = step.aggregate.latencyBasis;
  const repetitions = c.repetition.map((repetition, i) => {
    const p50Us = c.p50Us[i];
    const p99Us = c.p99Us[i];
    const latency = p50Us === null || p50Us === undefined || p99Us === null || p99Us === undefined ? null : { summary: { p50Us, p99Us } };
    const partial = {
      repetition,
      ...(c.install ? { install: c.install[i] } : {}),
      status: c.status[i],
      latency: { intended: basis === 'intended' ? latency : null, sent: basis === 'sent' ? latency : null },
    };
    // Only the fields above are read (see the doc comment); the rest of a full repetition is not in the record.
    return partial as unknown as RepetitionResult;
  });
  return { name: step.name, repetitions, aggregate: { latencyBasis: basis } as ComparableStep['aggregate'] };
}
