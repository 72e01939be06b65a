import { beforeEach, describe, expect, it } from 'vitest';
import { containerRoles } from '../src/core/result-schema.js';
import { parseResourceMetrics } from '../src/metrics/kubelet-resource.js';
import { parsePrometheusText } from '../src/metrics/prometheus-text.js';
import { baselineClassifier, composeClassifiers, type ContainerClassifier } from '../src/metrics/roles.js';
import { summarizeResources } from '../src/metrics/summarize-resources.js';
import { resourceSummarySchema, type ResourceScrape, type ResourceSummary } from '../src/metrics/types.js';
import { referenceFiles } from './helpers/reference.js';

const kindE2e = referenceFiles('the test on a real kubelet response', ['kubelet/metrics-resource.kind-e2e.metrics-server-v0.9.0.txt']);

const T0 = 1_750_000_000_000;
const sec = (s: number) => T0 + s * 1000;

interface FakeContainer {
  ns: string;
  pod: string;
  name: string;
  memory: [number, number, number];
  cpu: [number, number, number];
}

/**
 * Two kind-like nodes whose kubelets refresh at different moments: node-a at 1, 11, 21 s; node-b at 6, 16, 26 s.
 * Both are scraped every 5 s (2, 7, …, 27 s) and answer with their latest refresh, as a real kubelet does.
 */
const NODES: Record<string, { refreshS: [number, number, number]; containers: FakeContainer[]; node?: FakeContainer }> = {
  'node-a': {
    refreshS: [1, 11, 21],
    containers: [
      { ns: 'bench', pod: 'server-0', name: 'server', memory: [100, 300, 200], cpu: [1, 2, 4] },
      { ns: 'bench', pod: 'server-0', name: 'istio-proxy', memory: [50, 50, 50], cpu: [0, 0.5, 1] },
    ],
    node: { ns: '', pod: '', name: '', memory: [5000, 5200, 5100], cpu: [100, 101, 103] },
  },
  'node-b': {
    refreshS: [6, 16, 26],
    containers: [
      { ns: 'bench', pod: 'client-0', name: 'client', memory: [1000, 1500, 1100], cpu: [10, 11, 13] },
      { ns: 'bench', pod: 'server-1', name: 'server', memory: [400, 400, 700], cpu: [0, 1, 2] },
      { ns: 'istio-system', pod: 'istiod-0', name: 'discovery', memory: [80, 80, 80], cpu: [5, 5.2, 5.4] },
    ],
  },
};
const SCRAPE_TIMES_S = [2, 7, 12, 17, 22, 27];

function kubeletResponse(node: string, atS: number): string {
  const spec = NODES[node];
  if (spec === undefined) throw new Error(node);
  const i = spec.refreshS.filter((t) => t <= atS).length - 1;
  const lines = ['# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise'];
  lines.push('# TYPE resource_scrape_error gauge', 'resource_scrape_error 0');
  if (i < 0) return lines.join('\n');
  const ts = sec(spec.refreshS[i] as number);
  for (const c of spec.containers) {
    const l = `{container="${c.name}",namespace="${c.ns}",pod="${c.pod}"}`;
    lines.push(`container_cpu_usage_seconds_total${l} ${c.cpu[i]} ${ts}`);
    lines.push(`container_memory_working_set_bytes${l} ${c.memory[i]} ${ts}`);
  }
  if (spec.node) {
    lines.push(`node_cpu_usage_seconds_total ${spec.node.cpu[i]} ${ts}`);
    lines.push(`node_memory_working_set_bytes ${spec.node.memory[i]} ${ts}`);
  }
  return lines.join('\n');
}

function scrapeBothNodes(): ResourceScrape[] {
  const out: ResourceScrape[] = [];
  for (const s of SCRAPE_TIMES_S) {
    for (const node of Object.keys(NODES)) out.push(parseResourceMetrics(kubeletResponse(node, s), node, sec(s)));
  }
  return out;
}

const sidecarMesh: ContainerClassifier = (c) =>
  c.container === 'istio-proxy' ? 'sidecar-proxy' : c.namespace === 'istio-system' ? 'control-plane' : undefined;
