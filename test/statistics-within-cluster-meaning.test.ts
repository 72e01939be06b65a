import { describe, expect, it } from 'vitest';
import { MESH_ADAPTERS } from '../src/mesh/registry.js';
import { WITHIN_CLUSTER, withinClusterMeaning } from '../src/mesh/within-cluster.js';
import { runWithBaseline } from './helpers/verdict-run-factory.js';

describe('what a within-cluster comparison means, per system', () => {
  it('is recorded for every system users can run, and for nothing else', () => {
    expect(Object.keys(WITHIN_CLUSTER).sort()).toEqual(MESH_ADAPTERS.map((a) => a.id).sort());
  });

  it('does not isolate the mesh where the unmeshed namespace cannot opt out: a CNI, WireGuard', () => {
    const notIsolated = MESH_ADAPTERS.map((a) => a.id).filter((id) => !withinClusterMeaning(id)?.isolatesMesh);
    expect(notIsolated).toEqual(['baseline', 'cilium', 'cilium-wireguard']);
    // The unmeshed variant's id finds its system's meaning.
    expect(withinClusterMeaning('cilium-l7/unmeshed')).toEqual(WITHIN_CLUSTER['cilium-l7']);
    expect(withinClusterMeaning('no-such-mesh')).toBeNull();
  });

  it('is copied into the pipeline’s within-cluster comparisons, and only those', () => {
    const run = runWithBaseline();
    const cilium = run.comparisons.filter((c) => c.system === 'cilium' && c.reference === 'cilium/unmeshed');
    expect(cilium.length).toBeGreaterThan(0);
    for (const c of cilium) {
      expect(c.scope).toBe('within-cluster');
      expect(c.withinCluster).toEqual(WITHIN_CLUSTER['cilium']);
    }
    const ambient = run.comparisons.find((c) => c.system === 'istio-ambient' && c.reference === 'istio-ambient/unmeshed');
    expect(ambient?.withinCluster?.isolatesMesh).toBe(true);
    const across = run.comparisons.filter((c) => c.reference === 'baseline');
    expect(across.length).toBeGreaterThan(0);
    for (const c of across) {
      expect(c.scope).toBe('cross-cluster');
      expect(c.withinCluster).toBeUndefined();
    }
  });
});
