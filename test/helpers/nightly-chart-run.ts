import { createLatencyHistogram, recordMicros, toLatencyRecord } from '../../src/analysis/histogram.js';
import type { Comparison, Estimate, RunResult, StepResult, SystemResult } from '../../src/core/result-schema.js';
import type { RoleResourceSummary } from '../../src/core/resource-schema.js';
import type { ResolvedLoadStep } from '../../src/core/scenario-types.js';
import { containerRoles, type ContainerRole } from '../../src/core/result-schema.js';
import { fixtureEnvironment, fixtureScenario, logNormalLatencies, seededRandom } from './run-result-factory.js';

/**
 * A nightly-shaped run for the chart tests: five rate steps and one closed-loop step, a baseline and three meshes each
 * with its unmeshed namespace, resources per role on every step, comparisons against the baseline and within each
 * cluster. Only what the charts read is realistic: each step's merged histogram holds `REQUESTS` seeded log-normal
 * latencies, medians and intervals are derived from known numbers (so a test can compute what a chart must show), and
 * there are no repetitions. Built fresh (seeded) each time: same code, same result.
 */
export const RATES = [100, 500, 1000, 2000, 4000] as const;
export const REQUESTS = 20_000;
export const SYSTEMS = [
  'baseline',
  'cilium',
  'cilium/unmeshed',
  'istio-ambient',
  'istio-ambient/unmeshed',
  'linkerd',
  'linkerd/unmeshed',
] as const;

/** Median p50 per system at 100 req/s, µs; each doubling of the rate adds 5%. */
const BASE_P50_US: Record<(typeof SYSTEMS)[number], number> = {
  baseline: 300,
  cilium: 330,
  'cilium/unmeshed': 320,
  'istio-ambient': 420,
  'istio-ambient/unmeshed': 305,
  linkerd: 520,
  'linkerd/unmeshed': 302,
};

/** Memory per role, MiB (the same at every step; the load client grows with the rate). */
const MEMORY_MIB: Record<string, Partial<Record<ContainerRole, number>>> = {
  baseline: { workload: 20, 'load-client': 60, other: 150 },
  cilium: { workload: 20, 'load-client': 60, 'node-agent': 380, 'control-plane': 60, other: 150 },
  'istio-ambient': { workload: 20, 'load-client': 60, 'node-agent': 45, 'control-plane': 90, other: 150 },
  linkerd: { workload: 20, 'load-client': 60, 'sidecar-proxy': 24, 'control-plane': 120, other: 150 },
};

function step(name: string, rate: number | null): ResolvedLoadStep {
  return {
    name,
    mode: rate === null ? 'connections' : 'rate',
    rate,
    connections: rate === null ? 32 : 8,
    maxConnections: rate === null ? 32 : 64,
    durationS: 30,
    warmupS: 5,
    arrival: 'uniform',
    workers: 1,
    timeoutMs: 10_000,
  };
}

export const NIGHTLY_STEPS: ResolvedLoadStep[] = [...RATES.map((r) => step(`rate-${r}`, r)), step('conn-32', null)];

export function p50Us(system: (typeof SYSTEMS)[number], stepIndex: number): number {
  return Math.round(BASE_P50_US[system] * 1.05 ** stepIndex);
}

function est(value: number, spread: number): Estimate {
  return { value, ci95: [value * (1 - spread), value * (1 + spread)] };
}

function resources(system: string, rate: number | null): Record<ContainerRole, RoleResourceSummary> | null {
  const memory = MEMORY_MIB[system.replace(/\/unmeshed$/, '')];
  if (!memory) return null;
  const out = {} as Record<ContainerRole, RoleResourceSummary>;
  for (const role of containerRoles) {
    const mib = (memory[role] ?? 0) + (role === 'load-client' ? (rate ?? 4000) / 100 : 0);
    const bytes = mib * 1024 * 1024;
    out[role] = {
      memoryMeanBytes: bytes,
      memoryMaxBytes: bytes * 1.1,
      cpuMeanCores: mib / 1000,
      cpuMaxCores: mib / 500,
      samples: mib > 0 ? 12 : 0,
      containers: mib > 0 ? 1 : 0,
    };
  }
  return out;
}

export function buildNightlyChartRun(options: { withResources?: boolean } = {}): RunResult {
  const random = seededRandom(7);
  const systems: SystemResult[] = SYSTEMS.map((id) => ({
    id,
    target: 'kind',
    status: 'completed',
    startedAt: '2026-11-21T02:00:00.000Z',
    finishedAt: '2026-11-21T02:40:00.000Z',
    failure: null,
    versions: {},
    meshComponents: [],
    steps: NIGHTLY_STEPS.map((config, i): StepResult => {
      const h = createLatencyHistogram();
      for (const us of logNormalLatencies(random, REQUESTS, p50Us(id, i), 0.35)) recordMicros(h, us);
      const record = toLatencyRecord(h);
      return {
        name: config.name,
        config,
        repetitions: [],
        aggregate: {
          latencyBasis: config.mode === 'rate' ? 'intended' : 'sent',
          validRepetitions: 5,
          merged: record.summary,
          mergedHistogram: record.histogram,
          median: {
            p50Us: est(p50Us(id, i), 0.03),
            p90Us: est(p50Us(id, i) * 1.6, 0.04),
            p99Us: est(p50Us(id, i) * 2.3, 0.06),
            p999Us: est(p50Us(id, i) * 2.9, 0.1),
            throughput: est(config.rate ?? 20_000, 0.01),
          },
          cv: { p50: 0.01, p99: 0.02, throughput: 0.01 },
          noisy: false,
          resources: options.withResources === false ? null : resources(id, config.rate),
          notes: [],
        },
      };
    }),
  }));
  const comparisons: Comparison[] = [];
  for (const mesh of ['cilium', 'istio-ambient', 'linkerd'] as const) {
    for (const reference of ['baseline', `${mesh}/unmeshed`] as const) {
      NIGHTLY_STEPS.forEach((config, i) => {
        const d = p50Us(mesh, i) - p50Us(reference, i);
        comparisons.push({
          step: config.name,
          reference,
          system: mesh,
          latencyBasis: config.mode === 'rate' ? 'intended' : 'sent',
          deltaP50Us: { value: d, ci95: [d - 15, d + 15] },
          deltaP99Us: { value: d * 2.3, ci95: [d * 2.3 - 60, d * 2.3 + 60] },
          pValueP50: 0.008,
          pValueP99: 0.03,
          repetitions: { reference: 5, system: 5 },
        });
      });
    }
  }
  return {
    schemaVersion: 1,
    kind: 'mesh-bench/run',
    runId: '2026-11-21T02-00-00Z-default',
    createdAt: '2026-11-21T02:00:00.000Z',
    finishedAt: '2026-11-21T04:00:00.000Z',
    status: 'completed',
    command: ['bench', 'run'],
    scenario: { ...fixtureScenario, name: 'default', repetitions: 5, steps: NIGHTLY_STEPS },
    environment: fixtureEnvironment,
    reference: 'baseline',
    systems,
    comparisons,
  };
}
