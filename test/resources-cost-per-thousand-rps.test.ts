import { describe, expect, it } from 'vitest';
import { bootstrapMedianInterval } from '../src/analysis/bootstrap.js';
import { deriveSeed } from '../src/analysis/random.js';
import { aggregatePerThousandRps, perThousandRps } from '../src/analysis/resource-cost.js';
import { aggregateStep } from '../src/analysis/aggregate-step.js';
import type { RepetitionResult } from '../src/core/result-schema.js';
import type { ResourceSummary } from '../src/core/resource-schema.js';
import { parseResourceMetrics } from '../src/metrics/kubelet-resource.js';
import { baselineClassifier, composeClassifiers, type ContainerClassifier } from '../src/metrics/roles.js';
import { summarizeResources } from '../src/metrics/summarize-resources.js';
import { kubeletResourceText } from './helpers/kubelet-text.js';
import { makeRepetitions } from './helpers/repetition-factory.js';
import { referenceFiles } from './helpers/reference.js';

const MiB = 1024 * 1024;
const NS = 'mesh-bench';
const T0 = 1_780_000_000_000;
const sidecars: ContainerClassifier = (c) =>
  c.container === 'istio-proxy' ? 'sidecar-proxy' : c.container === 'ztunnel' ? 'node-agent' : undefined;
const classify = composeClassifiers(baselineClassifier(NS), sidecars);
const RESAMPLES = 2000;

/** One repetition's kubelet data: the server and its sidecar use the given cores and MiB, steady over 30 s. */
function summary(
  server: { cores: number; mib: number },
  sidecar: { cores: number; mib: number },
  ztunnel?: { cores: number; mib: number },
  classifier: ContainerClassifier = classify,
): ResourceSummary {
  const scrapes = [0, 1, 2, 3].map((i) =>
    parseResourceMetrics(
      kubeletResourceText(T0 + i * 10_000, { cpuSeconds: 100 + 20 * i, memoryBytes: 2000 * MiB }, [
        { namespace: NS, pod: 'server-1', container: 'server', cpuSeconds: 10 * server.cores * i, memoryBytes: server.mib * MiB },
        { namespace: NS, pod: 'server-1', container: 'istio-proxy', cpuSeconds: 10 * sidecar.cores * i, memoryBytes: sidecar.mib * MiB },
        ...(ztunnel
          ? [{ namespace: 'istio-system', pod: 'ztunnel-1', container: 'ztunnel', cpuSeconds: 10 * ztunnel.cores * i, memoryBytes: ztunnel.mib * MiB }]
          : []),
      ]),
      'w1',
      T0 + i * 10_000 + 100,
    ),
  );
  return summarizeResources(scrapes, classifier, { nodeScopes: { w1: 'machine' } });
}

function withResources(throughputs: readonly number[], summaries: readonly (ResourceSummary | null)[]): RepetitionResult[] {
  return makeRepetitions(throughputs.map((throughput) => ({ throughput }))).map((r, i) => ({ ...r, resources: summaries[i] ?? null }));
}

// Per repetition, server cores ÷ (throughput ÷ 1000): 0.2, 0.25, 0.2; server MiB per 1000 req/s: 50, 30, 80.
// The sidecar's cost is 0.3 cores and 20 MiB per 1000 req/s in every repetition.
const THROUGHPUTS = [1000, 2000, 500];
const SUMMARIES = [
  summary({ cores: 0.2, mib: 50 }, { cores: 0.3, mib: 20 }),
  summary({ cores: 0.5, mib: 60 }, { cores: 0.6, mib: 40 }),
  summary({ cores: 0.1, mib: 40 }, { cores: 0.15, mib: 10 }),
];

