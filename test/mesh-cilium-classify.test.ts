import { describe, expect, it } from 'vitest';
import type { ContainerRole } from '../src/core/result-schema.js';
import { CiliumL7Mesh } from '../src/mesh/cilium-l7-mesh.js';
import { CiliumMesh } from '../src/mesh/cilium-mesh.js';
import { CiliumWireguardMesh } from '../src/mesh/cilium-wireguard-mesh.js';
import { baselineClassifier, composeClassifiers } from '../src/metrics/roles.js';
import type { ContainerRef } from '../src/metrics/types.js';

/**
 * Container identities as the kubelet reports them (namespace, pod, container) on a kind cluster running Cilium 1.20:
 * DaemonSet pods are `<name>-<5 characters>`, Deployment pods `<name>-<replicaset hash>-<5 characters>`; container
 * names from the 1.20 chart templates.
 */
const NS = 'bench';
const cases: Array<[ContainerRef, ContainerRole | undefined]> = [
  [{ namespace: 'kube-system', pod: 'cilium-7xk2p', container: 'cilium-agent' }, 'node-agent'],
  [{ namespace: 'kube-system', pod: 'cilium-7xk2p', container: 'mount-cgroup' }, 'node-agent'],
  [{ namespace: 'kube-system', pod: 'cilium-7xk2p', container: 'clean-cilium-state' }, 'node-agent'],
  [{ namespace: 'kube-system', pod: 'cilium-7xk2p', container: 'install-cni-binaries' }, 'node-agent'],
  [{ namespace: 'kube-system', pod: 'cilium-envoy-4bq9m', container: 'cilium-envoy' }, 'node-agent'],
  [{ namespace: 'kube-system', pod: 'cilium-envoy-4bq9m', container: 'lookup-bootstrap-locality' }, 'node-agent'],
  [{ namespace: 'kube-system', pod: 'cilium-operator-6c5b8f9d7-x8w2k', container: 'cilium-operator' }, 'control-plane'],
  [{ namespace: 'kube-system', pod: 'hubble-relay-5d9f7c8b6-xk2lp', container: 'hubble-relay' }, 'control-plane'],
  [{ namespace: 'kube-system', pod: 'hubble-ui-7b4c9d8f5-q2zrt', container: 'frontend' }, 'control-plane'],
  [{ namespace: 'kube-system', pod: 'hubble-ui-7b4c9d8f5-q2zrt', container: 'backend' }, 'control-plane'],
  // Not Cilium's.
  [{ namespace: 'kube-system', pod: 'coredns-7c65d6cfc9-8r7nq', container: 'coredns' }, undefined],
  [{ namespace: 'kube-system', pod: 'etcd-bench-cilium-control-plane', container: 'etcd' }, undefined],
  [{ namespace: 'kube-system', pod: 'kube-apiserver-bench-cilium-control-plane', container: 'kube-apiserver' }, undefined],
  // Generic init-container names count only inside an agent pod.
  [{ namespace: 'kube-system', pod: 'cilium-operator-6c5b8f9d7-x8w2k', container: 'config' }, undefined],
  [{ namespace: 'kube-system', pod: 'other-app-x8w2k', container: 'config' }, undefined],
  [{ namespace: 'kube-system', pod: 'metrics-ui-7b4c9d8f5-q2zrt', container: 'frontend' }, undefined],
  // Cilium lives in kube-system; the same names elsewhere are someone else's.
  [{ namespace: NS, pod: 'cilium-7xk2p', container: 'cilium-agent' }, undefined],
  [{ namespace: NS, pod: 'server-1-6d9f8b7c5-abcde', container: 'server' }, undefined],
  [{ namespace: NS, pod: 'load-client-5f6d7c8b9-fghij', container: 'load' }, undefined],
];

describe('Cilium container classification', () => {
  const classify = new CiliumMesh().classify;

  it.each(cases.map(([ref, role]) => [`${ref.namespace}/${ref.pod}/${ref.container}`, String(role), ref, role] as const))(
    '%s is %s',
    (_name, _label, ref, role) => {
      expect(classify(ref)).toBe(role);
    },
  );

  it('is the same for the three Cilium systems', () => {
    for (const adapter of [new CiliumWireguardMesh(), new CiliumL7Mesh()]) {
      for (const [ref, role] of cases) expect(adapter.classify(ref)).toBe(role);
    }
  });

  it('leaves the benchmark containers to the baseline classifier when composed', () => {
    const complete = composeClassifiers(baselineClassifier(NS), classify);
    expect(complete({ namespace: NS, pod: 'server-1-6d9f8b7c5-abcde', container: 'server' })).toBe('workload');
    expect(complete({ namespace: NS, pod: 'load-client-5f6d7c8b9-fghij', container: 'load' })).toBe('load-client');
    expect(complete({ namespace: 'kube-system', pod: 'cilium-7xk2p', container: 'cilium-agent' })).toBe('node-agent');
    expect(complete({ namespace: 'kube-system', pod: 'coredns-7c65d6cfc9-8r7nq', container: 'coredns' })).toBe('other');
  });
});
