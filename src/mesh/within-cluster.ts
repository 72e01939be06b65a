/**
 * What comparing a system with its own `<id>/unmeshed` namespace in the same cluster measures (issue 12). Such a
 * comparison has no install effect (same nodes, same CNI state, variants interleaved repetition by repetition), so it
 * is the strongest verdict wherever it isolates the mesh. It does not when the mesh is not something a namespace opts
 * into: a CNI wires every pod, and Cilium's WireGuard encrypts all traffic between Cilium-managed endpoints on
 * different nodes (Documentation/security/network/encryption-wireguard.rst, Cilium v1.20), whatever the namespace.
 * Then the within-cluster difference is ~0 by construction and only the cross-cluster comparison (against the
 * kindnet baseline, with its install-to-install caveat) says what the system costs.
 *
 * Keyed by system id; test/statistics-within-cluster-meaning.test.ts checks every adapter in the registry has one.
 */
export interface WithinClusterMeaning {
  /** Does the meshed − unmeshed difference measure the mesh (true), or is the unmeshed namespace on it too (false)? */
  isolatesMesh: boolean;
  /** One plain sentence: what the within-cluster difference is. */
  means: string;
}

export const WITHIN_CLUSTER: Readonly<Record<string, WithinClusterMeaning>> = {
  baseline: { isolatesMesh: false, means: 'the baseline has no mesh and no unmeshed namespace' },
  cilium: {
    isolatesMesh: false,
    means: 'Cilium is the CNI: its unmeshed namespace runs on Cilium too, so only the baseline comparison shows its cost',
  },
  'cilium-wireguard': {
    isolatesMesh: false,
    means:
      'WireGuard encrypts all pod traffic between nodes whatever the namespace: the unmeshed namespace is encrypted ' +
      'too, so only the baseline comparison shows its cost',
  },
  'cilium-l7': {
    isolatesMesh: true,
    means: 'the L7 policy (cilium-envoy on the path) on top of the Cilium CNI; the CNI itself is in both namespaces',
  },
  istio: { isolatesMesh: true, means: 'the sidecar proxies and their mTLS, same nodes and CNI' },
  'istio-ambient': { isolatesMesh: true, means: 'ztunnel and its L4 mTLS, same nodes and CNI' },
  'istio-ambient-waypoint': { isolatesMesh: true, means: 'ztunnel and the waypoint (L7), same nodes and CNI' },
  'istio-ambient-cilium': {
    isolatesMesh: true,
    means: 'Istio ambient (ztunnel, L4 mTLS) on top of the Cilium CNI; the CNI itself is in both namespaces',
  },
  linkerd: { isolatesMesh: true, means: 'the Linkerd proxies and their mTLS, same nodes and CNI' },
  'cilium-ztunnel': {
    isolatesMesh: true,
    means:
      'ztunnel and its mTLS (HBONE) for the namespace labelled io.cilium/mtls-enabled on top of the Cilium CNI; the CNI ' +
      'itself is in both namespaces',
  },
};

/** The meaning for a system id (`<id>` or `<id>/unmeshed`); null for an id no adapter has. */
export function withinClusterMeaning(systemId: string): WithinClusterMeaning | null {
  return WITHIN_CLUSTER[systemId.replace(/\/unmeshed$/, '')] ?? null;
}
