import type { ContainerResourceSummary, ContainerRole } from '../../src/core/resource-schema.js';
import type { ScaleCondition } from '../../src/core/scale-schema.js';
import type { ScaleWindow } from '../../src/scale/build-scale.js';

/**
 * Synthetic scale windows with a known truth, shaped like what the kubelet sampler summarises: an Istio-like system
 * on 2 workers at 1, 4, 8, 16 server replicas per node. Per pod: a 60 MB sidecar (idle; 70 MB under load) and a
 * 20 MB server; istiod on the control-plane node: 80 MB + 0.1 MB per pod in the cluster. `wobble` adds a fixed,
 * known deviation per point so the fits have residuals.
 */
export const MB = 1e6;
export const WORKERS = ['bench-istio-worker', 'bench-istio-worker2'] as const;
export const COUNTS = [1, 4, 8, 16] as const;

/** clusters/claims.yaml with one claim about Istio's total memory, which a scale fit is set against. */
export const ISTIO_TOTAL_CLAIMS = `claims:
  - id: istio-total
    wording: 'classic Istio ~100 GB'
    source: a test
    systems: [istio]
    kind: mesh-total
    nodes: 100
    pods: 1000
    memory: 100GB
`;

export function container(role: ContainerRole, node: string, pod: string, container: string, memory: number | null): ContainerResourceSummary {
  return {
    namespace: role === 'control-plane' ? 'istio-system' : 'bench',
    pod,
    container,
    node,
    role,
    memoryMeanBytes: memory,
    memoryMaxBytes: memory,
    cpuMeanCores: 0.01,
    cpuMaxCores: 0.02,
    memorySamples: memory === null ? 0 : 4,
    cpuSamples: 4,
    cpuIntervals: 3,
    counterResets: 0,
  };
}

export function istioLikeWindow(condition: ScaleCondition, replicasPerNode: number, wobble = 0): ScaleWindow {
  const sidecarBytes = (condition === 'idle' ? 60 : 70) * MB;
  const containers: ContainerResourceSummary[] = [];
  WORKERS.forEach((node, n) => {
    for (let i = 0; i < replicasPerNode; i++) {
      const pod = `server-${n}-${i}`;
      // The wobble lands on the first pod of each node, + on one node and − on the other.
      const shift = i === 0 ? (n === 0 ? wobble : -wobble) : 0;
      containers.push(container('workload', node, pod, 'server', 20 * MB));
      containers.push(container('sidecar-proxy', node, pod, 'istio-proxy', sidecarBytes + shift));
    }
  });
  const pods = replicasPerNode * WORKERS.length;
  containers.push(container('control-plane', 'bench-istio-control-plane', 'istiod-1', 'discovery', 80 * MB + 0.1 * MB * pods + wobble));
  return {
    condition,
    replicasPerNode,
    ...(condition === 'load' ? { rate: 100 } : {}),
    podsByNode: Object.fromEntries(WORKERS.map((w) => [w, replicasPerNode])),
    containers,
  };
}

/** Idle and load windows at every count; the wobble alternates in sign with the count so it does not fake a slope. */
export function istioLikeWindows(wobble = 0): ScaleWindow[] {
  return (['idle', 'load'] as const).flatMap((condition) =>
    COUNTS.map((count, i) => istioLikeWindow(condition, count, i % 2 === 0 ? wobble : -wobble)),
  );
}
