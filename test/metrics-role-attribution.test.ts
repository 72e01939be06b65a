import { describe, expect, it } from 'vitest';
import type { ContainerRole } from '../src/core/result-schema.js';
import { parseResourceMetrics } from '../src/metrics/kubelet-resource.js';
import { baselineClassifier, composeClassifiers, type ContainerClassifier } from '../src/metrics/roles.js';
import { referenceFiles } from './helpers/reference.js';

const kindE2e = referenceFiles('the test on a real kubelet response', ['kubelet/metrics-resource.kind-e2e.metrics-server-v0.9.0.txt']);

const ref = (namespace: string, pod: string, container: string) => ({ namespace, pod, container });

/** Stand-in for a mesh adapter's classifier (the real ones live with the adapters). */
const sidecarMesh: ContainerClassifier = (c) =>
  c.container === 'istio-proxy' ? 'sidecar-proxy' : c.namespace === 'istio-system' ? 'control-plane' : undefined;

describe('role attribution', () => {
  const baseline = baselineClassifier('bench');

  it('makes server* the workload and load*/client* the load client, in the benchmark namespace only', () => {
    expect(baseline(ref('bench', 'server-7d9f-abc', 'server'))).toBe('workload');
    expect(baseline(ref('bench', 'server-hop2-0', 'server-hop2'))).toBe('workload');
    expect(baseline(ref('bench', 'load-0', 'load'))).toBe('load-client');
    expect(baseline(ref('bench', 'fortio-client', 'client'))).toBe('load-client');
    expect(baseline(ref('default', 'server-0', 'server'))).toBeUndefined();
  });

  it('matches the load client by name prefix only: load*/client* yes, *load/*client no', () => {
    expect(baseline(ref('bench', 'load-0', 'loadgen'))).toBe('load-client');
    expect(baseline(ref('bench', 'client-0', 'client-go'))).toBe('load-client');
    expect(baseline(ref('bench', 'server-0', 'download'))).toBeUndefined();
    expect(baseline(ref('bench', 'server-0', 'http-client'))).toBeUndefined();
  });

  it('leaves other containers of benchmark pods (an injected proxy) to other classifiers', () => {
    expect(baseline(ref('bench', 'server-0', 'istio-proxy'))).toBeUndefined();
    expect(baseline(ref('bench', 'server-0', 'linkerd-proxy'))).toBeUndefined();
  });

  it('composes classifiers: the first answer wins, and nobody answering means other', () => {
    const classify = composeClassifiers(sidecarMesh, baseline);
    expect(classify(ref('bench', 'server-0', 'server'))).toBe('workload');
    expect(classify(ref('bench', 'server-0', 'istio-proxy'))).toBe('sidecar-proxy');
    expect(classify(ref('istio-system', 'istiod-5c8', 'discovery'))).toBe('control-plane');
    expect(classify(ref('kube-system', 'coredns-1', 'coredns'))).toBe('other');
    expect(composeClassifiers()(ref('bench', 'server-0', 'server'))).toBe('other');

    const claimsEverything: ContainerClassifier = () => 'node-agent';
    expect(composeClassifiers(claimsEverything, baseline)(ref('bench', 'server-0', 'server'))).toBe('node-agent');
    expect(composeClassifiers(baseline, claimsEverything)(ref('bench', 'server-0', 'server'))).toBe('workload');
  });

  it.skipIf(!kindE2e.available)('attributes every container of a real kubelet response to exactly one role', () => {
    const text = kindE2e.read('kubelet/metrics-resource.kind-e2e.metrics-server-v0.9.0.txt');
    const scrape = parseResourceMetrics(text, 'e2e-control-plane', 0);
    const kubeSystem: ContainerClassifier = (c) => (c.namespace === 'kube-system' ? 'control-plane' : undefined);
    const classify = composeClassifiers(kubeSystem, baselineClassifier('sleeper-1'));
    const counts: Partial<Record<ContainerRole, number>> = {};
    for (const c of scrape.containers) {
      const role = classify(c);
      counts[role] = (counts[role] ?? 0) + 1;
    }
    // 9 kube-system containers; the sleeper pods' containers are named "sleeper", so none is a workload.
    expect(counts).toEqual({ 'control-plane': 9, other: 61 });
  });
});
