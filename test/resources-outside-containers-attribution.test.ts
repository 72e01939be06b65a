import { describe, expect, it } from 'vitest';
import type { V1Node } from '@kubernetes/client-node';
import { parseResourceMetrics } from '../src/metrics/kubelet-resource.js';
import { nodeScopeOf, nodeScopesOf } from '../src/metrics/node-scope.js';
import { baselineClassifier } from '../src/metrics/roles.js';
import { summarizeResources } from '../src/metrics/summarize-resources.js';
import { kubeletResourceText, type SyntheticContainer } from './helpers/kubelet-text.js';
import { referenceFiles } from './helpers/reference.js';

const MiB = 1024 * 1024;
const T0 = 1_780_000_000_000;
const NS = 'mesh-bench';

/**
 * Two worker nodes, three kubelet refreshes 10 s apart. w1: the node counter grows 15 core-s per 10 s (1.5 cores),
 * its containers 4 + 3 (0.7 cores): 0.8 cores outside them; node 1000 MiB, containers 50 + 40: 910 MiB outside.
 * w2: node 1 core, its container 0.6: 0.4 outside; node 500 MiB, container 100: 400 outside.
 */
function scrapesWithKnownTruth(o: { w1NodeCpu?: boolean } = {}) {
  return [0, 1, 2].flatMap((i) => {
    const at = T0 + i * 10_000;
    const w1: SyntheticContainer[] = [
      { namespace: NS, pod: 'server-1', container: 'server', cpuSeconds: 10 + 4 * i, memoryBytes: 50 * MiB },
      { namespace: NS, pod: 'server-1', container: 'istio-proxy', cpuSeconds: 5 + 3 * i, memoryBytes: 40 * MiB },
    ];
    const w2: SyntheticContainer[] = [{ namespace: NS, pod: 'load-1', container: 'load', cpuSeconds: 6 * i, memoryBytes: 100 * MiB }];
    return [
      parseResourceMetrics(kubeletResourceText(at, { cpuSeconds: o.w1NodeCpu === false ? undefined : 100 + 15 * i, memoryBytes: 1000 * MiB }, w1), 'w1', at + 200),
      parseResourceMetrics(kubeletResourceText(at + 1_500, { cpuSeconds: 20 + 10 * i, memoryBytes: 500 * MiB }, w2), 'w2', at + 1_700),
    ];
  });
}

describe('CPU and memory outside containers, per node (node series − Σ containers)', () => {
  it('recovers the known CPU and memory outside the containers of each node from synthetic kubelet text', () => {
    const s = summarizeResources(scrapesWithKnownTruth(), baselineClassifier(NS), { nodeScopes: { w1: 'machine', w2: 'machine' } });
    const w1 = s.nodes.find((n) => n.node === 'w1')!;
    const w2 = s.nodes.find((n) => n.node === 'w2')!;
    expect(w1.scope).toBe('machine');
    expect(w1.total?.cpuMeanCores).toBeCloseTo(1.5, 12);
    expect(w1.sumOfContainers.cpuMeanCores).toBeCloseTo(0.7, 12);
    expect(w1.outsideContainers?.cpuMeanCores).toBeCloseTo(0.8, 12);
    expect(w1.outsideContainers?.memoryMeanBytes).toBe(910 * MiB);
    expect(w2.outsideContainers?.cpuMeanCores).toBeCloseTo(0.4, 12);
    expect(w2.outsideContainers?.memoryMeanBytes).toBe(400 * MiB);
  });

  it('leaves the CPU side null, not zero, when the kubelet sent no node CPU counter', () => {
    const s = summarizeResources(scrapesWithKnownTruth({ w1NodeCpu: false }), baselineClassifier(NS));
    const w1 = s.nodes.find((n) => n.node === 'w1')!;
    // `total` shows 0 for the missing side; the difference must not turn that into "−0.7 cores outside".
    expect(w1.total?.cpuMeanCores).toBe(0);
    expect(w1.outsideContainers).toEqual({ cpuMeanCores: null, memoryMeanBytes: 910 * MiB });
  });

  it('records no scope for a node the caller did not describe', () => {
    const s = summarizeResources(scrapesWithKnownTruth(), baselineClassifier(NS), { nodeScopes: { w1: 'kind-node' } });
    expect(s.nodes.find((n) => n.node === 'w1')?.scope).toBe('kind-node');
    expect(s.nodes.find((n) => n.node === 'w2')).not.toHaveProperty('scope');
  });
});

describe('what a node is', () => {
  const node = (name: string, providerID?: string): V1Node => ({ metadata: { name }, spec: providerID === undefined ? {} : { providerID } });

  it('treats every node of a kind target, and any node with a kind:// providerID, as a kind node; others as machines', () => {
    expect(nodeScopeOf(node('a'), 'kind')).toBe('kind-node');
    expect(nodeScopeOf(node('a', 'kind://docker/bench/bench-worker'), 'existing')).toBe('kind-node');
    expect(nodeScopeOf(node('a', 'gce://project/zone/a'), 'existing')).toBe('machine');
    expect(nodeScopeOf(node('a'), 'existing')).toBe('machine');
    expect(nodeScopesOf([node('x', 'kind://docker/c/x'), node('y', 'aws:///eu-west-1a/i-0abc'), { metadata: {} }], 'existing')).toEqual({
      x: 'kind-node',
      y: 'machine',
    });
  });
});

const KIND_E2E = 'kubelet/metrics-resource.kind-e2e.metrics-server-v0.9.0.txt';
const ref = referenceFiles('outside-containers attribution on a real kind kubelet response', [KIND_E2E]);

/** Σ of a series' values in the text, read independently of the parser under test. */
function sumOf(text: string, series: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${series}\\{[^}]*\\} (\\S+)`).exec(line);
    if (m?.[1] !== undefined) sum += Number(m[1]);
  }
  return sum;
}

describe.skipIf(!ref.available)('outside containers on a real kind kubelet response (metrics-server v0.9.0 e2e capture)', () => {
  it('attributes to "outside containers" exactly the node working set minus every container the kubelet lists', () => {
    const text = ref.read(KIND_E2E);
    const scrape = parseResourceMetrics(text, 'e2e-control-plane', 1_633_253_820_000);
    const s = summarizeResources([scrape], () => undefined, { nodeScopes: { 'e2e-control-plane': 'kind-node' } });
    const node = s.nodes[0]!;
    const nodeMemory = Number(/^node_memory_working_set_bytes (\S+)/m.exec(text)?.[1]);
    const containers = sumOf(text, 'container_memory_working_set_bytes');
    expect(node.containers).toBe(scrape.containers.length);
    expect(node.outsideContainers?.memoryMeanBytes).toBeCloseTo(nodeMemory - containers, 0);
    // One response holds one counter value per series: no CPU rate yet, so the CPU side is unknown, not zero.
    expect(node.outsideContainers?.cpuMeanCores).toBeNull();
    // Pod sandboxes (pause) and pod-level overhead are in the pod series but in no container's: they land outside
    // containers, a small part of it next to the kubelet, containerd and the rest of the node.
    const pods = sumOf(text, 'pod_memory_working_set_bytes');
    expect(pods).toBeGreaterThan(containers);
    expect(pods - containers).toBeLessThan(0.05 * (nodeMemory - containers));
  });
});
