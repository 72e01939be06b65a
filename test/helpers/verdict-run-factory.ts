import { runResultSchema, type RunResult, type SystemResult } from '../../src/core/result-schema.js';
import type { ContainerResourceSummary, ContainerRole, ResourceSummary } from '../../src/core/resource-schema.js';
import { containerRoles } from '../../src/core/resource-schema.js';
import { comparisons } from '../../src/pipeline/run-benchmark.js';
import { latencyProfile, makeRepetitions, makeStep, makeSystem } from './repetition-factory.js';
import { fixtureEnvironment, fixtureScenario } from './run-result-factory.js';

/**
 * Synthetic runs for the verdict tests, with known numbers: every repetition of a step has the same p50 and p99 (so
 * the medians, the differences and their bootstrap intervals are exact), resources are the same in every repetition
 * (so the medians over repetitions are the given values), and the comparisons are what the pipeline computes
 * (`comparisons()` of src/pipeline/run-benchmark.ts, on the real statistics).
 */

export const RATE_STEP = 'rate-1k';
export const CONN_STEP = 'conn-16';
export const REPETITIONS = 5;

export interface DataPlaneSpec {
  /** Pods with a sidecar, each with this much memory (bytes) and CPU (cores). */
  sidecars?: { pods: number; memoryBytes: number; cpuCores: number };
  /** Nodes running node agents; per node, this memory and CPU across its agents (split over `containersPerNode`). */
  agents?: { nodes: number; memoryBytes: number; cpuCores: number; containersPerNode?: number };
  waypoint?: { memoryBytes: number; cpuCores: number };
}

export interface SystemSpec {
  id: string;
  /** Per step: p50 and p99 of every repetition, µs (below 2048 µs, where the histogram is exact). */
  latency: Record<string, { p50Us: number; p99Us: number }>;
  /** Responses per second in every repetition (default 1000). */
  throughput?: number;
  dataPlane?: DataPlaneSpec;
  target?: SystemResult['target'];
}

export function buildVerdictRun(systems: readonly SystemSpec[], reference: string | null): RunResult {
  const built = systems.map((spec) => {
    const steps = [RATE_STEP, CONN_STEP]
      .filter((name) => spec.latency[name])
      .map((name) => {
        const l = spec.latency[name]!;
        const mode = name === RATE_STEP ? 'rate' : 'connections';
        const reps = makeRepetitions(
          Array.from({ length: REPETITIONS }, () => ({ mode, sentUs: latencyProfile(l), throughput: spec.throughput ?? 1000 })),
        ).map((r) => ({
          ...r,
          // The measured window that makes counts and rates agree (`bench report` checks it): 100 responses at
          // the given throughput.
          durationS: r.counts.completed / r.throughput,
          resources: spec.dataPlane ? resourceSummary(spec.dataPlane) : null,
        }));
        return makeStep(name, reps);
      });
    return { ...makeSystem(spec.id, steps), target: spec.target ?? 'kind' };
  });
  const scenario = {
    ...fixtureScenario,
    name: 'verdicts',
    repetitions: REPETITIONS,
    steps: built[0]?.steps.map((s) => s.config) ?? [],
  };
  const result: RunResult = {
    schemaVersion: 1,
    kind: 'mesh-bench/run',
    runId: '2026-11-30T02-00-00Z-verdicts',
    createdAt: '2026-11-30T02:00:00.000Z',
    finishedAt: '2026-11-30T03:00:00.000Z',
    status: 'completed',
    command: ['bench', 'run', '--mesh', systems.map((s) => s.id).filter((id) => !id.includes('/')).join(',')],
    scenario,
    environment: fixtureEnvironment,
    reference,
    systems: built,
    comparisons: [],
  };
  result.comparisons = comparisons(result);
  return runResultSchema.parse(result);
}

