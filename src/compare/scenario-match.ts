import { InputError } from '../core/errors.js';
import type { RunRecord } from '../history/record-schema.js';
import { sortKeys } from './noise-floor.js';

/**
 * Two runs are comparable when they measured the same thing: the same scenario name, workload, validity thresholds
 * and error budget, and every step present in both with the same settings. Repetitions, installs, seed, description
 * and the file the scenario came from may differ: they change how precisely a run measured, not what. Steps present in
 * one run only are left out of the comparison and listed.
 *
 * (Schema versions: readRun (src/history/read-run.ts) already refuses a result of another schema version than this harness reads, with one
 * line naming the file and `schemaVersion`, so two results that get here share it.)
 */
export function checkSameScenario(oldRun: Pick<RunRecord, 'scenario'>, oldLabel: string, newRun: Pick<RunRecord, 'scenario'>, newLabel: string): void {
  const differs = (field: string, oldValue: unknown, newValue: unknown): InputError =>
    InputError.single(
      newLabel,
      field,
      `${show(newValue)} differs from ${show(oldValue)} in ${oldLabel}: not the same scenario, refusing to compare`,
    );
  const a = oldRun.scenario;
  const b = newRun.scenario;
  if (a.name !== b.name) throw differs('scenario.name', a.name, b.name);
  const first = firstDifference(
    { workload: a.workload, thresholds: a.thresholds, errorBudget: a.errorBudget },
    { workload: b.workload, thresholds: b.thresholds, errorBudget: b.errorBudget },
  );
  if (first) throw differs(`scenario.${first.path}`, first.a, first.b);
  for (const [index, step] of b.steps.entries()) {
    const before = a.steps.find((s) => s.name === step.name);
    if (!before) continue;
    const diff = firstDifference(before, step);
    if (diff) throw differs(`scenario.steps[${index}].${diff.path}`, diff.a, diff.b);
  }
}

/** The first field (dotted path, keys sorted) whose value differs, or null. */
function firstDifference(a: unknown, b: unknown, path = ''): { path: string; a: unknown; b: unknown } | null {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      const diff = firstDifference(a[key], b[key], path ? `${path}.${key}` : key);
      if (diff) return diff;
    }
    return null;
  }
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b)) ? null : { path, a, b };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function show(v: unknown): string {
  return v === undefined ? '(absent)' : JSON.stringify(v);
}
