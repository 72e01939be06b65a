import type { ReportRepetition, ReportRun, ReportStep, ReportSystem } from '../report/report-input.js';
import type { RecordStep, RecordSystem, RunRecord } from './record-schema.js';

/**
 * A compact record as the report reads a run (src/report/report-input.ts): its systems as they were, each step's
 * repetitions rebuilt from the record's columns (number, install, status, reasons, warnings) with their node and pod
 * counts beside them. `bench report record.json` renders this; the figures are the record's (rounded to 7
 * significant digits, src/history/round-figures.ts), which the report prints to at most 5.
 */
export function recordReportView(record: RunRecord): ReportRun {
  return {
    schemaVersion: record.resultSchemaVersion,
    kind: 'mesh-bench/run',
    runId: record.runId,
    createdAt: record.createdAt,
    finishedAt: record.finishedAt,
    status: record.status,
    command: record.command,
    scenario: record.scenario,
    environment: record.environment,
    reference: record.reference,
    ...(record.mergedFrom ? { mergedFrom: record.mergedFrom } : {}),
    systems: record.systems.map((s) => systemView(s, record.systems)),
    comparisons: record.comparisons,
  };
}

function systemView(system: RecordSystem, all: readonly RecordSystem[]): ReportSystem {
  const { steps, phasesOf, phases, ...rest } = system;
  // A variant's phases are its mesh's, kept once on the first variant (record-consistency.ts checks that it has them).
  const shared = phasesOf === undefined ? phases : all.find((s) => s.id === phasesOf)?.phases;
  return { ...rest, ...(shared ? { phases: shared } : {}), steps: steps.map(stepView) };
}

function stepView(step: RecordStep): ReportStep {
  const c = step.repetitions;
  // Every column has one entry per repetition: checked when the record was read (record-consistency.ts).
  const repetitions = c.repetition.map(
    (repetition, i): ReportRepetition => ({
      repetition,
      ...(c.install ? { install: c.install[i]! } : {}),
      status: c.status[i]!,
      invalidReasons: c.invalidReasons[i]!,
      warnings: c.warnings[i]!,
    }),
  );
  const r = c.resources;
  return {
    name: step.name,
    config: step.config,
    aggregate: step.aggregate,
    repetitions,
    ...(r ? { counts: { nodes: r.nodes, sidecarPods: r.sidecarPods, agentNodes: r.agentNodes } } : {}),
  };
}