/** One repetition's kubelet summary holding exactly the given data plane, plus a workload and a load client. */
export function resourceSummary(spec: DataPlaneSpec): ResourceSummary {
  const containers: ContainerResourceSummary[] = [];
  const add = (namespace: string, pod: string, container: string, node: string, role: ContainerRole, memoryBytes: number, cpuCores: number) =>
    containers.push({
      namespace,
      pod,
      container,
      node,
      role,
      memoryMeanBytes: memoryBytes,
      memoryMaxBytes: memoryBytes,
      cpuMeanCores: cpuCores,
      cpuMaxCores: cpuCores,
      memorySamples: 4,
      cpuSamples: 4,
      cpuIntervals: 3,
      counterResets: 0,
    });
  add('mesh-bench', 'server-0', 'server', 'worker', 'workload', 20e6, 0.2);
  add('mesh-bench', 'load-0', 'load', 'worker2', 'load-client', 60e6, 0.5);
  for (let i = 0; i < (spec.sidecars?.pods ?? 0); i++) {
    const s = spec.sidecars!;
    add('mesh-bench', `server-${i + 1}`, 'istio-proxy', 'worker', 'sidecar-proxy', s.memoryBytes, s.cpuCores);
  }
  for (let n = 0; n < (spec.agents?.nodes ?? 0); n++) {
    const a = spec.agents!;
    const k = a.containersPerNode ?? 1;
    for (let c = 0; c < k; c++) add('kube-system', `agent-${n}`, `agent-${c}`, `node-${n}`, 'node-agent', a.memoryBytes / k, a.cpuCores / k);
  }
  if (spec.waypoint) add('mesh-bench', 'waypoint-0', 'istio-proxy', 'worker', 'waypoint', spec.waypoint.memoryBytes, spec.waypoint.cpuCores);
  const sum = (cs: readonly ContainerResourceSummary[]) => ({
    memoryMeanBytes: cs.reduce((a, c) => a + (c.memoryMeanBytes ?? 0), 0),
    memoryMaxBytes: cs.reduce((a, c) => a + (c.memoryMaxBytes ?? 0), 0),
    cpuMeanCores: cs.reduce((a, c) => a + (c.cpuMeanCores ?? 0), 0),
    cpuMaxCores: cs.reduce((a, c) => a + (c.cpuMaxCores ?? 0), 0),
    samples: cs.reduce((a, c) => a + c.memorySamples + c.cpuSamples, 0),
  });
  const roles = Object.fromEntries(
    containerRoles.map((role) => {
      const of = containers.filter((c) => c.role === role);
      return [role, { ...sum(of), containers: of.length }];
    }),
  ) as ResourceSummary['roles'];
  const podKeys = [...new Set(containers.map((c) => `${c.namespace}/${c.pod}`))];
  const pods = podKeys.map((key) => {
    const of = containers.filter((c) => `${c.namespace}/${c.pod}` === key);
    const first = of[0]!;
    // A meshed server pod holds the workload next to its sidecar: the pod list records both roles.
    const roleSet = new Set(of.map((c) => c.role));
    if (first.container === 'istio-proxy' && first.role === 'sidecar-proxy') roleSet.add('workload');
    return {
      ...sum(of),
      namespace: first.namespace,
      pod: first.pod,
      node: first.node,
      roles: containerRoles.filter((r) => roleSet.has(r)),
      containers: of.length,
    };
  });
  const nodes = [...new Set(containers.map((c) => c.node))].map((node) => {
    const of = containers.filter((c) => c.node === node);
    return { node, containers: of.length, sumOfContainers: sum(of), total: null };
  });
  return {
    roles,
    pods,
    nodes,
    containers,
    scrapes: 4,
    scrapeErrors: 0,
    samples: containers.length * 8,
    distinctTimestamps: containers.length * 8,
    window: null,
    notes: [],
  };
}

const MiB = 2 ** 20;

/** Per step p50/p99, µs: the rate step first, then the closed-loop one. */
export function latencies(rate: [number, number], conn: [number, number]): SystemSpec['latency'] {
  return { [RATE_STEP]: { p50Us: rate[0], p99Us: rate[1] }, [CONN_STEP]: { p50Us: conn[0], p99Us: conn[1] } };
}

/** ztunnel on 3 nodes, 15 MiB and 30 m each. */
export const AMBIENT_AGENTS: DataPlaneSpec = { agents: { nodes: 3, memoryBytes: 15 * MiB, cpuCores: 0.03 } };
/** cilium-agent and cilium-envoy on 3 nodes: 150 MiB and 60 m per node, split over the two containers. */
export const CILIUM_AGENTS: DataPlaneSpec = { agents: { nodes: 3, memoryBytes: 150 * MiB, cpuCores: 0.06, containersPerNode: 2 } };
/** Istio sidecars on 2 pods, 40 MiB and 100 m each. */
export const ISTIO_SIDECARS: DataPlaneSpec = { sidecars: { pods: 2, memoryBytes: 40 * MiB, cpuCores: 0.1 } };

/**
 * baseline; istio-ambient with its unmeshed namespace (ztunnel); istio without one (sidecars, at 2000 req/s of
 * throughput); cilium with its unmeshed namespace (a CNI: its within-cluster comparison does not isolate it).
 */
export function runWithBaseline(): RunResult {
  return buildVerdictRun(
    [
      { id: 'baseline', latency: latencies([290, 480], [250, 450]) },
      { id: 'istio-ambient', latency: latencies([340, 710], [280, 460]), dataPlane: AMBIENT_AGENTS },
      { id: 'istio-ambient/unmeshed', latency: latencies([300, 500], [250, 450]), dataPlane: AMBIENT_AGENTS },
      { id: 'istio', latency: latencies([490, 1480], [400, 1200]), dataPlane: ISTIO_SIDECARS, throughput: 2000 },
      { id: 'cilium', latency: latencies([320, 600], [260, 470]), dataPlane: CILIUM_AGENTS },
      { id: 'cilium/unmeshed', latency: latencies([320, 600], [260, 470]), dataPlane: CILIUM_AGENTS },
    ],
    'baseline',
  );
}

/** `--mesh cilium,istio-ambient`: no baseline, each mesh with its unmeshed namespace. */
export function runWithoutBaseline(): RunResult {
  return buildVerdictRun(
    [
      { id: 'cilium', latency: latencies([300, 500], [250, 450]), dataPlane: CILIUM_AGENTS },
      { id: 'cilium/unmeshed', latency: latencies([300, 500], [250, 450]), dataPlane: CILIUM_AGENTS },
      { id: 'istio-ambient', latency: latencies([340, 710], [280, 460]), dataPlane: AMBIENT_AGENTS },
      { id: 'istio-ambient/unmeshed', latency: latencies([300, 500], [250, 450]), dataPlane: AMBIENT_AGENTS },
    ],
    null,
  );
}

/**
 * baseline and istio-ambient, whose unmeshed namespace measured the rate step only: istio-ambient is compared within
 * its cluster at 1000 req/s and with baseline across clusters at 16 connections.
 */
export function runComparedWithinAndAcrossClusters(): RunResult {
  return buildVerdictRun(
    [
      { id: 'baseline', latency: latencies([290, 480], [250, 450]) },
      { id: 'istio-ambient', latency: latencies([340, 710], [280, 460]) },
      { id: 'istio-ambient/unmeshed', latency: { [RATE_STEP]: { p50Us: 300, p99Us: 500 } } },
    ],
    'baseline',
  );
}
