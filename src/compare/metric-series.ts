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
  /** The same values grouped by install (scenario `installs`; a record without the column ran one), in install order. */
  valuesByInstall(step: Pick<RecordStep, 'repetitions'>): number[][];
}

/** Adds valuesByInstall to a metric defined by the column its values come from. */
function metric(def: Omit<MetricDef, 'values' | 'valuesByInstall'>, column: (step: Pick<RecordStep, 'repetitions'>) => readonly (number | null)[] | undefined): MetricDef {
  const values = (step: Pick<RecordStep, 'repetitions'>, indices: readonly number[]): number[] => {
    const c = column(step);
    return c ? pick(c, indices) : [];
  };
  return {
    ...def,
    values: (step) => values(step, usableIndices(step)),
    valuesByInstall: (step) => {
      const byInstall = new Map<number, number[]>();
      for (const i of usableIndices(step)) byInstall.set(step.repetitions.install?.[i] ?? 1, [...(byInstall.get(step.repetitions.install?.[i] ?? 1) ?? []), i]);
      return [...byInstall.entries()].sort((a, b) => a[0] - b[0]).map(([, indices]) => values(step, indices));
    },
  };
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

const latencyMetric = (id: 'p50' | 'p99' | 'p999', key: 'p50Us' | 'p99Us' | 'p999Us'): MetricDef =>
  metric({ id, kind: 'latency', role: null, unit: 'us', worse: 'higher' }, (step) => step.repetitions[key]);

export const LATENCY_METRICS: readonly MetricDef[] = [
  latencyMetric('p50', 'p50Us'),
  latencyMetric('p99', 'p99Us'),
  latencyMetric('p999', 'p999Us'),
];

export const THROUGHPUT_METRIC: MetricDef = metric(
  { id: 'throughput', kind: 'throughput', role: null, unit: 'req/s', worse: 'lower' },
  (step) => step.repetitions.throughput,
);

/**
 * Memory (mean working set) and CPU (mean cores) of one role, per repetition: the per-repetition means the step
 * aggregate's `resources` takes the median of. Repetitions without resource data (the local target) give no value.
 */
export function resourceMetric(kind: 'memory' | 'cpu', role: ContainerRole): MetricDef {
  return metric({ id: `${kind}:${role}`, kind, role, unit: kind === 'memory' ? 'bytes' : 'cores', worse: 'higher' }, (step) => {
    const columns = step.repetitions.resources?.roles[role];
    return columns ? (kind === 'memory' ? columns.memoryMeanBytes : columns.cpuMeanCores) : undefined;
  });
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
