import type { V1Container, V1Node, V1Pod } from '@kubernetes/client-node';
import type { MeshComponent, MeshPod } from '../core/result-schema.js';
import { CONTROL_PLANE_NODE_LABEL } from './placement.js';
import type { ContainerRole } from '../core/resource-schema.js';
import type { ContainerClassifier } from '../metrics/roles.js';

const MESH_ROLES: ReadonlySet<ContainerRole> = new Set(['sidecar-proxy', 'node-agent', 'control-plane', 'waypoint']);

function quantities(q: Record<string, string> | undefined): MeshComponent['requests'] {
  return { cpu: q?.cpu ?? null, memory: q?.memory ?? null };
}

/**
 * The mesh's containers as the cluster runs them, grouped by namespace, container, role and settings: what each
 * system was given (Istio's 2 GiB istiod request, ztunnel's 512 MiB per node…), recorded so the report can say it.
 * Long-running containers only: regular containers and native sidecars (init containers with restartPolicy Always).
 */
export function meshComponents(pods: readonly V1Pod[], classify: ContainerClassifier): MeshComponent[] {
  const groups = new Map<string, MeshComponent>();
  for (const pod of pods) {
    const namespace = pod.metadata?.namespace ?? '';
    const podName = pod.metadata?.name ?? '';
    const running: V1Container[] = [...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...(pod.spec?.containers ?? [])];
    for (const c of running) {
      const role = classify({ namespace, pod: podName, container: c.name });
      if (!role || !MESH_ROLES.has(role)) continue;
      const requests = quantities(c.resources?.requests);
      const limits = quantities(c.resources?.limits);
      const key = JSON.stringify([namespace, c.name, role, requests, limits]);
      const g = groups.get(key);
      if (g) g.pods++;
      else groups.set(key, { namespace, container: c.name, role, pods: 1, requests, limits });
    }
  }
  return [...groups.values()].sort((a, b) =>
    a.namespace === b.namespace ? (a.container < b.container ? -1 : a.container > b.container ? 1 : 0) : a.namespace < b.namespace ? -1 : 1,
  );
}

/**
 * Every pod that runs a mesh container, with its node and whether that node is a control-plane node (issue 8,
 * defect 9): the record of where istiod, the Linkerd control plane, cilium-operator, hubble-relay and the waypoint
 * ran. A pod's role is that of its first mesh container (a workload pod with a sidecar is `sidecar-proxy`).
 */
export function meshPodPlacements(pods: readonly V1Pod[], nodes: readonly V1Node[], classify: ContainerClassifier): MeshPod[] {
  const controlPlane = new Set(
    nodes.filter((n) => n.metadata?.labels?.[CONTROL_PLANE_NODE_LABEL] !== undefined).map((n) => n.metadata?.name ?? ''),
  );
  const out: MeshPod[] = [];
  for (const pod of pods) {
    const namespace = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    const containers = [...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...(pod.spec?.containers ?? [])];
    const role = containers.map((c) => classify({ namespace, pod: name, container: c.name })).find((r): r is ContainerRole => !!r && MESH_ROLES.has(r));
    if (!role) continue;
    const node = pod.spec?.nodeName ?? null;
    out.push({ namespace, pod: name, role, node, onControlPlane: node !== null && controlPlane.has(node) });
  }
  return out.sort((a, b) => (a.namespace === b.namespace ? (a.pod < b.pod ? -1 : 1) : a.namespace < b.namespace ? -1 : 1));
}