describe('cost per 1000 req/s, per role', () => {
  it('divides each repetition by its own throughput ÷ 1000 and takes the median over repetitions', () => {
    const cost = aggregatePerThousandRps(withResources(THROUGHPUTS, SUMMARIES), { seed: 7, resamples: RESAMPLES })!;
    expect(cost.workload?.cpuCores.value).toBeCloseTo(0.2, 9);
    expect(cost.workload?.memoryBytes.value).toBeCloseTo(50 * MiB, 3);
    expect(cost['sidecar-proxy']?.cpuCores.value).toBeCloseTo(0.3, 9);
    expect(cost['sidecar-proxy']?.cpuCores.ci95[0]).toBeCloseTo(0.3, 9);
    expect(cost['sidecar-proxy']?.cpuCores.ci95[1]).toBeCloseTo(0.3, 9);
    expect(cost['sidecar-proxy']?.memoryBytes.value).toBeCloseTo(20 * MiB, 3);
    expect(cost.workload?.repetitions).toBe(3);
  });

  it('keeps the raw figures beside the normalised ones: the medians of the role means themselves', () => {
    const cost = aggregatePerThousandRps(withResources(THROUGHPUTS, SUMMARIES), { seed: 7, resamples: RESAMPLES })!;
    expect(cost.workload?.raw.cpuCores.value).toBeCloseTo(0.2, 9);
    expect(cost.workload?.raw.memoryBytes.value).toBe(50 * MiB);
    expect(cost['sidecar-proxy']?.raw.memoryBytes.value).toBe(20 * MiB);
  });

  it('seeds each interval from the run seed and the figure, so it is the bootstrap of exactly these values', () => {
    const reps = withResources(THROUGHPUTS, SUMMARIES);
    const a = aggregatePerThousandRps(reps, { seed: 7, resamples: RESAMPLES })!;
    expect(aggregatePerThousandRps(reps, { seed: 7, resamples: RESAMPLES })).toEqual(a);
    const values = THROUGHPUTS.map((t, i) => perThousandRps(SUMMARIES[i]!.roles.workload.cpuMeanCores, t));
    expect(a.workload?.cpuCores).toEqual(bootstrapMedianInterval(values, { seed: deriveSeed(7, 'perThousandRps:workload:cpuCores'), resamples: RESAMPLES }));
    expect(a.workload?.cpuCores.ci95[0]).toBeLessThanOrEqual(a.workload!.cpuCores.value);
    expect(a.workload?.cpuCores.ci95[1]).toBeGreaterThanOrEqual(a.workload!.cpuCores.value);
  });

  it('lists only the roles some container had, and leaves out repetitions without data or without throughput', () => {
    const reps = withResources([...THROUGHPUTS, 0, 1000], [...SUMMARIES, SUMMARIES[0]!, null]);
    const cost = aggregatePerThousandRps(reps, { seed: 7, resamples: RESAMPLES })!;
    expect(Object.keys(cost).sort()).toEqual(['sidecar-proxy', 'workload']);
    expect(cost.workload?.repetitions).toBe(3);
    expect(aggregatePerThousandRps(withResources([1000], [null]), { seed: 7 })).toBeNull();
    expect(() => perThousandRps(1, 0)).toThrow(RangeError);
  });

  it('gives the data plane as the median of the per-repetition sums of its roles, not the sum of their medians', () => {
    // At 1000 req/s: sidecar 0.1, 0.5, 0.2 cores and ztunnel 0.5, 0.1, 0.2: sums 0.6, 0.6, 0.4 (median 0.6), while the
    // roles' medians add up to 0.2 + 0.2 = 0.4.
    const server = { cores: 0.2, mib: 50 };
    const summaries = [
      summary(server, { cores: 0.1, mib: 20 }, { cores: 0.5, mib: 10 }),
      summary(server, { cores: 0.5, mib: 20 }, { cores: 0.1, mib: 10 }),
      summary(server, { cores: 0.2, mib: 20 }, { cores: 0.2, mib: 10 }),
    ];
    const a = aggregateStep(withResources([1000, 1000, 1000], summaries), { seed: 7, maxCv: 0.05, resamples: RESAMPLES });
    expect(a.dataPlanePerThousandRps?.roles).toEqual(['sidecar-proxy', 'node-agent']);
    expect(a.dataPlanePerThousandRps?.cpuCores.value).toBeCloseTo(0.6, 9);
    expect(a.dataPlanePerThousandRps?.memoryBytes.value).toBeCloseTo(30 * MiB, 3);
    expect(a.perThousandRps?.['sidecar-proxy']?.cpuCores.value).toBeCloseTo(0.2, 9);
    expect(a.perThousandRps?.['node-agent']?.cpuCores.value).toBeCloseTo(0.2, 9);
    // Without a mesh classifier the same containers are workload and 'other': no data plane.
    const noMesh = summary(server, { cores: 0.1, mib: 20 }, undefined, baselineClassifier(NS));
    expect(aggregateStep(withResources([1000], [noMesh]), { seed: 7, maxCv: 0.05 }).dataPlanePerThousandRps).toBeNull();
  });

  it('is stored in the step aggregate, and left out of it when no repetition has resource data (local runs)', () => {
    const a = aggregateStep(withResources(THROUGHPUTS, SUMMARIES), { seed: 7, maxCv: 0.05, resamples: RESAMPLES });
    expect(a.perThousandRps?.workload?.cpuCores.value).toBeCloseTo(0.2, 9);
    const local = aggregateStep(makeRepetitions([{}, {}]), { seed: 7, maxCv: 0.05, resamples: RESAMPLES });
    expect(local).not.toHaveProperty('perThousandRps');
    expect(local).not.toHaveProperty('dataPlanePerThousandRps');
    expect(local).not.toHaveProperty('outsideContainers');
  });
});

