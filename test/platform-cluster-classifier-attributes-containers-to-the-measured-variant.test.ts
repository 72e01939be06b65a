import { describe, expect, it } from 'vitest';
import { classifierFor } from '../src/platform/cluster-platform.js';
import { variantsOf } from '../src/platform/cluster-plan.js';
import { baselineMesh as baseline } from '../src/mesh/baseline.js';
import { istioSidecar } from '../src/mesh/istio.js';

/**
 * Who a container's memory and CPU are charged to in a measured step: the measured variant's server and load client
 * are the workload and the load generator; the other variant's pods (sidecars included) are `other`, never the
 * measured mesh's proxies; anything outside the harness's namespaces is left to the mesh or `other`.
 */
describe('container roles: only the measured namespace holds the workload', () => {
  const [meshed, plain] = variantsOf(istioSidecar);
  const [only] = variantsOf(baseline);

  it("charges the meshed namespace's sidecars to `other` while the unmeshed twin is measured", () => {
    const c = classifierFor(istioSidecar, plain!);
    expect(c({ namespace: 'mesh-bench', pod: 'server-1-7d9f-abcde', container: 'istio-proxy' })).toBe('other');
    expect(c({ namespace: 'mesh-bench', pod: 'load-client-7d9f-abcde', container: 'istio-proxy' })).toBe('other');
    // The same container is the measured mesh's proxy when its namespace is the measured one.
    expect(classifierFor(istioSidecar, meshed!)({ namespace: 'mesh-bench', pod: 'server-1-7d9f-abcde', container: 'istio-proxy' })).toBe('sidecar-proxy');
  });

  it("charges a proxy in the unmeshed twin's namespace to `other` while the meshed namespace is measured", () => {
    const c = classifierFor(istioSidecar, meshed!);
    expect(c({ namespace: 'mesh-bench-plain', pod: 'server-1-7d9f-abcde', container: 'istio-proxy' })).toBe('other');
  });

  it('does not take a container called server or load outside the harness namespaces for the workload', () => {
    const c = classifierFor(baseline, only!);
    expect(c({ namespace: 'default', pod: 'server-5c6d-xyz12', container: 'server' })).toBe('other');
    expect(c({ namespace: 'monitoring', pod: 'load-tester-5c6d-xyz12', container: 'load' })).toBe('other');
    expect(c({ namespace: 'mesh-bench', pod: 'server-1-7d9f-abcde', container: 'server' })).toBe('workload');
  });

  it('charges only the load container of the measured namespace to the load client, not any other container there', () => {
    const c = classifierFor(baseline, only!);
    expect(c({ namespace: 'mesh-bench', pod: 'load-client-7d9f-abcde', container: 'load' })).toBe('load-client');
    expect(c({ namespace: 'mesh-bench', pod: 'server-1-7d9f-abcde', container: 'wait-for-dns' })).toBe('other');
    expect(c({ namespace: 'mesh-bench', pod: 'load-client-7d9f-abcde', container: 'debugger' })).toBe('other');
  });
});
