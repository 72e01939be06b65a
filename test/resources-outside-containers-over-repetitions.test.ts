import { describe, expect, it } from 'vitest';
import { aggregateOutsideContainers, KIND_OUTSIDE_CONTAINERS_REASON } from '../src/analysis/resource-cost.js';
import type { RepetitionResult } from '../src/core/result-schema.js';
import type { NodeScope, ResourceSummary } from '../src/core/resource-schema.js';
import { parseResourceMetrics } from '../src/metrics/kubelet-resource.js';
import { baselineClassifier } from '../src/metrics/roles.js';
import { summarizeResources } from '../src/metrics/summarize-resources.js';
import { kubeletResourceText } from './helpers/kubelet-text.js';
import { makeRepetitions } from './helpers/repetition-factory.js';

const MiB = 1024 * 1024;
const NS = 'mesh-bench';
const T0 = 1_780_000_000_000;
const RESAMPLES = 2000;

/**
 * One repetition on two nodes: on each, the node uses `node` cores and its one container `container` cores, steady
 * over 30 s; memory: node 1000 MiB, container 100 MiB. Outside containers per node: node − container.
 */
function summary(o: { w1: [number, number]; w2: [number, number]; scope?: NodeScope | null; w2Missing?: boolean }): ResourceSummary {
  const scrapes = [0, 1, 2, 3].flatMap((i) => {
    const at = T0 + i * 10_000;
    const node = (name: string, [nodeCores, containerCores]: [number, number]) =>
      parseResourceMetrics(
        kubeletResourceText(at, { cpuSeconds: 50 + 10 * nodeCores * i, memoryBytes: 1000 * MiB }, [
          { namespace: NS, pod: `server-${name}`, container: 'server', cpuSeconds: 10 * containerCores * i, memoryBytes: 100 * MiB },
        ]),
        name,
        at + 100,
      );
    return o.w2Missing ? [node('w1', o.w1)] : [node('w1', o.w1), node('w2', o.w2)];
  });
  const scope = o.scope === undefined ? 'machine' : o.scope;
  return summarizeResources(scrapes, baselineClassifier(NS), scope === null ? {} : { nodeScopes: { w1: scope, w2: scope } });
}

function reps(throughputs: readonly number[], summaries: readonly ResourceSummary[]): RepetitionResult[] {
  return makeRepetitions(throughputs.map((throughput) => ({ throughput }))).map((r, i) => ({ ...r, resources: summaries[i] ?? null }));
}

