import { describe, expect, it } from 'vitest';
import { baselineClassifier, composeClassifiers, type ContainerClassifier } from '../src/metrics/roles.js';
import { summarizeResources } from '../src/metrics/summarize-resources.js';
import { scrapeAt, type ContainerAt } from './helpers/resource-scrapes.js';

// Every summary is computed inside its test: mutation testing activates a mutant only once tests run, so a summary
// computed while the file is collected would always be the unmutated one.

const sidecarMesh: ContainerClassifier = (c) =>
  c.container === 'istio-proxy' ? 'sidecar-proxy' : c.namespace === 'istio-system' ? 'control-plane' : undefined;
const classify = composeClassifiers(sidecarMesh, baselineClassifier('bench'));

/**
 * Pods whose `namespace/pod/container` key order differs from (namespace, pod) order: '-' sorts before '/', so
 * `bench-2/…` and `bench/server-0/…` come before `bench/server/…` by key.
 */
function podsAt(seconds: number, i: number): ContainerAt[] {
  return [
    { ns: 'istio-system', pod: 'istiod-0', name: 'discovery', memory: 80, cpu: 5 + i },
    { ns: 'bench-2', pod: 'load', name: 'load', memory: 30, cpu: 1 + i },
    { ns: 'bench', pod: 'server-0', name: 'server', memory: 100 + seconds, cpu: 2 * i },
    { ns: 'bench', pod: 'server-0', name: 'istio-proxy', memory: 50, cpu: i },
    { ns: 'bench', pod: 'server', name: 'server', memory: 200, cpu: 3 * i },
    { ns: 'bench', pod: 'client-0', name: 'client', memory: 400, cpu: 4 * i },
  ];
}

describe('resource summary: pods, nodes and what it notes', () => {
  it('orders pods by namespace, then pod name, listing the roles inside each in the fixed role order', () => {
    const s = summarizeResources([0, 10].map((t, i) => scrapeAt('w1', t, podsAt(t, i))), classify);
    expect(s.pods.map((p) => [`${p.namespace}/${p.pod}`, p.roles, p.containers])).toEqual([
      ['bench/client-0', ['load-client'], 1],
      ['bench/server', ['workload'], 1],
      ['bench/server-0', ['workload', 'sidecar-proxy'], 2],
      ['bench-2/load', ['other'], 1],
      ['istio-system/istiod-0', ['control-plane'], 1],
    ]);
    // bench/server-0: server 100 then 110 plus the proxy's 50 → mean 155, max 160; CPU 0.2 + 0.1 cores over 10 s.
    expect(s.pods[2]).toMatchObject({ memoryMeanBytes: 155, memoryMaxBytes: 160, samples: 8 });
    expect(s.pods[2]?.cpuMeanCores).toBeCloseTo(0.3, 12);
  });

  it('counts a group’s samples as its containers’ memory samples plus CPU samples', () => {
    const one = (memory: number | null, cpu: number | null): ContainerAt[] => [
      { ns: 'bench', pod: 'server-0', name: 'server', memory, cpu },
    ];
    // Three memory samples, two CPU samples.
    const s = summarizeResources([scrapeAt('w1', 0, one(10, 1)), scrapeAt('w1', 10, one(20, 2)), scrapeAt('w1', 20, one(30, null))], classify);
    expect(s.roles.workload.samples).toBe(5);
    expect(s.pods[0]?.samples).toBe(5);
    expect(s.nodes[0]?.sumOfContainers.samples).toBe(5);
    expect(s.containers[0]).toMatchObject({ memorySamples: 3, cpuSamples: 2, cpuIntervals: 1 });
  });

  it('gives a node’s own total from its series: zero for a side it did not send, null when it sent neither', () => {
    const c = (cpu: number): ContainerAt[] => [{ ns: 'bench', pod: 'server-0', name: 'server', memory: 100, cpu }];
    const scrapes = [0, 10, 20].flatMap((t, i) => [
      scrapeAt('mem-only', t, c(i), { nodeMemory: 1000 + 100 * i }),
      scrapeAt('cpu-only', t, [], { nodeCpu: 50 + 2 * i }),
      scrapeAt('neither', t, []),
    ]);
    const s = summarizeResources(scrapes, classify);
    const node = (name: string) => s.nodes.find((n) => n.node === name);
    expect(node('mem-only')?.total).toEqual({ memoryMeanBytes: 1100, memoryMaxBytes: 1200, cpuMeanCores: 0, cpuMaxCores: 0, samples: 3 });
    // Outside containers from the node's own means: memory 1100 − 100; no CPU series, so no CPU figure (not 0 − 0.1).
    expect(node('mem-only')?.outsideContainers).toEqual({ cpuMeanCores: null, memoryMeanBytes: 1000 });
    expect(node('cpu-only')?.total).toEqual({
      memoryMeanBytes: 0,
      memoryMaxBytes: 0,
      cpuMeanCores: expect.closeTo(0.2, 12),
      cpuMaxCores: expect.closeTo(0.2, 12),
      samples: 3,
    });
    expect(node('cpu-only')?.outsideContainers).toEqual({ cpuMeanCores: expect.closeTo(0.2, 12), memoryMeanBytes: null });
    expect(node('neither')?.total).toBeNull();
    expect(node('neither')?.outsideContainers).toBeNull();
  });

  it('names the containers left out of the sums: without memory, and with fewer than two CPU samples', () => {
    const scrapes = [0, 10].map((t, i) =>
      scrapeAt('w1', t, [
        { ns: 'bench', pod: 'server-0', name: 'server', memory: 100, cpu: i === 0 ? 1 : null },
        { ns: 'bench', pod: 'load-0', name: 'load', memory: null, cpu: 1 + i },
        { ns: 'bench', pod: 'server-1', name: 'server', memory: 100, cpu: 1 + i },
      ]),
    );
    const s = summarizeResources(scrapes, classify);
    expect(s.notes).toEqual([
      'no memory sample, left out of the sums: bench/load-0/load',
      'fewer than two distinct CPU samples (no rate), left out of the CPU sums: bench/server-0/server',
    ]);
    expect(s.containers.map((c) => [c.pod, c.memoryMeanBytes, c.cpuMeanCores])).toEqual([
      ['load-0', null, 0.1],
      ['server-0', 100, null],
      ['server-1', 100, 0.1],
    ]);
  });

  it('names up to ten containers in a note, then says how many more', () => {
    const noCpu = (n: number) => {
      const containers = Array.from({ length: n }, (_, i): ContainerAt => ({ ns: 'bench', pod: `p${String(i).padStart(2, '0')}`, name: 'server', memory: 1 }));
      return summarizeResources([scrapeAt('w1', 0, containers)], classify).notes;
    };
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `bench/p${String(i).padStart(2, '0')}/server`).join(', ');
    const prefix = 'fewer than two distinct CPU samples (no rate), left out of the CPU sums: ';
    expect(noCpu(10)).toEqual([`${prefix}${keys(10)}`]);
    expect(noCpu(12)).toEqual([`${prefix}${keys(10)} and 2 more`]);
  });
});
