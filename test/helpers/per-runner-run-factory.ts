import { probit } from 'simple-statistics';
import { aggregateStep } from '../../src/analysis/aggregate-step.js';
import { createLatencyHistogram, toLatencyRecord } from '../../src/analysis/histogram.js';
import { createRandom } from '../../src/analysis/random.js';
import {
  containerRoles,
  runResultSchema,
  type ContainerRole,
  type Environment,
  type LatencyRecord,
  type RepetitionResult,
  type RunResult,
  type StepResult,
  type SystemResult,
} from '../../src/core/result-schema.js';
import type { ResourceSummary } from '../../src/core/resource-schema.js';
import type { ResolvedLoadStep, ResolvedScenario } from '../../src/core/scenario-types.js';
import { comparisons } from '../../src/pipeline/run-benchmark.js';

/**
 * Per-runner runs like the nightly's matrix jobs make them (issue 9, build 1): one mesh, its unmeshed namespace and a
 * `baseline` cluster on the same runner, `scenarios/default.yaml`'s shape (five rate steps and c=32, 5 repetitions of
 * 30 s). Latencies are log-normal and recorded into real histograms by quantile (thousands of strata, each holding
 * an equal share of the step's requests), so the histograms fill buckets like a real run's at a fraction of the cost;
 * aggregates and comparisons come from the real statistics (aggregateStep, the pipeline's comparisons()).
 */

const step = (name: string, mode: 'rate' | 'connections', rate: number | null, connections: number): ResolvedLoadStep => ({
  name,
  mode,
  rate,
  connections,
  maxConnections: mode === 'rate' ? 64 : connections,
  durationS: 30,
  warmupS: 5,
  arrival: 'uniform',
  workers: 1,
  timeoutMs: 10_000,
});

export const nightlyScenario: ResolvedScenario = {
  name: 'default',
  description: 'Latency added by each mesh at increasing open-loop request rates.',
  source: 'scenarios/default.yaml',
  repetitions: 5,
  seed: 1,
  errorBudget: 0.001,
  workload: { responseBytes: 1024, serviceDelayUs: 0, hops: 1, replicas: 1, path: '/' },
  thresholds: { minRateFraction: 0.99, maxCv: 0.05, littlesLawTolerance: 0.1 },
  steps: [
    step('rate-100', 'rate', 100, 4),
    step('rate-500', 'rate', 500, 8),
    step('rate-1000', 'rate', 1000, 8),
    step('rate-2000', 'rate', 2000, 16),
    step('rate-4000', 'rate', 4000, 32),
    step('connections-32', 'connections', null, 32),
  ],
};

export interface RunnerRunSpec {
  /** The mesh measured on this runner (its `<id>/unmeshed` and `baseline` come with it). */
  mesh: string;
  /** Median p50 per system variant, µs, at the lowest rate (higher rates add a little). */
  p50Us: { baseline: number; unmeshed: number; mesh: number };
  hostname: string;
  cpuModel: string;
  createdAt: string;
  seed: number;
  /** Kubelet resource data per repetition (cluster runs have it). */
  resources?: boolean;
  scenario?: ResolvedScenario;
  /** Strata per repetition histogram (more: closer to a real histogram's bucket count, slower). */
  strata?: number;
}

const SIGMA = 0.35;

function quantileLatencies(medianUs: number, count: number, strata: number, record: (us: number, n: number) => void): void {
  const k = Math.min(strata, count);
  const per = Math.floor(count / k);
  let left = count - per * k;
  for (let i = 0; i < k; i++) {
    const q = (i + 0.5) / k;
    const n = per + (left > 0 ? 1 : 0);
    if (left > 0) left--;
    record(Math.max(1, Math.round(medianUs * Math.exp(SIGMA * probit(q)))), n);
  }
}

function latencyRecord(medianUs: number, count: number, strata: number): LatencyRecord {
  const h = createLatencyHistogram();
  quantileLatencies(medianUs, count, strata, (us, n) => h.recordValueWithCount(us, n));
  return toLatencyRecord(h);
}

