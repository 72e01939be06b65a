import { decodeHistogram } from '../analysis/histogram.js';
import type { InputProblem } from '../core/errors.js';
import type { RunRecord } from './record-schema.js';

/**
 * What the record's schema cannot say: that every repetition column has one entry per repetition, that the step's
 * valid count agrees with its statuses, that each merged histogram decodes and holds as many latencies as its
 * summary says, and that system ids are unique and comparisons name systems of the record. A record that contradicts
 * itself is refused (exit 2), like an inconsistent results.json (src/report/result-consistency.ts).
 */
export function recordProblems(record: RunRecord, source: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const add = (field: string, message: string): void => {
    problems.push({ source, field, message });
  };
  const ids = new Map<string, number>();
  record.systems.forEach((system, si) => {
    const first = ids.get(system.id);
    if (first !== undefined) add(`systems[${si}].id`, `"${system.id}" is listed twice (also systems[${first}]); system ids must be unique`);
    else ids.set(system.id, si);
    system.steps.forEach((step, ti) => {
      const at = `systems[${si}].steps[${ti}]`;
      const cols = step.repetitions;
      const n = cols.repetition.length;
      for (const [name, column] of Object.entries(cols)) {
        if (Array.isArray(column) && column.length !== n) {
          add(`${at}.repetitions.${name}`, `has ${column.length} entries for ${n} repetitions`);
        }
      }
      if (cols.resources) {
        if (cols.resources.nodes.length !== n) add(`${at}.repetitions.resources.nodes`, `has ${cols.resources.nodes.length} entries for ${n} repetitions`);
        for (const [role, series] of Object.entries(cols.resources.roles)) {
          for (const [metric, values] of Object.entries(series)) {
            if (values.length !== n) add(`${at}.repetitions.resources.roles.${role}.${metric}`, `has ${values.length} entries for ${n} repetitions`);
          }
        }
      }
      cols.status.forEach((status, i) => {
        const reasons = cols.invalidReasons[i]?.length ?? 0;
        if ((status === 'invalid') !== reasons > 0) add(`${at}.repetitions.status[${i}]`, `is "${status}" with ${reasons} invalid reasons`);
      });
      const valid = cols.status.filter((s) => s === 'valid').length;
      if (step.aggregate.validRepetitions !== valid) {
        add(`${at}.aggregate.validRepetitions`, `is ${step.aggregate.validRepetitions}, but ${valid} repetitions are valid`);
      }
      const histogram = step.aggregate.mergedHistogram;
      const merged = step.aggregate.merged;
      if (histogram && merged) {
        let count: number | string;
        try {
          count = decodeHistogram(histogram).totalCount;
        } catch (error) {
          count = error instanceof Error ? error.message : String(error);
        }
        if (typeof count === 'string') add(`${at}.aggregate.mergedHistogram`, `does not decode as an HdrHistogram (${count})`);
        else if (count !== merged.count) add(`${at}.aggregate.mergedHistogram`, `holds ${count} latencies, but its summary says ${merged.count}`);
      }
    });
  });
  record.systems.forEach((system, si) => {
    if (system.phasesOf === undefined) return;
    const holder = record.systems.find((s) => s.id === system.phasesOf);
    if (!holder?.phases) add(`systems[${si}].phasesOf`, `"${system.phasesOf}" is not a system of the record with phases`);
  });
  if (record.reference !== null && record.systems.length > 0 && !ids.has(record.reference) && record.status === 'completed') {
    add('reference', `"${record.reference}" is not one of the systems (${[...ids.keys()].join(', ')})`);
  }
  record.comparisons.forEach((cmp, i) => {
    for (const key of ['reference', 'system'] as const) {
      if (!ids.has(cmp[key])) add(`comparisons[${i}].${key}`, `"${cmp[key]}" is not one of the systems`);
    }
  });
  return problems;
}
