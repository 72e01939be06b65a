import { repetitionCounts, type RepetitionCounts, type ReportStep as StepResult } from './report-input.js';
import type { ContainerRole } from '../core/resource-schema.js';

/**
 * What a mesh's data plane cost at one step, for the verdict table: memory per meshed pod (sidecars), memory per node
 * (node agents: ztunnel, istio-cni, cilium-agent, cilium-envoy), and data-plane CPU per 1000 req/s. Read from the
 * step's resource aggregate (median over valid repetitions of each role's summed mean); counts of pods and nodes from
 * the pod list of a repetition, so a pod with two sidecar-role containers (Linkerd's proxy and its init container)
 * counts once. Null fields mean "not measured" or "this mesh has none": the report prints n/a, never a guess.
 */
export interface DataPlaneCost {
  /** Sidecar-proxy memory ÷ pods with a sidecar, bytes; null without sidecars. */
  memoryPerPodBytes: number | null;
  /** Pods with a sidecar-proxy container. */
  sidecarPods: number;
  /** Node-agent memory ÷ nodes running a node agent, bytes; null without node agents. */
  memoryPerNodeBytes: number | null;
  /** Nodes running a node-agent container (and scraped). */
  agentNodes: number;
  /** Waypoint memory, bytes, all waypoint pods together; null without waypoints. */
  waypointMemoryBytes: number | null;
  /** Mean CPU of the data plane (sidecars + node agents + waypoints), cores. */
  dataPlaneCpuCores: number;
  /** Data-plane cores per 1000 req/s of throughput; null at no throughput or without a data plane. */
  cpuPer1000Rps: CpuPerThousand | null;
}

export interface CpuPerThousand {
  cores: number;
  /** The interval, when one role makes up the data plane and the statistics recorded it; else null. */
  ci95: readonly [number, number] | null;
  /**
   * `recorded`: the step aggregate's per-role cost per 1000 req/s (per repetition, then the median; summed over the
   * data-plane roles when there are several); `computed`: in results written before it, the roles' median CPU ÷ the
   * median throughput × 1000.
   */
  source: 'recorded' | 'computed';
}

/** The roles that carry requests: the data plane. The control plane and the workload are not in it. */
export const DATA_PLANE_ROLES: readonly ContainerRole[] = ['sidecar-proxy', 'node-agent', 'waypoint'];

/** A step's resource aggregate per role. */
type Roles = NonNullable<StepResult['aggregate']['resources']>;

/** The data-plane cost of one step, or null when the step has no resource data (the local target, old results). */
export function dataPlaneCost(step: StepResult): DataPlaneCost | null {
  const roles = step.aggregate.resources;
  const counts = countingRepetition(step);
  if (!roles || !counts) return null;
  const { sidecarPods, agentNodes } = counts;
  const sidecars = roles['sidecar-proxy'];
  const agents = roles['node-agent'];
  const waypoints = roles.waypoint;
  const dataPlaneCpuCores = DATA_PLANE_ROLES.reduce((sum, role) => sum + roles[role].cpuMeanCores, 0);
  return {
    memoryPerPodBytes: sidecars.containers > 0 && sidecarPods > 0 ? sidecars.memoryMeanBytes / sidecarPods : null,
    sidecarPods,
    memoryPerNodeBytes: agents.containers > 0 && agentNodes > 0 ? agents.memoryMeanBytes / agentNodes : null,
    agentNodes,
    waypointMemoryBytes: waypoints.containers > 0 ? waypoints.memoryMeanBytes : null,
    dataPlaneCpuCores,
    cpuPer1000Rps: cpuPerThousand(step, roles, dataPlaneCpuCores),
  };
}

function cpuPerThousand(step: StepResult, roles: Roles, dataPlaneCpuCores: number): CpuPerThousand | null {
  const present = DATA_PLANE_ROLES.filter((role) => roles[role].containers > 0);
  if (present.length === 0) return null;
  const recorded = step.aggregate.perThousandRps;
  if (recorded) {
    const costs = present.flatMap((role) => (recorded[role] ? [recorded[role].cpuCores] : []));
    if (costs.length === 0) return null;
    const only = costs.length === 1 ? costs[0] : undefined;
    return {
      cores: costs.reduce((sum, c) => sum + c.value, 0),
      ci95: only ? only.ci95 : null,
      source: 'recorded',
    };
  }
  const throughput = step.aggregate.median?.throughput.value ?? 0;
  return throughput > 0 ? { cores: dataPlaneCpuCores / (throughput / 1000), ci95: null, source: 'computed' } : null;
}

/** The counts of the repetition whose pod list gives them: the first valid one with resource data, else any with it. */
function countingRepetition(step: StepResult): RepetitionCounts | null {
  const indices = step.repetitions.map((_, i) => i);
  const valid = indices.find((i) => step.repetitions[i]?.status === 'valid' && repetitionCounts(step, i) !== null);
  const any = indices.find((i) => repetitionCounts(step, i) !== null);
  const i = valid ?? any;
  return i === undefined ? null : repetitionCounts(step, i);
}
