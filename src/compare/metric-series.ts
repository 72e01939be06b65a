import { containerRoles, type ContainerRole } from '../core/result-schema.js';
import type { RecordStep } from '../history/record-schema.js';
import type { CompareRow, MetricKind } from './compare-report.js';

/**
 * The metrics `bench compare` judges, and each one's per-repetition values, read from a compact record (a full
 * results.json is read as the record it makes: src/history/read-run.ts), so compare works on either. Only the
 * repetitions the statistics use count, as in src/analysis/repetitions.ts: valid ones with a latency of the step's
 * basis. A repetition measured while the target changed is invalid and never enters a comparison.
 */
export interface MetricDef {
  id: string;
  kind: MetricKind;
  role: ContainerRole | null;
  unit: CompareRow['unit'];
  /** Which direction is worse: latency, memory and CPU up; throughput down. */
  worse: 'higher' | 'lower';
  /** Per-repetition values of one step, in repetition order. */
  values(step: Pick<RecordStep, 'repetitions'>): number[];
}

/** Indices of the repetitions the statistics use: valid, with a latency record of the step's basis. */
export function usableIndices(step: Pick<RecordStep, 'repetitions'>): number[] {
  const r = step.repetitions;
  return r.status.flatMap((status, i) => (status === 'valid' && r.p50Us[i] !== null && r.p50Us[i] !== undefined ? [i] : []));
}

function pick(column: readonly (number | null)[], indices: readonly number[]): number[] {
  return indices.flatMap((i) => {
    const v = column[i];
    return v === null || v === undefined ? [] : [v];
  });
}

const latencyMetric = (id: 'p50' | 'p99' | 'p999', key: 'p50Us' | 'p99Us' | 'p999Us'): MetricDef => ({
  id,
  kind: 'latency',
  role: null,
  unit: 'us',
  worse: 'higher',
  values: (step) => pick(step.repetitions[key], usableIndices(step)),
});

export const LATENCY_METRICS: readonly MetricDef[] = [
  latencyMetric('p50', 'p50Us'),
  latencyMetric('p99', 'p99Us'),
  latencyMetric('p999', 'p999Us'),
];

export const THROUGHPUT_METRIC: MetricDef = {
  id: 'throughput',
  kind: 'throughput',
  role: null,
  unit: 'req/s',
  worse: 'lower',
  values: (step) => pick(step.repetitions.throughput, usableIndices(step)),
};

/**
 * Memory (mean working set) and CPU (mean cores) of one role, per repetition: the per-repetition means the step
 * aggregate's `resources` takes the median of. Repetitions without resource data (the local target) give no value.
 */
export function resourceMetric(kind: 'memory' | 'cpu', role: ContainerRole): MetricDef {
  return {
    id: `${kind}:${role}`,
    kind,
    role,
    unit: kind === 'memory' ? 'bytes' : 'cores',
    worse: 'higher',
    values: (step) => {
      const columns = step.repetitions.resources?.roles[role];
      if (!columns) return [];
      return pick(kind === 'memory' ? columns.memoryMeanBytes : columns.cpuMeanCores, usableIndices(step));
    },
  };
}

/**
 * Every metric to compare between two steps: latency percentiles, throughput, then memory and CPU of each role either
 * side had (in containerRoles order), so a role that appears or disappears shows as a row.
 */
export function metricsFor(a: Pick<RecordStep, 'repetitions'>, b: Pick<RecordStep, 'repetitions'>): MetricDef[] {
  const roles = containerRoles.filter((role) => [a, b].some((step) => step.repetitions.resources?.roles[role] !== undefined));
  return [
    ...LATENCY_METRICS,
    THROUGHPUT_METRIC,
    ...roles.map((role) => resourceMetric('memory', role)),
    ...roles.map((role) => resourceMetric('cpu', role)),
  ];
}