function resourceSummary(mesh: string, variant: 'baseline' | 'mesh' | 'unmeshed', random: () => number): ResourceSummary {
  const nodes = ['control-plane', 'worker', 'worker2'].map((n) => `bench-${mesh}-${n}`);
  const containers: ResourceSummary['containers'] = [];
  const add = (namespace: string, pod: string, container: string, node: string, role: ContainerRole, mib: number, mcores: number): void => {
    const mem = mib * 1048576 * (1 + 0.05 * random());
    const cpu = (mcores / 1000) * (1 + 0.1 * random());
    containers.push({
      namespace, pod, container, node, role,
      memoryMeanBytes: mem, memoryMaxBytes: mem * 1.02, cpuMeanCores: cpu, cpuMaxCores: cpu * 1.5,
      memorySamples: 7, cpuSamples: 7, cpuIntervals: 6, counterResets: 0,
    });
  };
  const [cp, w1, w2] = nodes as [string, string, string];
  for (const c of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) add('kube-system', `${c}-${cp}`, c, cp, 'other', 60, 40);
  for (const n of nodes) add('kube-system', `kube-proxy-${n.slice(-4)}`, 'kube-proxy', n, 'other', 15, 2);
  add('kube-system', 'coredns-1', 'coredns', cp, 'other', 20, 3);
  const ns = variant === 'unmeshed' ? 'mesh-bench-plain' : 'mesh-bench';
  add(ns, 'server-1', 'server', w2, 'workload', 40, 150);
  add(ns, 'load-client', 'load-client', w1, 'load-client', 70, 300);
  if (variant !== 'baseline') {
    add('istio-system', 'istiod-1', 'discovery', cp, 'control-plane', 90, 10);
    for (const n of [w1, w2]) add('istio-system', `ztunnel-${n.slice(-4)}`, 'istio-proxy', n, 'node-agent', 25, variant === 'mesh' ? 60 : 2);
  }
  const sum = (list: typeof containers) => ({
    memoryMeanBytes: list.reduce((a, c) => a + (c.memoryMeanBytes ?? 0), 0),
    memoryMaxBytes: list.reduce((a, c) => a + (c.memoryMaxBytes ?? 0), 0),
    cpuMeanCores: list.reduce((a, c) => a + (c.cpuMeanCores ?? 0), 0),
    cpuMaxCores: list.reduce((a, c) => a + (c.cpuMaxCores ?? 0), 0),
    samples: list.length * 14,
  });
  const roles = Object.fromEntries(
    containerRoles.map((role) => {
      const list = containers.filter((c) => c.role === role);
      return [role, { ...sum(list), containers: list.length }];
    }),
  ) as ResourceSummary['roles'];
  const pods = [...new Set(containers.map((c) => `${c.namespace}/${c.pod}`))].map((key) => {
    const list = containers.filter((c) => `${c.namespace}/${c.pod}` === key);
    const first = list[0]!;
    return {
      ...sum(list),
      namespace: first.namespace,
      pod: first.pod,
      node: first.node,
      roles: containerRoles.filter((r) => list.some((c) => c.role === r)),
      containers: list.length,
    };
  });
  return {
    roles,
    pods,
    nodes: nodes.map((node) => {
      const list = containers.filter((c) => c.node === node);
      return { node, containers: list.length, sumOfContainers: sum(list), total: null };
    }),
    containers,
    scrapes: 21,
    scrapeErrors: 0,
    samples: containers.length * 14,
    distinctTimestamps: containers.length * 14,
    window: null,
    notes: [],
  };
}

function repetition(s: ResolvedLoadStep, rep: number, medianUs: number, startedAt: string, strata: number, resources: ResourceSummary | null): RepetitionResult {
  const durationS = s.durationS;
  const count = s.mode === 'rate' ? (s.rate ?? 0) * durationS : Math.round((s.connections / (medianUs * 1.1e-6)) * durationS);
  const sent = latencyRecord(medianUs, count, strata);
  const intended = s.mode === 'rate' ? latencyRecord(medianUs + 8, count, strata) : null;
  const throughput = Math.round((count / durationS) * 1000) / 1000;
  return {
    url: 'http://server.mesh-bench.svc.cluster.local:8080/',
    mode: s.mode,
    step: s,
    startedAt,
    durationS,
    targetRate: s.rate,
    achievedRate: throughput,
    throughput,
    errorRate: 0,
    connections: { initial: s.connections, peak: s.connections },
    counts: { sent: count, completed: count, ok: count, non2xx: 0, socketErrors: 0, timeouts: 0, unanswered: 0, reconnects: 0, resent: 0, statusCodes: { '200': count } },
    latency: { intended, sent },
    sendLag: s.mode === 'rate' ? { count, minUs: 0, meanUs: 8, stdevUs: 3, p50Us: 8, p90Us: 12, p99Us: 20, p999Us: 60, maxUs: 90 } : null,
    littlesLaw: null,
    status: 'valid',
    invalidReasons: [],
    warnings: [],
    repetition: rep,
    resources,
  };
}

