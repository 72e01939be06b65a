import { describe, expect, it } from 'vitest';
import { KIND_OUTSIDE_CONTAINERS_REASON } from '../src/analysis/resource-cost.js';
import { runResultSchema, type RunResult } from '../src/core/result-schema.js';
import { ExitCode } from '../src/core/errors.js';
import { clusterRunFixture, DEFAULT_KUBELET_CONTAINERS } from './helpers/cluster-run.js';
import { kubeletResourceText } from './helpers/kubelet-text.js';

/** Each node's own series: 0.25 cores and 900 MiB more than its containers (the kubelet, the runtime, the kernel). */
const OUTSIDE_CORES = 0.25;
const OUTSIDE_MIB = 900;
const MiB = 1024 * 1024;
const START = Date.UTC(2026, 10, 21, 5, 49, 0);

function fixture(o: Parameters<typeof clusterRunFixture>[0] = {}) {
  const f = clusterRunFixture(o);
  f.kube.kubeletFor = (node) => {
    const now = f.clock.now();
    const seconds = (now - START) / 1000;
    const containers = DEFAULT_KUBELET_CONTAINERS.filter((c) => c.node === node);
    const cores = containers.reduce((sum, c) => sum + c.cores, 0) + OUTSIDE_CORES;
    const memory = containers.reduce((sum, c) => sum + c.memoryBytes, 0) + OUTSIDE_MIB * MiB;
    return kubeletResourceText(
      now,
      { cpuSeconds: cores * seconds, memoryBytes: memory },
      containers.map((c) => ({ ...c, cpuSeconds: c.cores * seconds, startTimeSeconds: START / 1000 })),
    );
  };
  return f;
}

async function run(f: ReturnType<typeof fixture>): Promise<RunResult> {
  const outcome = await f.run(['baseline']);
  expect(outcome.exitCode).toBe(ExitCode.ok);
  return runResultSchema.parse(JSON.parse(f.fs.read(`${outcome.dir}/results.json`)!));
}

describe('a cluster run records cost per 1000 req/s and what is outside containers', () => {
  it('on kind: records each node as a kind node and the reason nothing outside containers is computed', async () => {
    const r = await run(fixture());
    const step = r.systems[0]!.steps[0]!;
    const nodes = step.repetitions[0]!.resources!.nodes;
    expect(nodes.map((n) => n.scope)).toEqual(nodes.map(() => 'kind-node'));
    // The difference itself is still recorded per repetition, for whoever wants it …
    expect(nodes.find((n) => n.node === 'bench-node-worker')?.outsideContainers?.memoryMeanBytes).toBe(OUTSIDE_MIB * MiB);
    // … but no figure is published from it.
    expect(step.aggregate.outsideContainers).toEqual({ measured: false, reason: KIND_OUTSIDE_CONTAINERS_REASON });
    // The role costs do not depend on what the nodes are: the server's 0.25 cores at the step's throughput.
    const throughput = step.aggregate.median!.throughput.value;
    expect(step.aggregate.perThousandRps?.workload?.cpuCores.value).toBeCloseTo(0.25 / (throughput / 1000), 4);
  });

  it('on an existing cluster of machines: publishes node − containers per node, summed, and per 1000 req/s', async () => {
    const r = await run(fixture({ target: 'existing', existing: { kubeconfig: '/home/user/.kube/config', context: 'eks-prod' } }));
    const step = r.systems[0]!.steps[0]!;
    const o = step.aggregate.outsideContainers;
    if (!o?.measured) throw new Error(`expected a measured figure, got ${JSON.stringify(o)}`);
    expect(o.nodes.map((n) => n.node)).toEqual(['bench-node-control-plane', 'bench-node-worker', 'bench-node-worker2']);
    for (const n of o.nodes) {
      expect(n.cpuCores.value).toBeCloseTo(OUTSIDE_CORES, 4);
      expect(n.memoryBytes.value).toBe(OUTSIDE_MIB * MiB);
    }
    expect(o.total.cpuCores.value).toBeCloseTo(3 * OUTSIDE_CORES, 4);
    const throughput = step.aggregate.median!.throughput.value;
    expect(o.perThousandRps.cpuCores.value).toBeCloseTo((3 * OUTSIDE_CORES) / (throughput / 1000), 3);
  });

  it('on an existing cluster whose nodes are kind containers (providerID kind://): does not publish it either', async () => {
    const f = fixture({ target: 'existing', existing: { kubeconfig: '/home/user/.kube/config', context: 'kind-dev' } });
    f.kube.nodes = f.kube.nodes.map((n) => ({ ...n, spec: { providerID: `kind://docker/dev/${n.metadata?.name ?? ''}` } }));
    const r = await run(f);
    expect(r.systems[0]!.steps[0]!.aggregate.outsideContainers).toEqual({ measured: false, reason: KIND_OUTSIDE_CONTAINERS_REASON });
  });
});
