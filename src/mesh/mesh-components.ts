import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { MeshComponent } from '../core/result-schema.js';
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
