import type { V1Node } from '@kubernetes/client-node';
import type { NodeScope } from '../core/resource-schema.js';

/**
 * What a node is, which decides what its kubelet's node series (`node_cpu_usage_seconds_total`,
 * `node_memory_working_set_bytes`) cover. The kubelet reads them from the root cgroup it sees. A kind node is a
 * container started with `--cgroupns=private` (kind's docker provider, pkg/cluster/internal/providers/docker/
 * provision.go), so that "root" is the node container's own cgroup, not the machine's. kind also sets every node's
 * providerID to `kind://<provider>/<cluster>/<node>` (its kubeadm config, `provider-id: kind://docker/kind/…`), which
 * is how a kind cluster is recognised when it is used as an `existing` target.
 *
 * Anything else is taken to be a machine (VM or bare metal) of its own. Other container-based nodes (k3d, minikube's
 * docker driver) are not recognised: README.md in this folder says so.
 */
export function nodeScopeOf(node: V1Node, target: 'kind' | 'existing'): NodeScope {
  if (target === 'kind') return 'kind-node';
  return (node.spec?.providerID ?? '').startsWith('kind://') ? 'kind-node' : 'machine';
}

/** `nodeScopeOf` for every named node, keyed by node name (the kubelet's `node` in a scrape). */
export function nodeScopesOf(nodes: readonly V1Node[], target: 'kind' | 'existing'): Record<string, NodeScope> {
  const out: Record<string, NodeScope> = {};
  for (const n of nodes) {
    const name = n.metadata?.name;
    if (name) out[name] = nodeScopeOf(n, target);
  }
  return out;
}