const KIND_E2E = 'kubelet/metrics-resource.kind-e2e.metrics-server-v0.9.0.txt';
const ref = referenceFiles('cost per 1000 req/s on a real kind kubelet response', [KIND_E2E]);

/**
 * The real response, then the same response as the kubelet's next refresh 15 s later in which every container and the
 * node used 0.3 cores more each (known truth on top of the real labels, values and timestamp spread).
 */
function realAndNext(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const m = /^((?:container|node)_(cpu_usage_seconds_total|memory_working_set_bytes)(?:\{[^}]*\})?) (\S+) (\d+)$/.exec(line);
      if (!m) return line;
      const value = m[2] === 'cpu_usage_seconds_total' ? Number(m[3]) + 0.3 * 15 : Number(m[3]);
      return `${m[1]} ${value} ${Number(m[4]) + 15_000}`;
    })
    .join('\n');
}

describe.skipIf(!ref.available)('cost per 1000 req/s on a real kind kubelet response', () => {
  it('normalises the summed CPU and working set of a role by the throughput, at 2000 req/s half the raw figure', () => {
    const text = ref.read(KIND_E2E);
    const scrapes = [parseResourceMetrics(text, 'e2e-control-plane', 1_633_253_820_000), parseResourceMetrics(realAndNext(text), 'e2e-control-plane', 1_633_253_835_000)];
    const controlPlane: ContainerClassifier = (c) => (c.namespace === 'kube-system' ? 'control-plane' : c.namespace === 'sleeper-1' ? 'workload' : undefined);
    const s = summarizeResources(scrapes, controlPlane);
    const kubeSystem = s.containers.filter((c) => c.role === 'control-plane');
    expect(kubeSystem.length).toBeGreaterThan(5);
    const cost = aggregatePerThousandRps(withResources([2000], [s]), { seed: 1, resamples: RESAMPLES })!;
    expect(cost['control-plane']?.cpuCores.value).toBeCloseTo((0.3 * kubeSystem.length) / 2, 9);
    const memory = kubeSystem.reduce((a, c) => a + (c.memoryMeanBytes ?? 0), 0);
    expect(cost['control-plane']?.memoryBytes.value).toBeCloseTo(memory / 2, 3);
    expect(cost['control-plane']?.raw.memoryBytes.value).toBeCloseTo(memory, 3);
  });
});