export function runnerEnvironment(hostname: string, cpuModel: string): Environment {
  return {
    hostname,
    platform: 'linux',
    arch: 'x64',
    kernel: '6.11.0-1018-azure',
    cpuModel,
    cores: 4,
    memoryBytes: 16_772_157_440,
    node: 'v22.21.1',
    harnessVersion: '0.1.0',
    harnessCommit: '4d2c9a01b7e3f5a6c8d0e2f4a6b8c0d2e4f6a8b0',
    harnessDirty: false,
    tools: { autocannon: '9.0.0', 'hdr-histogram-js': '3.0.1' },
  };
}

/** One runner's run: `baseline`, `<mesh>` and `<mesh>/unmeshed`, measured one after the other. */
export function perRunnerRun(spec: RunnerRunSpec): RunResult {
  const scenario = spec.scenario ?? nightlyScenario;
  const random = createRandom(spec.seed);
  const strata = spec.strata ?? 400;
  let clock = Date.parse(spec.createdAt) + 60_000;
  const variants: Array<{ id: string; kind: 'baseline' | 'mesh' | 'unmeshed'; p50: number }> = [
    { id: 'baseline', kind: 'baseline', p50: spec.p50Us.baseline },
    { id: spec.mesh, kind: 'mesh', p50: spec.p50Us.mesh },
    { id: `${spec.mesh}/unmeshed`, kind: 'unmeshed', p50: spec.p50Us.unmeshed },
  ];
  const systems: SystemResult[] = variants.map((v) => {
    const startedAt = new Date(clock).toISOString();
    const steps: StepResult[] = scenario.steps.map((s, si) => {
      const reps: RepetitionResult[] = [];
      for (let r = 1; r <= scenario.repetitions; r++) {
        // Each repetition's median wanders a few percent; higher rates add a little queueing.
        const medianUs = Math.round(v.p50 * (1 + si * 0.03) * (0.97 + 0.06 * random()));
        reps.push(repetition(s, r, medianUs, new Date(clock).toISOString(), strata, spec.resources === false ? null : resourceSummary(spec.mesh, v.kind, random)));
        clock += (s.warmupS + s.durationS + 2) * 1000;
      }
      return { name: s.name, config: s, repetitions: reps, aggregate: aggregateStep(reps, { seed: scenario.seed, maxCv: scenario.thresholds.maxCv, mode: s.mode, resamples: 2000 }) };
    });
    return {
      id: v.id,
      target: 'kind',
      status: 'completed',
      startedAt,
      finishedAt: new Date(clock).toISOString(),
      failure: null,
      versions: v.kind === 'baseline' ? { kind: 'v0.32.0', kubernetes: 'v1.36.1' } : { kind: 'v0.32.0', kubernetes: 'v1.36.1', [spec.mesh]: '1.30.3' },
      meshComponents: [],
      steps,
    };
  });
  const result: RunResult = {
    schemaVersion: 1,
    kind: 'mesh-bench/run',
    runId: `${spec.createdAt.replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '-')}-${scenario.name}`,
    createdAt: spec.createdAt,
    finishedAt: new Date(clock).toISOString(),
    status: 'completed',
    command: ['bench', 'run', '--mesh', `baseline,${spec.mesh}`, '--scenario', scenario.source],
    scenario,
    environment: runnerEnvironment(spec.hostname, spec.cpuModel),
    reference: 'baseline',
    systems,
    comparisons: [],
  };
  result.comparisons = comparisons(result);
  return runResultSchema.parse(result);
}

/**
 * Marks one repetition invalid with `reason`, as the pipeline does, and aggregates its step again (the comparisons are
 * the caller's to recompute once every change is made).
 */
export function invalidateRepetition(run: RunResult, at: { system: number; step: number; repetition: number }, reason: string): void {
  const step = run.systems[at.system]!.steps[at.step]!;
  const rep = step.repetitions[at.repetition]!;
  rep.status = 'invalid';
  rep.invalidReasons = [reason];
  step.aggregate = aggregateStep(step.repetitions, { seed: run.scenario.seed, maxCv: run.scenario.thresholds.maxCv, mode: step.config.mode, resamples: 2000 });
}
