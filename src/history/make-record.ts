import { containerRoles, type RunResult, type StepResult, type SystemResult } from '../core/result-schema.js';
import {
  RECORD_HISTOGRAM_SIGNIFICANT_DIGITS,
  RECORD_KIND,
  RECORD_SCHEMA_VERSION,
  type RecordStep,
  type RecordSystem,
  type RepetitionColumns,
  type RunRecord,
} from './record-schema.js';
import { rebinHistogram } from './rebin-histogram.js';

/**
 * The compact record of a run (record-schema.ts says what it keeps and leaves out): a pure function of the result,
 * so the same results.json always gives the same record.
 */
export function makeRecord(result: RunResult): RunRecord {
  return {
    kind: RECORD_KIND,
    schemaVersion: RECORD_SCHEMA_VERSION,
    resultSchemaVersion: result.schemaVersion,
    runId: result.runId,
    createdAt: result.createdAt,
    finishedAt: result.finishedAt,
    status: result.status,
    command: result.command,
    scenario: result.scenario,
    environment: result.environment,
    reference: result.reference,
    ...(result.mergedFrom ? { mergedFrom: result.mergedFrom } : {}),
    systems: result.systems.map(recordSystem),
    comparisons: result.comparisons,
  };
}

function recordSystem(s: SystemResult): RecordSystem {
  return {
    id: s.id,
    target: s.target,
    status: s.status,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    failure: s.failure ? { step: s.failure.step, message: s.failure.message } : null,
    versions: s.versions,
    ...(s.runner ? { runner: s.runner } : {}),
    steps: s.steps.map(recordStep),
  };
}

function recordStep(step: StepResult): RecordStep {
  const merged = step.aggregate.mergedHistogram;
  return {
    name: step.name,
    config: step.config,
    aggregate: {
      ...step.aggregate,
      mergedHistogram: merged ? rebinHistogram(merged, RECORD_HISTOGRAM_SIGNIFICANT_DIGITS) : null,
    },
    repetitions: repetitionColumns(step),
  };
}

function repetitionColumns(step: StepResult): RepetitionColumns {
  const reps = step.repetitions;
  const basis = step.aggregate.latencyBasis;
  const latency = (key: 'count' | 'p50Us' | 'p90Us' | 'p99Us' | 'p999Us' | 'maxUs'): Array<number | null> =>
    reps.map((r) => r.latency[basis]?.summary[key] ?? null);
  const installs = reps.map((r) => r.install ?? 1);
  return {
    repetition: reps.map((r) => r.repetition),
    ...(installs.some((i) => i !== 1) ? { install: installs } : {}),
    status: reps.map((r) => r.status),
    invalidReasons: reps.map((r) => r.invalidReasons),
    warnings: reps.map((r) => r.warnings),
    throughput: reps.map((r) => r.throughput),
    achievedRate: reps.map((r) => r.achievedRate),
    errorRate: reps.map((r) => r.errorRate),
    count: latency('count'),
    p50Us: latency('p50Us'),
    p90Us: latency('p90Us'),
    p99Us: latency('p99Us'),
    p999Us: latency('p999Us'),
    maxUs: latency('maxUs'),
    resources: resourceColumns(step),
  };
}

function resourceColumns(step: StepResult): RepetitionColumns['resources'] {
  const reps = step.repetitions;
  if (reps.every((r) => r.resources === null)) return null;
  const roles: NonNullable<RepetitionColumns['resources']>['roles'] = {};
  for (const role of containerRoles) {
    if (!reps.some((r) => (r.resources?.roles[role]?.containers ?? 0) > 0)) continue;
    roles[role] = {
      memoryMeanBytes: reps.map((r) => {
        const v = r.resources?.roles[role]?.memoryMeanBytes;
        return v === undefined ? null : Math.round(v);
      }),
      cpuMeanCores: reps.map((r) => {
        const v = r.resources?.roles[role]?.cpuMeanCores;
        return v === undefined ? null : Math.round(v * 1e6) / 1e6;
      }),
    };
  }
  return { nodes: reps.map((r) => (r.resources ? r.resources.nodes.length : null)), roles };
}

/**
 * The record as committed: a key per line, and one line per system and per comparison, so it stays small and a diff
 * still points at the system that changed. Parses back to the same value (plain JSON).
 */
export function serializeRecord(record: RunRecord): string {
  const lines = Object.entries(record).map(([key, value]) => {
    const name = JSON.stringify(key);
    if ((key === 'systems' || key === 'comparisons') && Array.isArray(value) && value.length > 0) {
      return `${name}:[\n${value.map((item) => JSON.stringify(item)).join(',\n')}\n]`;
    }
    return `${name}:${JSON.stringify(value)}`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}
