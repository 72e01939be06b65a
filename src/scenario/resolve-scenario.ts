import type { ResolvedLoadStep, ResolvedScenario } from '../core/scenario-types.js';
import { sloPercentiles } from '../core/slo-schema.js';
import {
  defaultMaxConnections,
  defaultRateConnections,
  defaultStepName,
  type ScenarioFile,
  type ScenarioStep,
} from './schema.js';

/**
 * Fills the defaults that depend on other fields (a step's `defaults`, rate-derived connection pools, names) and
 * the machine (`workers: auto`). Pure: the same file and core count always give the same scenario.
 * Assumes `file` passed scenarioFileSchema, whose refinements already rejected what would resolve to nonsense.
 */
export function resolveScenario(file: ScenarioFile, source: string, availableCores: number): ResolvedScenario {
  return {
    name: file.name,
    description: file.description ?? '',
    source,
    repetitions: file.repetitions,
    installs: file.installs,
    ...(file.scale
      ? {
          scale: {
            replicasPerNode: [...file.scale.replicasPerNode],
            settleS: file.scale.settle,
            idleS: file.scale.idle,
            load: { rate: file.scale.load.rate, durationS: file.scale.load.duration },
            projection: { nodes: file.scale.project.nodes, pods: file.scale.project.pods },
          },
        }
      : {}),
    seed: file.seed,
    errorBudget: file.errorBudget,
    workload: {
      responseBytes: file.workload.responseBytes,
      serviceDelayUs: Math.round(file.workload.serviceDelay * 1e6),
      hops: file.workload.hops,
      replicas: file.workload.replicas,
      path: file.workload.path,
    },
    thresholds: { ...file.thresholds },
    steps: file.steps.map((step) => resolveStep(step, file.defaults, availableCores, file.errorBudget)),
  };
}

/** `workers: auto` is min(available cores, 2): a second thread helps at high rates, more would take cores from the system under test. */
export function resolveWorkers(workers: number | 'auto', availableCores: number): number {
  if (workers !== 'auto') return workers;
  const cores = Number.isFinite(availableCores) ? Math.max(1, Math.floor(availableCores)) : 1;
  return Math.min(cores, 2);
}

function resolveStep(step: ScenarioStep, defaults: ScenarioFile['defaults'], availableCores: number, errorBudget: number): ResolvedLoadStep {
  const durationS = step.duration ?? defaults.duration;
  const warmupS = step.warmup ?? defaults.warmup;
  const workers = resolveWorkers(step.workers ?? defaults.workers, availableCores);
  const timeoutMs = Math.round((step.timeout ?? defaults.timeout) * 1000);
  const arrival = step.arrival ?? defaults.arrival;
  const name = step.name ?? defaultStepName(step);
  if (step.mode === 'rate') {
    const connections = step.connections ?? defaultRateConnections(step.rate);
    return {
      name,
      mode: step.mode,
      rate: step.rate,
      connections,
      maxConnections: step.maxConnections ?? defaultMaxConnections(step.rate, connections),
      durationS,
      warmupS,
      arrival,
      workers,
      timeoutMs,
    };
  }
  if (step.mode === 'slo') {
    // The pool recorded on the step is the start rate's; each probe derives its own unless the scenario fixed it.
    const connections = step.connections ?? defaultRateConnections(step.startRate);
    return {
      name,
      mode: step.mode,
      rate: null,
      connections,
      maxConnections: step.maxConnections ?? defaultMaxConnections(step.startRate, connections),
      durationS,
      warmupS,
      arrival,
      workers,
      timeoutMs,
      slo: {
        objective: {
          latency: sloPercentiles.flatMap((percentile) => {
            const s = step.objective[percentile];
            return s === undefined ? [] : [{ percentile, maxUs: Math.round(s * 1e6) }];
          }),
          errorRate: step.objective.errorRate ?? errorBudget,
        },
        startRate: step.startRate,
        minRate: step.minRate,
        maxRate: step.maxRate ?? null,
        engineCeiling: step.engineCeiling ?? null,
        precision: step.precision,
        confirmations: step.confirmations,
        connections: step.connections ?? null,
        maxConnections: step.maxConnections ?? null,
      },
    };
  }
  // Closed loop: no target rate and a fixed pool; arrival is unused but recorded like any other setting.
  return {
    name,
    mode: step.mode,
    rate: null,
    connections: step.connections,
    maxConnections: step.connections,
    durationS,
    warmupS,
    arrival,
    workers,
    timeoutMs,
  };
}
