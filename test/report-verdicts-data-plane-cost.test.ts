import { describe, expect, it } from 'vitest';
import type { ContainerRole } from '../src/core/resource-schema.js';
import type { StepResult } from '../src/core/result-schema.js';
import { dataPlaneCost } from '../src/report/data-plane-cost.js';
import { AMBIENT_AGENTS, buildVerdictRun, ISTIO_SIDECARS, latencies } from './helpers/verdict-run-factory.js';

// The data-plane cost behind the verdict's cost columns, from one step. The run's resources are the same in every
// repetition (test/helpers/verdict-run-factory.ts), so each median is the given value:
// - istio: 2 sidecars × 40 MiB and 100 m, at 2000 req/s: 200 m of data plane, 100 m per 1000 req/s;
// - waypoint: ztunnel on 3 nodes (15 MiB, 30 m each) and a 50 MiB, 50 m waypoint, at 1000 req/s: 90 + 50 = 140 m;
// - plain: only the workload and the load client (no data-plane container); local: no resource data at all.
const MiB = 2 ** 20;
const LATENCY = latencies([490, 1480], [400, 1200]);
const run = buildVerdictRun(
  [
    { id: 'istio', latency: LATENCY, dataPlane: ISTIO_SIDECARS, throughput: 2000 },
    { id: 'waypoint', latency: LATENCY, dataPlane: { ...AMBIENT_AGENTS, waypoint: { memoryBytes: 50 * MiB, cpuCores: 0.05 } } },
    { id: 'plain', latency: LATENCY, dataPlane: {} },
    { id: 'local', latency: LATENCY },
  ],
  null,
);

/** A copy of a system's first step, to change. */
function stepOf(id: string): StepResult {
  return structuredClone(run.systems.find((s) => s.id === id)!.steps[0]!);
}

/** That step with no pod of any repetition recorded as running `role`. */
function withNoPodRunning(id: string, role: ContainerRole): StepResult {
  const step = stepOf(id);
  for (const rep of step.repetitions) for (const pod of rep.resources!.pods) pod.roles = pod.roles.filter((r) => r !== role);
  return step;
}

/** That step with no container of `role` in its aggregate. */
function withNoContainerOf(id: string, role: ContainerRole): StepResult {
  const step = stepOf(id);
  step.aggregate.resources![role].containers = 0;
  return step;
}

describe('the data-plane cost of a step', () => {
  it('gives sidecar memory per meshed pod and the recorded CPU per 1000 req/s with its interval, one role being the whole data plane', () => {
    expect(dataPlaneCost(stepOf('istio'))).toEqual({
      memoryPerPodBytes: 40 * MiB,
      sidecarPods: 2,
      memoryPerNodeBytes: null,
      agentNodes: 0,
      waypointMemoryBytes: null,
      dataPlaneCpuCores: 0.2,
      cpuPer1000Rps: { cores: 0.1, ci95: [0.1, 0.1], source: 'recorded' },
    });
  });

  it('gives node-agent memory per node, waypoint memory in all, and sums CPU over the roles without an interval', () => {
    expect(dataPlaneCost(stepOf('waypoint'))).toEqual({
      memoryPerPodBytes: null,
      sidecarPods: 0,
      memoryPerNodeBytes: 15 * MiB,
      agentNodes: 3,
      waypointMemoryBytes: 50 * MiB,
      dataPlaneCpuCores: 0.09 + 0.05,
      cpuPer1000Rps: { cores: 0.09 + 0.05, ci95: null, source: 'recorded' },
    });
  });

  it('has no figure for a system without a data plane, and no cost at all without resource data', () => {
    expect(dataPlaneCost(stepOf('plain'))).toEqual({
      memoryPerPodBytes: null,
      sidecarPods: 0,
      memoryPerNodeBytes: null,
      agentNodes: 0,
      waypointMemoryBytes: null,
      dataPlaneCpuCores: 0,
      cpuPer1000Rps: null,
    });
    expect(dataPlaneCost(stepOf('local'))).toBeNull();
  });

  it('has no cost when no repetition has a pod list to count pods and nodes from, even with role totals', () => {
    const step = stepOf('istio');
    for (const rep of step.repetitions) rep.resources = null;
    expect(step.aggregate.resources).not.toBeNull();
    expect(dataPlaneCost(step)).toBeNull();
  });

  it('gives no per-pod or per-node memory unless both the role\'s containers and the pods or nodes running them were seen', () => {
    expect(dataPlaneCost(withNoPodRunning('istio', 'sidecar-proxy'))).toMatchObject({ memoryPerPodBytes: null, sidecarPods: 0 });
    expect(dataPlaneCost(withNoContainerOf('istio', 'sidecar-proxy'))).toMatchObject({ memoryPerPodBytes: null, sidecarPods: 2 });

    expect(dataPlaneCost(withNoPodRunning('waypoint', 'node-agent'))).toMatchObject({ memoryPerNodeBytes: null, agentNodes: 0 });
    expect(dataPlaneCost(withNoContainerOf('waypoint', 'node-agent'))).toMatchObject({ memoryPerNodeBytes: null, agentNodes: 3 });
  });
});