const classify = composeClassifiers(sidecarMesh, baselineClassifier('bench'));

describe('resource summary of a step', () => {
  // Computed before each test, not while the file is collected: mutation testing activates a mutant only once tests
  // run, so a summary computed at collection would always be the unmutated one.
  let summary: ResourceSummary;
  beforeEach(() => {
    summary = summarizeResources(scrapeBothNodes(), classify);
  });

  it('gives every role: mean = Σ of its containers’ means, max = highest total over time across unaligned nodes', () => {
    // workload = server-0/server on node-a + server-1/server on node-b.
    // Memory means 200 + 500. Totals with sample-and-hold: 100, 500, 700, 700, 600, 900 → 900 (Σ of maxima: 1000).
    // CPU: a (1,11]: 0.1, (11,21]: 0.2; b (6,16]: 0.1, (16,26]: 0.1 → totals 0.1, 0.2, 0.3, 0.3, 0.1.
    expect(summary.roles.workload).toEqual({
      memoryMeanBytes: 700,
      memoryMaxBytes: 900,
      cpuMeanCores: expect.closeTo(0.25, 12),
      cpuMaxCores: expect.closeTo(0.3, 12),
      samples: 12,
      containers: 2,
    });
    expect(summary.roles['load-client']).toEqual({
      memoryMeanBytes: 1200,
      memoryMaxBytes: 1500,
      cpuMeanCores: expect.closeTo(0.15, 12),
      cpuMaxCores: expect.closeTo(0.2, 12),
      samples: 6,
      containers: 1,
    });
    expect(summary.roles['sidecar-proxy']).toMatchObject({ memoryMeanBytes: 50, memoryMaxBytes: 50, containers: 1 });
    expect(summary.roles['sidecar-proxy'].cpuMeanCores).toBeCloseTo(0.05, 12);
    expect(summary.roles['control-plane'].cpuMaxCores).toBeCloseTo(0.02, 12);
    for (const empty of ['node-agent', 'waypoint', 'other'] as const) {
      expect(summary.roles[empty]).toEqual({
        memoryMeanBytes: 0,
        memoryMaxBytes: 0,
        cpuMeanCores: 0,
        cpuMaxCores: 0,
        samples: 0,
        containers: 0,
      });
    }
    expect(Object.keys(summary.roles)).toEqual([...containerRoles]);
  });

  it('adds up pods from their containers, listing the roles inside each', () => {
    expect(summary.pods.map((p) => [`${p.namespace}/${p.pod}`, p.node, p.roles, p.containers])).toEqual([
      ['bench/client-0', 'node-b', ['load-client'], 1],
      ['bench/server-0', 'node-a', ['workload', 'sidecar-proxy'], 2],
      ['bench/server-1', 'node-b', ['workload'], 1],
      ['istio-system/istiod-0', 'node-b', ['control-plane'], 1],
    ]);
    // server-0: server + proxy, refreshed together: totals 150, 350, 250.
    expect(summary.pods[1]).toMatchObject({ memoryMeanBytes: 250, memoryMaxBytes: 350, samples: 12 });
    expect(summary.pods[1]?.cpuMeanCores).toBeCloseTo(0.2, 12);
    expect(summary.pods[1]?.cpuMaxCores).toBeCloseTo(0.25, 12);
  });

  it('reports each node’s containers and, where the kubelet sent it, the whole node', () => {
    expect(summary.nodes.map((n) => [n.node, n.containers])).toEqual([
      ['node-a', 2],
      ['node-b', 3],
    ]);
    expect(summary.nodes[0]?.sumOfContainers.memoryMaxBytes).toBe(350);
    expect(summary.nodes[0]?.total).toEqual({
      memoryMeanBytes: 5100,
      memoryMaxBytes: 5200,
      cpuMeanCores: expect.closeTo(0.15, 12),
      cpuMaxCores: expect.closeTo(0.2, 12),
      samples: 6,
    });
    expect(summary.nodes[1]?.total).toBeNull();
    expect(summary.nodes[1]?.sumOfContainers.memoryMeanBytes).toBe(1200 + 500 + 80);
  });

  it('lists every container with its role and statistics', () => {
    expect(summary.containers.map((c) => `${c.namespace}/${c.pod}/${c.container}=${c.role}@${c.node}`)).toEqual([
      'bench/client-0/client=load-client@node-b',
      'bench/server-0/istio-proxy=sidecar-proxy@node-a',
      'bench/server-0/server=workload@node-a',
      'bench/server-1/server=workload@node-b',
      'istio-system/istiod-0/discovery=control-plane@node-b',
    ]);
    expect(summary.containers[2]).toEqual({
      namespace: 'bench',
      pod: 'server-0',
      container: 'server',
      node: 'node-a',
      role: 'workload',
      memoryMeanBytes: 200,
      memoryMaxBytes: 300,
      cpuMeanCores: expect.closeTo(0.15, 12),
      cpuMaxCores: expect.closeTo(0.2, 12),
      memorySamples: 3,
      cpuSamples: 3,
      cpuIntervals: 2,
      counterResets: 0,
    });
  });

  it('counts samples read (54, repeats included) against distinct samples kept (30), with nothing to note', () => {
    // node-a answers 6 scrapes × 2 containers × 2 series; node-b 5 × 3 × 2 (nothing yet at 2 s).
    expect(summary.samples).toBe(54);
    expect(summary.distinctTimestamps).toBe(30);
    expect(summary.scrapes).toBe(12);
    expect(summary.scrapeErrors).toBe(0);
    expect(summary.notes).toEqual([]);
  });

  it('is valid result-file data and survives a JSON round trip unchanged', () => {
    const back = resourceSummarySchema.parse(JSON.parse(JSON.stringify(summary)));
    expect(back).toEqual(summary);
  });

  it('with a window, leaves out samples taken before the step started', () => {
    const windowed = summarizeResources(scrapeBothNodes(), classify, { window: { startMs: sec(5), endMs: sec(30) } });
    // server-0/server keeps 300 @11 s and 200 @21 s: mean 250, one CPU interval of 0.2 cores.
    expect(windowed.containers.find((c) => c.pod === 'server-0' && c.container === 'server')).toMatchObject({
      memoryMeanBytes: 250,
      cpuIntervals: 1,
    });
    expect(windowed.roles.workload.memoryMeanBytes).toBe(250 + 500);
    expect(windowed.window).toEqual({ startMs: sec(5), endMs: sec(30) });
    // node-a's 1 s refresh, returned by the scrapes at 2 and 7 s: 2 × (2 containers + the node) × 2 series.
    expect(windowed.notes).toEqual(['12 sample(s) timestamped outside the step window were dropped']);
  });

  it.skipIf(!kindE2e.available)('summarizes a single real response: memory from one sample, CPU needing two and saying so', () => {
    const text = kindE2e.read('kubelet/metrics-resource.kind-e2e.metrics-server-v0.9.0.txt');
    const kubeSystem: ContainerClassifier = (c) => (c.namespace === 'kube-system' ? 'control-plane' : undefined);
    const s = summarizeResources([parseResourceMetrics(text, 'e2e-control-plane', 0)], kubeSystem);
    const expectedMemory = parsePrometheusText(text)
      .filter((x) => x.name === 'container_memory_working_set_bytes' && x.labels.namespace === 'kube-system')
      .reduce((sum, x) => sum + x.value, 0);
    expect(s.roles['control-plane'].containers).toBe(9);
    expect(s.roles['control-plane'].memoryMeanBytes).toBe(expectedMemory);
    expect(s.roles['control-plane'].cpuMeanCores).toBe(0);
    expect(s.containers.every((c) => c.cpuMeanCores === null && c.memoryMeanBytes !== null)).toBe(true);
    expect(s.notes).toHaveLength(1);
    expect(s.notes[0]).toMatch(/^fewer than two distinct CPU samples \(no rate\), left out of the CPU sums: .* and 60 more$/);
    expect(s.pods).toHaveLength(70);
    expect(s.nodes[0]?.total?.memoryMeanBytes).toBe(1.616273408e9);
  });
});
