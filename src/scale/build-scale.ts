import type { ContainerResourceSummary } from '../core/resource-schema.js';
import {
  meshScaleRoles,
  type Claim,
  type RoleScale,
  type ScaleCondition,
  type ScaleConditionResult,
  type ScalePoint,
  type ScaleRole,
  type ScaleScope,
  type SystemScale,
} from '../core/scale-schema.js';
import { fitMemory } from './fit-memory.js';
import { asInterval, projectMemory, sumProjections, type Projection } from './project-memory.js';

/**
 * How each role grows. Sidecars and the workload live beside each pod, node agents (ztunnel, cilium-agent) one per
 * node: their memory is summed per node and fitted against the pods on that node. A control plane runs once per
 * cluster (on the kind control-plane node, where no workload pod is), and a namespace waypoint is one Deployment
 * wherever it lands: per node both would be flat lines at 0 workload pods, so they are fitted once per cluster
 * against the pods in the cluster, and their fixed term is counted once, not per node.
 */
export const SCALE_SCOPE: Record<ScaleRole, ScaleScope> = {
  'sidecar-proxy': 'node',
  'node-agent': 'node',
  workload: 'node',
  'control-plane': 'cluster',
  waypoint: 'cluster',
};

/** One measured window: the workload at `replicasPerNode` per worker node, idle or under the light load. */
export interface ScaleWindow {
  condition: ScaleCondition;
  replicasPerNode: number;
  /** The fixed request rate of the window (condition load). */
  rate?: number;
  /** Workload pods on each worker node, as the cluster placed them (read, not assumed). */
  podsByNode: Readonly<Record<string, number>>;
  /** Every container's usage over the window (src/metrics/summarize-resources.ts). */
  containers: readonly ContainerResourceSummary[];
}

/**
 * The points of one role over the windows of one condition. A point whose containers include one without a memory
 * sample is left out rather than counted as less memory; a node with no container of the role counts 0 bytes (a node
 * without workload pods has no sidecar). A role with no container in any window is absent from the system.
 */
export function rolePoints(windows: readonly ScaleWindow[], role: ScaleRole): ScalePoint[] | null {
  if (!windows.some((w) => w.containers.some((c) => c.role === role))) return null;
  const points: ScalePoint[] = [];
  for (const window of windows) {
    const ofRole = window.containers.filter((c) => c.role === role);
    if (SCALE_SCOPE[role] === 'cluster') {
      const bytes = sumMemory(ofRole);
      if (bytes !== null) points.push({ pods: totalPods(window), bytes });
      continue;
    }
    for (const [node, pods] of Object.entries(window.podsByNode).sort(([a], [b]) => a.localeCompare(b))) {
      const bytes = sumMemory(ofRole.filter((c) => c.node === node));
      if (bytes !== null) points.push({ pods, bytes, node });
    }
  }
  return points;
}

/**
 * The system's `scale` section: per condition, each role's fit and projection to `projection` (nodes × pods), the
 * mesh's total, and the claims that name the system. Throws InputError (via fitMemory) when a role's points cannot be
 * fitted, naming the system, role and condition.
 */
export function buildSystemScale(input: {
  system: string;
  nodes: number;
  replicasPerNode: readonly number[];
  projection: { nodes: number; pods: number };
  windows: readonly ScaleWindow[];
  claims: readonly Claim[];
}): SystemScale {
  const conditions: ScaleConditionResult[] = [];
  for (const condition of ['idle', 'load'] as const) {
    const windows = input.windows.filter((w) => w.condition === condition);
    if (windows.length === 0) continue;
    const roles: RoleScale[] = [];
    const meshParts: Projection[] = [];
    for (const role of Object.keys(SCALE_SCOPE) as ScaleRole[]) {
      const points = rolePoints(windows, role);
      if (points === null) continue;
      const scope = SCALE_SCOPE[role];
      const fit = fitMemory(points, `${input.system} ${role} (${condition})`);
      const projected = projectMemory(fit, scope, input.projection.nodes, input.projection.pods);
      if ((meshScaleRoles as readonly ScaleRole[]).includes(role)) meshParts.push(projected);
      roles.push({ role, scope, points, fit, projected: asInterval(projected) });
    }
    const mesh = sumProjections(meshParts);
    const rate = windows.find((w) => w.rate !== undefined)?.rate;
    conditions.push({ condition, ...(rate !== undefined ? { rate } : {}), roles, meshProjected: mesh ? asInterval(mesh) : null });
  }
  return {
    nodes: input.nodes,
    replicasPerNode: [...input.replicasPerNode],
    projection: { ...input.projection },
    conditions,
    claims: [...input.claims],
  };
}

function totalPods(window: ScaleWindow): number {
  return Object.values(window.podsByNode).reduce((sum, n) => sum + n, 0);
}

/** Σ of the containers' mean working sets; null when one of them has no sample. */
function sumMemory(containers: readonly ContainerResourceSummary[]): number | null {
  let sum = 0;
  for (const c of containers) {
    if (c.memoryMeanBytes === null) return null;
    sum += c.memoryMeanBytes;
  }
  return sum;
}