describe('CPU per 1000 req/s', () => {
  it('is computed from the median CPU and the median throughput for results written before it was recorded', () => {
    const old = stepOf('istio');
    delete old.aggregate.perThousandRps;
    // 200 m at 2000 req/s.
    expect(dataPlaneCost(old)?.cpuPer1000Rps).toEqual({ cores: 0.2 / 2, ci95: null, source: 'computed' });
  });

  it('is not given without throughput, or without a median at all', () => {
    const idle = stepOf('istio');
    delete idle.aggregate.perThousandRps;
    idle.aggregate.median!.throughput.value = 0;
    expect(dataPlaneCost(idle)?.cpuPer1000Rps).toBeNull();
    const noMedian = stepOf('istio');
    delete noMedian.aggregate.perThousandRps;
    noMedian.aggregate.median = null;
    expect(dataPlaneCost(noMedian)?.cpuPer1000Rps).toBeNull();
  });

  it('is not given for a system without a data plane in results written before it was recorded', () => {
    const old = stepOf('plain');
    delete old.aggregate.perThousandRps;
    expect(dataPlaneCost(old)?.cpuPer1000Rps).toBeNull();
  });

  it('is not given when the recorded figures have none of the data-plane roles present', () => {
    const step = stepOf('istio');
    delete step.aggregate.perThousandRps!['sidecar-proxy'];
    expect(dataPlaneCost(step)?.cpuPer1000Rps).toBeNull();
  });

  it('counts only the roles present: a recorded figure for a role with no container is left out', () => {
    const step = stepOf('waypoint');
    step.aggregate.resources!.waypoint.containers = 0;
    // ztunnel alone: its own figure, with its interval.
    expect(dataPlaneCost(step)?.cpuPer1000Rps).toEqual({ cores: 0.09, ci95: [0.09, 0.09], source: 'recorded' });
  });
});

describe('the pod and node counts', () => {
  it('come from the first valid repetition with resource data, not from an invalid one before it', () => {
    const step = stepOf('istio');
    step.repetitions[0]!.status = 'invalid';
    // The invalid first repetition saw one sidecar pod only.
    const pods = step.repetitions[0]!.resources!.pods;
    step.repetitions[0]!.resources!.pods = pods.filter((p) => p.pod !== 'server-2');
    expect(dataPlaneCost(step)?.sidecarPods).toBe(2);
  });

  it('come from an invalid repetition when no valid one has resource data', () => {
    const step = stepOf('istio');
    step.repetitions[0]!.status = 'invalid';
    step.repetitions[0]!.resources!.pods = step.repetitions[0]!.resources!.pods.filter((p) => p.pod !== 'server-2');
    for (const rep of step.repetitions.slice(1)) rep.resources = null;
    expect(dataPlaneCost(step)?.sidecarPods).toBe(1);
  });

  it('skip repetitions without resource data', () => {
    const step = stepOf('istio');
    step.repetitions[0]!.resources = null;
    step.repetitions[1]!.resources!.pods = step.repetitions[1]!.resources!.pods.filter((p) => p.pod !== 'server-2');
    expect(dataPlaneCost(step)?.sidecarPods).toBe(1);
  });
});
