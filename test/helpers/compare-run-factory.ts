import { containerRoles, runResultSchema, type RepetitionResult, type RunResult } from '../../src/core/result-schema.js';
import type { ResourceSummary } from '../../src/core/resource-schema.js';
import { makeRecord } from '../../src/history/make-record.js';
import type { RunRecord } from '../../src/history/record-schema.js';
import type { ResolvedScenario } from '../../src/core/scenario-types.js';
import { fixtureEnvironment } from './run-result-factory.js';
import { makeStep, makeSystem, repetitionsWithPercentiles } from './repetition-factory.js';

/**
 * Runs whose truth is known, for `bench compare` tests: each system's step has the given per-repetition p50s (and p99s,
 * default p50 + 500 µs; p99.9 = p99), recorded into real histograms whose percentiles are exactly those values
 * (repetition-factory's latencyProfile), and optionally per-repetition memory and CPU of one role.
 */
export interface SyntheticStep {
  p50s: readonly number[];
  p99s?: readonly number[];
  /** Per repetition: the install it ran on (scenario `installs`); default all install 1. */
  installs?: readonly number[];
  /** Per repetition: mean working set of `role`, bytes, and mean CPU, cores. */
  resources?: { role: (typeof containerRoles)[number]; memoryBytes: readonly number[]; cpuCores: readonly number[] };
}

export interface SyntheticRun {
  runId: string;
  createdAt: string;
  /** system id → step name → values. */
  systems: Record<string, Record<string, SyntheticStep>>;
  cpuModel?: string;
  cores?: number;
  scenarioName?: string;
  /** Rate of every step (the scenario check compares step settings). */
  rate?: number;
}

export function syntheticRun(spec: SyntheticRun): RunResult {
  const systems = Object.entries(spec.systems).map(([id, steps]) =>
    makeSystem(
      id,
      Object.entries(steps).map(([name, s]) => {
        const reps = repetitionsWithPercentiles(s.p50s, s.p99s).map((r, i) => {
          const install = s.installs?.[i];
          return withResources({ ...consistent(r), ...(install === undefined ? {} : { install }) }, s.resources, i);
        });
        const step = makeStep(name, reps);
        if (spec.rate === undefined) return step;
        const config = { ...step.config, rate: spec.rate };
        return { ...step, config, repetitions: step.repetitions.map((r) => ({ ...r, step: config })) };
      }),
    ),
  );
  const firstSystem = systems[0];
  const scenario: ResolvedScenario = {
    name: spec.scenarioName ?? 'nightly',
    description: 'synthetic',
    source: 'scenarios/nightly.yaml',
    repetitions: 5,
    installs: Math.max(1, ...Object.values(spec.systems).flatMap((steps) => Object.values(steps).flatMap((s) => s.installs ?? []))),
    seed: 7,
    errorBudget: 0.001,
    workload: { responseBytes: 1024, serviceDelayUs: 0, hops: 1, replicas: 1, path: '/' },
    thresholds: { minRateFraction: 0.99, maxCv: 0.05, littlesLawTolerance: 0.1 },
    steps: (firstSystem?.steps ?? []).map((s) => s.config),
  };
  return runResultSchema.parse({
    schemaVersion: 1,
    kind: 'mesh-bench/run',
    runId: spec.runId,
    createdAt: spec.createdAt,
    finishedAt: spec.createdAt,
    status: 'completed',
    command: ['bench', 'run'],
    scenario,
    environment: { ...fixtureEnvironment, cpuModel: spec.cpuModel ?? fixtureEnvironment.cpuModel, cores: spec.cores ?? fixtureEnvironment.cores },
    reference: null,
    systems,
    comparisons: [],
  } satisfies RunResult);
}

/** Rates that agree with the counts, as a written results file must (src/report/result-consistency.ts). */
/** The run as `bench compare` reads it: its compact record (src/history/read-run.ts reads a results.json so too). */
export function syntheticRecord(spec: SyntheticRun): RunRecord {
  return makeRecord(syntheticRun(spec));
}

function consistent(rep: RepetitionResult): RepetitionResult {
  return { ...rep, throughput: rep.counts.completed / rep.durationS, achievedRate: rep.counts.sent / rep.durationS };
}

function withResources(rep: RepetitionResult, r: SyntheticStep['resources'], i: number): RepetitionResult {
  if (!r) return rep;
  const memory = r.memoryBytes[i] ?? 0;
  const cpu = r.cpuCores[i] ?? 0;
  const zero = { memoryMeanBytes: 0, memoryMaxBytes: 0, cpuMeanCores: 0, cpuMaxCores: 0, samples: 0, containers: 0 };
  const roles = Object.fromEntries(containerRoles.map((role) => [role, zero])) as ResourceSummary['roles'];
  roles[r.role] = { memoryMeanBytes: memory, memoryMaxBytes: memory, cpuMeanCores: cpu, cpuMaxCores: cpu, samples: 6, containers: 1 };
  const resources: ResourceSummary = {
    roles,
    pods: [],
    nodes: [],
    containers: [],
    scrapes: 6,
    scrapeErrors: 0,
    samples: 12,
    distinctTimestamps: 12,
    window: null,
    notes: [],
  };
  return { ...rep, resources };
}
