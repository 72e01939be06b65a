import type { InputProblem } from '../core/errors.js';
import type { EncodedHistogram, LatencyRecord, LatencySummary, RunResult } from '../core/result-schema.js';
import { decodeHistogram } from '../analysis/histogram.js';

/**
 * What the schema cannot say about a result file: that its histograms decode to what their summaries claim, that
 * each system appears once, and that its counts and rates agree with each other. `bench report` renders numbers
 * as published truth, so a file that contradicts itself is refused (exit 2) with the field named, not rendered.
 */
export function resultProblems(result: RunResult, source: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const add = (field: string, message: string): void => {
    problems.push({ source, field, message });
  };

  const firstIndex = new Map<string, number>();
  result.systems.forEach((system, i) => {
    const first = firstIndex.get(system.id);
    if (first !== undefined) add(`systems[${i}].id`, `"${system.id}" is listed twice (also systems[${first}]); system ids must be unique`);
    else firstIndex.set(system.id, i);
  });
  if (result.reference !== null && !firstIndex.has(result.reference) && result.systems.length > 0 && result.status === 'completed') {
    add('reference', `"${result.reference}" is not one of the systems (${[...firstIndex.keys()].join(', ')})`);
  }

  const installs = result.scenario.installs ?? 1;
  result.systems.forEach((system, si) => {
    system.steps.forEach((step, ti) => {
      const at = `systems[${si}].steps[${ti}]`;
      step.repetitions.forEach((rep, ri) => {
        const r = `${at}.repetitions[${ri}]`;
        const c = rep.counts;
        if (c.ok + c.non2xx !== c.completed) add(`${r}.counts.completed`, `is ${c.completed}, but ok ${c.ok} + non2xx ${c.non2xx} = ${c.ok + c.non2xx}`);
        const byStatus = Object.values(c.statusCodes).reduce((a, n) => a + n, 0);
        if (byStatus !== c.completed) add(`${r}.counts.statusCodes`, `add up to ${byStatus}, but completed is ${c.completed}`);
        if (c.completed > c.sent) add(`${r}.counts.completed`, `is ${c.completed}, more than the ${c.sent} requests sent`);
        if (rep.errorRate > 1) add(`${r}.errorRate`, `is ${rep.errorRate}: a fraction of the requests sent cannot exceed 1`);
        if (!agrees(rep.throughput * rep.durationS, c.completed)) {
          add(`${r}.throughput`, `is ${rep.throughput}/s over ${rep.durationS} s, but ${c.completed} responses completed`);
        }
        // Statistics group repetitions by install (issue 12): one the scenario never ran cannot be in the file.
        if (rep.install !== undefined && rep.install > installs) {
          add(`${r}.install`, `is ${rep.install}, but the scenario ran ${installs} ${installs === 1 ? 'install' : 'installs'}`);
        }
        if (rep.achievedRate * rep.durationS > c.sent + Math.max(1, c.sent * 1e-3)) {
          add(`${r}.achievedRate`, `is ${rep.achievedRate}/s over ${rep.durationS} s, more than the ${c.sent} requests sent`);
        }
        if ((rep.status === 'invalid') !== rep.invalidReasons.length > 0) {
          add(`${r}.status`, `is "${rep.status}" with ${rep.invalidReasons.length} invalid reasons`);
        }
        record(`${r}.latency.sent`, rep.latency.sent, add);
        if (rep.latency.intended) record(`${r}.latency.intended`, rep.latency.intended, add);
        if (rep.latency.sent.summary.count !== c.completed) {
          add(`${r}.latency.sent.summary.count`, `is ${rep.latency.sent.summary.count}, but ${c.completed} responses completed`);
        }
      });
      const valid = step.repetitions.filter((rep) => rep.status === 'valid').length;
      if (step.aggregate.validRepetitions !== valid) {
        add(`${at}.aggregate.validRepetitions`, `is ${step.aggregate.validRepetitions}, but ${valid} repetitions are valid`);
      }
      const merged = step.aggregate.mergedHistogram;
      if (merged && step.aggregate.merged) record(`${at}.aggregate`, { summary: step.aggregate.merged, histogram: merged }, add, 'mergedHistogram');
    });
  });

  result.comparisons.forEach((cmp, i) => {
    for (const key of ['reference', 'system'] as const) {
      if (!firstIndex.has(cmp[key])) add(`comparisons[${i}].${key}`, `"${cmp[key]}" is not one of the systems`);
    }
  });
  return problems;
}

/** Counts derived from a rate rounded to 3 decimals and a window rounded to the millisecond: allow that rounding. */
function agrees(derived: number, count: number): boolean {
  return Math.abs(derived - count) <= Math.max(1, count * 1e-3);
}

function record(field: string, r: LatencyRecord, add: (field: string, message: string) => void, histogramKey = 'histogram'): void {
  const decoded = decode(r.histogram);
  if (typeof decoded === 'string') {
    add(`${field}.${histogramKey}`, `does not decode as an HdrHistogram (${decoded})`);
    return;
  }
  if (decoded.count !== r.summary.count) {
    add(`${field}.${histogramKey}`, `holds ${decoded.count} latencies, but its summary says ${r.summary.count}`);
  }
  const s: LatencySummary = r.summary;
  const order: Array<[keyof LatencySummary, number]> = [
    ['minUs', s.minUs],
    ['p50Us', s.p50Us],
    ['p90Us', s.p90Us],
    ['p99Us', s.p99Us],
    ['p999Us', s.p999Us],
    ['maxUs', s.maxUs],
  ];
  for (let i = 1; i < order.length; i++) {
    const [name, value] = order[i]!;
    const [prevName, prev] = order[i - 1]!;
    if (value < prev) {
      add(`${field}.summary.${name}`, `is ${value}, below ${prevName} ${prev}: percentiles cannot decrease`);
      break;
    }
  }
}

function decode(e: EncodedHistogram): { count: number } | string {
  try {
    const h = decodeHistogram(e);
    return { count: h.totalCount };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