describe('CPU and memory outside containers over repetitions', () => {
  // Outside containers, summed over the two nodes: 0.5 + 0.3, 0.9 + 0.3, 0.4 + 0.2 cores; per 1000 req/s at 1000,
  // 2000 and 500 req/s: 0.8, 0.6, 1.2.
  const summaries = [summary({ w1: [0.7, 0.2], w2: [0.5, 0.2] }), summary({ w1: [1.2, 0.3], w2: [0.6, 0.3] }), summary({ w1: [0.5, 0.1], w2: [0.3, 0.1] })];
  const throughputs = [1000, 2000, 500];

  it('gives per node and summed over nodes the medians of node − Σ containers, with the node series beside them', () => {
    const o = aggregateOutsideContainers(reps(throughputs, summaries), { seed: 3, resamples: RESAMPLES });
    if (!o?.measured) throw new Error('expected a measured figure');
    expect(o.nodes.map((n) => n.node)).toEqual(['w1', 'w2']);
    expect(o.nodes[0]?.cpuCores.value).toBeCloseTo(0.5, 9); // 0.5, 0.9, 0.4
    expect(o.nodes[1]?.cpuCores.value).toBeCloseTo(0.3, 9); // 0.3, 0.3, 0.2
    expect(o.nodes[0]?.nodeCpuCores.value).toBeCloseTo(0.7, 9);
    expect(o.total.cpuCores.value).toBeCloseTo(0.8, 9); // 0.8, 1.2, 0.6
    expect(o.total.memoryBytes.value).toBe(1800 * MiB);
    expect(o.total.nodeMemoryBytes.value).toBe(2000 * MiB);
    expect(o.repetitions).toBe(3);
    expect(o.notes).toEqual([]);
  });

  it('normalises the sum by each repetition’s own throughput for the per-1000 req/s figure', () => {
    const o = aggregateOutsideContainers(reps(throughputs, summaries), { seed: 3, resamples: RESAMPLES });
    if (!o?.measured) throw new Error('expected a measured figure');
    expect(o.perThousandRps.cpuCores.value).toBeCloseTo(0.8, 9); // 0.8, 0.6, 1.2
    expect(o.perThousandRps.memoryBytes.value).toBeCloseTo(1800 * MiB, 3); // 1800, 900, 3600 MiB
    // Kept per repetition in the aggregate, so a difference between systems needs nothing else.
    expect(o.cpuPerThousandRpsByRepetition.map((v) => Number(v.toFixed(9)))).toEqual([0.8, 0.6, 1.2]);
  });

  it('does not compute it on kind nodes, and says why in the result', () => {
    const kind = [summary({ w1: [0.7, 0.2], w2: [0.5, 0.2], scope: 'kind-node' })];
    expect(aggregateOutsideContainers(reps([1000], kind), { seed: 3 })).toEqual({ measured: false, reason: KIND_OUTSIDE_CONTAINERS_REASON });
    expect(KIND_OUTSIDE_CONTAINERS_REASON).toMatch(/^not measured on kind: .*host kernel/);
    const unknown = aggregateOutsideContainers(reps([1000], [summary({ w1: [0.7, 0.2], w2: [0.5, 0.2], scope: null })]), { seed: 3 });
    expect(unknown).toMatchObject({ measured: false, reason: expect.stringMatching(/machines or kind/) });
  });

  it('sums over nodes only the repetitions in which every node answered, and says so', () => {
    const partial = [...summaries, summary({ w1: [0.7, 0.2], w2: [0, 0], w2Missing: true })];
    const o = aggregateOutsideContainers(reps([...throughputs, 1000], partial), { seed: 3, resamples: RESAMPLES });
    if (!o?.measured) throw new Error('expected a measured figure');
    expect(o.repetitions).toBe(3);
    expect(o.total.cpuCores.value).toBeCloseTo(0.8, 9);
    expect(o.notes).toContain('the sum over nodes uses 3 of 4 repetitions (the others missed a node\'s samples)');
  });

  it('keeps a node slightly below its containers (sampling at different instants) as measured, with a note', () => {
    const o = aggregateOutsideContainers(reps([1000], [summary({ w1: [0.24, 0.25], w2: [0.5, 0.2] })]), { seed: 3 });
    if (!o?.measured) throw new Error('expected a measured figure');
    expect(o.nodes[0]?.cpuCores.value).toBeCloseTo(-0.01, 9);
    expect(o.notes.join('\n')).toMatch(/^w1: its containers add up to more than the node's own series in 1 of 1 repetition/);
  });

  it('publishes nothing when a node series is clearly below its containers: it does not cover the machine', () => {
    const o = aggregateOutsideContainers(reps([1000, 1000], [summary({ w1: [0.5, 0.2], w2: [0.1, 0.3] }), summary({ w1: [0.5, 0.2], w2: [0.1, 0.3] })]), { seed: 3 });
    expect(o).toEqual({
      measured: false,
      reason:
        "not measured: on w2 the node's CPU series (0.100 cores) is below the sum of its containers' (0.300 cores), so it " +
        "does not cover the whole machine (a cgroup v1 root, a kernel without the root cgroup's cpu.stat, or a container-based node)",
    });
  });

  it('is null without resource data', () => {
    expect(aggregateOutsideContainers(makeRepetitions([{}]), { seed: 3 })).toBeNull();
  });
});
