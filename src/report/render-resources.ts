import type { RunResult, StepResult } from '../core/result-schema.js';
import type { ContainerRole } from '../core/resource-schema.js';
import { formatBytes, table } from './format.js';

/**
 * "What does the mesh cost": memory and CPU by role from the kubelet (median over repetitions of each role's mean,
 * highest max), plus the mesh's data plane per meshed pod (sidecars) and per node (node agents). Pure; rendered
 * only when some step has resource data (cluster runs).
 */
const ROLES: ReadonlyArray<[ContainerRole, string]> = [
  ['sidecar-proxy', 'sidecar proxies'],
  ['node-agent', 'node agents'],
  ['waypoint', 'waypoints'],
  ['control-plane', 'control plane'],
  ['workload', 'workload'],
  ['load-client', 'load client'],
];

function cores(x: number): string {
  return x >= 1 ? `${x.toFixed(2)} cores` : `${Math.round(x * 1000)} m`;
}

function nodesOf(step: StepResult): number {
  for (const rep of step.repetitions) if (rep.resources) return rep.resources.nodes.length;
  return 0;
}

export function renderResources(r: RunResult): string | null {
  const stepNames = [...new Set(r.systems.flatMap((s) => s.steps.map((st) => st.name)))];
  const out: string[] = ['## Resources (kubelet /metrics/resource)', ''];
  out.push(
    'Memory is the working set; CPU the rate of the usage counter between kubelet refreshes (every 10–15 s). ' +
      'Each cell: median over repetitions of the mean, then the highest maximum. Mesh components run at their ' +
      "upstream default requests and limits (no overrides); the workload's are identical for every system.",
    '',
  );
  let any = false;
  for (const name of stepNames) {
    const rows: string[][] = [];
    for (const sys of r.systems) {
      const step = sys.steps.find((s) => s.name === name);
      const res = step?.aggregate.resources;
      if (!step || !res) continue;
      any = true;
      const cells = ROLES.map(([role]) => {
        const x = res[role];
        if (x.containers === 0) return '–';
        return `${formatBytes(x.memoryMeanBytes)} (max ${formatBytes(x.memoryMaxBytes)}), ${cores(x.cpuMeanCores)}`;
      });
      const sidecars = res['sidecar-proxy'];
      const agents = res['node-agent'];
      const nodes = nodesOf(step);
      const perPod = sidecars.containers > 0 ? formatBytes(sidecars.memoryMeanBytes / sidecars.containers) : '–';
      const perNode = agents.containers > 0 && nodes > 0 ? formatBytes(agents.memoryMeanBytes / nodes) : '–';
      rows.push([sys.id, ...cells, perPod, perNode]);
    }
    if (rows.length === 0) continue;
    out.push(`### ${name}`, '', table(['system', ...ROLES.map(([, label]) => label), 'data plane per meshed pod', 'node agents per node'], rows), '');
  }
  return any ? out.join('\n').trimEnd() : null;
}

/** What each mesh was given, read from the cluster: upstream defaults unless the scenario overrides them (none do). */
export function renderMeshComponents(r: RunResult): string | null {
  const seen = new Set<string>();
  const rows: string[][] = [];
  for (const sys of r.systems) {
    // Both variants of a mesh share the cluster and so its components: list them once, under the mesh's id.
    const id = sys.id.split('/')[0]!;
    if (seen.has(id) || sys.meshComponents.length === 0) continue;
    seen.add(id);
    for (const c of sys.meshComponents) {
      const q = (x: { cpu: string | null; memory: string | null }): string => `${x.cpu ?? '–'} / ${x.memory ?? '–'}`;
      rows.push([id, c.namespace, c.container, c.role, String(c.pods), q(c.requests), q(c.limits)]);
    }
  }
  if (rows.length === 0) return null;
  return [
    '## Mesh components as installed',
    '',
    'Read from the cluster after installation: every mesh runs at its upstream default requests and limits ' +
      '(no overrides). Requests count against the runner: a 16 GB runner must fit them all.',
    '',
    table(['system', 'namespace', 'container', 'role', 'pods', 'requests (cpu / memory)', 'limits (cpu / memory)'], rows),
  ].join('\n');
}
