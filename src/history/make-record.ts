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
import { roundFigures } from './round-figures.js';
import { Packer } from './pack-record.js';
import { dataPlanePods } from '../report/report-input.js';

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
    systems: recordSystems(result.systems),
    comparisons: roundFigures(result.comparisons),
  };
}

function recordSystems(systems: readonly SystemResult[]): RecordSystem[] {
  const kept: RecordSystem[] = [];
  for (const s of systems) {
    const { steps, phases, ...rest } = s;
    const own = phases?.map(({ startedAt: _, ...phase }) => phase);
    // The report shows a mesh's phases once, under its id: a variant with the same phases points at the first.
    const first = kept.find((k) => k.id.split('/')[0] === s.id.split('/')[0] && k.phases !== undefined);
    const shared = own !== undefined && first !== undefined && JSON.stringify(first.phases) === JSON.stringify(own);
    kept.push({ ...rest, ...(shared ? { phasesOf: first.id } : own !== undefined ? { phases: own } : {}), steps: steps.map(recordStep) });
  }
  return kept;
}

function recordStep(step: StepResult): RecordStep {
  const merged = step.aggregate.mergedHistogram;
  return {
    name: step.name,
    config: step.config,
    aggregate: {
      ...roundFigures(step.aggregate),
      mergedHistogram: merged ? rebinHistogram(merged, RECORD_HISTOGRAM_SIGNIFICANT_DIGITS) : null,
    },
    repetitions: roundFigures(repetitionColumns(step)),
  };
}

function repetitionColumns(step: StepResult): RepetitionColumns {
  const reps = step.repetitions;
  const basis = step.aggregate.latencyBasis;
  const latency = (key: 'p50Us' | 'p99Us' | 'p999Us'): Array<number | null> =>
    reps.map((r) => r.latency[basis]?.summary[key] ?? null);
  const installs = reps.map((r) => r.install ?? 1);
  return {
    repetition: reps.map((r) => r.repetition),
    ...(installs.some((i) => i !== 1) ? { install: installs } : {}),
    status: reps.map((r) => r.status),
    invalidReasons: reps.map((r) => r.invalidReasons),
    warnings: reps.map((r) => r.warnings),
    throughput: reps.map((r) => r.throughput),
    errorRate: reps.map((r) => r.errorRate),
    p50Us: latency('p50Us'),
    p99Us: latency('p99Us'),
    p999Us: latency('p999Us'),
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
      cpuMeanCores: reps.map((r) => r.resources?.roles[role]?.cpuMeanCores ?? null),
    };
  }
  return {
    nodes: reps.map((r) => (r.resources ? r.resources.nodes.length : null)),
    sidecarPods: reps.map((r) => (r.resources ? dataPlanePods(r.resources.pods).sidecarPods : null)),
    agentNodes: reps.map((r) => (r.resources ? dataPlanePods(r.resources.pods).agentNodes : null)),
    roles,
  };
}

/**
 * The record as committed: its run's fields a key per line, then the string table and the templates
 * (src/history/pack-record.ts) one per line, then one line per system (its own fields, then its steps) and per
 * comparison, so a diff still points at the system that changed. Parsing it back with parseRecordText gives the same
 * record.
 */
export function serializeRecord(record: RunRecord): string {
  const { systems, comparisons, ...run } = record;
  const packer = new Packer();
  // Phases apart from the rest of the system: a template per phase-list length, not one per mesh (versions differ).
  const packedSystems = systems.map(({ steps, phases, ...system }) => ({
    system: packer.pack(system),
    ...(phases ? { phases: packer.pack(phases) } : {}),
    steps: steps.map((step) => packer.pack(step)),
  }));
  const packedComparisons = comparisons.map((c) => packer.pack(c));
  const list = (items: readonly unknown[]): string => (items.length === 0 ? '[]' : `[\n${items.map((item) => JSON.stringify(item)).join(',\n')}\n]`);
  const lines = [
    ...Object.entries(run).map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`),
    `"strings":${list(packer.strings)}`,
    `"templates":${list(packer.templates)}`,
    `"systems":${list(packedSystems)}`,
    `"comparisons":${list(packedComparisons)}`,
  ];
  return `{\n${lines.join(',\n')}\n}\n`;
}
