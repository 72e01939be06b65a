import { describe, expect, it } from 'vitest';
import type { V1Node } from '@kubernetes/client-node';
import { BenchError, ExitCode } from '../src/core/errors.js';
import type { ResolvedScenario } from '../src/core/scenario-types.js';
import { ClusterPlatform } from '../src/platform/cluster-platform.js';
import type { MeasureOptions, PreparedSystem } from '../src/platform/platform.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { clusterRunFixture, DEFAULT_KUBELET_CONTAINERS, TWO_STEP_SCENARIO, type ClusterRunFixture } from './helpers/cluster-run.js';
import { kubeletText } from './helpers/fake-cluster.js';

/**
 * One measured step on a prepared kind cluster (every seam faked): what the load client's answer becomes, and what
 * the kubelets' samples during the step become.
 */
const scenario: ResolvedScenario = parseScenario(TWO_STEP_SCENARIO, 'tiny.yaml', 2);
const rateStep = scenario.steps[0]!;

async function preparedBaseline(f: ClusterRunFixture): Promise<{ prepared: PreparedSystem; options: MeasureOptions }> {
  const prepared = await new ClusterPlatform(f.options).prepare('baseline', scenario, f.controller.signal);
  return { prepared, options: { errorBudget: scenario.errorBudget, thresholds: scenario.thresholds, seed: 7, signal: f.controller.signal } };
}

describe("cluster measure: the load client's answer", () => {
  it('keeps the result of a step the load client judged invalid itself (exit 1)', async () => {
    const f = clusterRunFixture();
    const { prepared, options } = await preparedBaseline(f);
    const answer = f.kube.execAnswer;
    f.kube.execAnswer = async (argv, signal, where) => ({ ...(await answer(argv, signal, where)), exitCode: 1 });
    const m = await prepared.measure('baseline', rateStep, options);
    expect(m.run.counts.sent).toBe(100);
    expect(m.run.step.name).toBe(rateStep.name);
  });

  it('fails with the pod, its exit code and the last 2000 characters of its stderr when the load client crashes', async () => {
    const f = clusterRunFixture();
    const { prepared, options } = await preparedBaseline(f);
    const stack = `HEAD-OF-THE-OUTPUT\n${'at frame\n'.repeat(300)}Error: ENOMEM, out of memory`;
    f.kube.execAnswer = () => ({ stdout: '', stderr: `${stack}\n\n`, exitCode: 134 });
    const error = await prepared.measure('baseline', rateStep, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BenchError);
    expect((error as BenchError).exitCode).toBe(ExitCode.runFailed);
    expect((error as BenchError).message).toBe(`load client in mesh-bench/load-client-7d9f-abcde exited 134: ${stack.slice(-2000)}`);
  });

  it('refuses to measure a variant the system does not have, naming it and the system', async () => {
    const f = clusterRunFixture();
    const { prepared, options } = await preparedBaseline(f);
    await expect(prepared.measure('baseline/unmeshed', rateStep, options)).rejects.toThrow(/^no variant baseline\/unmeshed of baseline$/);
  });
});

describe('cluster measure: what the kubelets saw during the step', () => {
  it("keeps only the samples timestamped inside the step's window", async () => {
    const f = clusterRunFixture();
    const { prepared, options } = await preparedBaseline(f);
    const startMs = f.clock.now();
    // Each kubelet's first answer carries samples taken ten minutes before the step (a stale cache), 60 MiB each.
    const containers = (node: string, stale: boolean) =>
      DEFAULT_KUBELET_CONTAINERS.filter((c) => c.node === node).map((c) => (stale ? { ...c, memoryBytes: 60 * 1024 * 1024 } : c));
    f.kube.kubeletFor = (node, n) => kubeletText(n === 1 ? startMs - 600_000 : f.clock.now(), containers(node, n === 1), startMs - 700_000);
    const m = await prepared.measure('baseline', rateStep, options);
    const r = m.resources!;
    expect(r.window).toEqual({ startMs, endMs: startMs + 30_000 });
    // Four containers, each with one stale memory and one stale CPU sample; the stale 60 MiB is in no figure.
    expect(r.notes).toContain('8 sample(s) timestamped outside the step window were dropped');
    expect(r.roles.workload.memoryMaxBytes).toBe(20 * 1024 * 1024);
    expect(r.roles['load-client'].memoryMaxBytes).toBe(50 * 1024 * 1024);
  });

  it('notes every kubelet scrape that failed, naming the node', async () => {
    const f = clusterRunFixture();
    const { prepared, options } = await preparedBaseline(f);
    const kubelet = f.kube.kubeletFor;
    f.kube.kubeletFor = (node, n) => {
      if (node === 'bench-node-control-plane') throw new Error('connection refused');
      return kubelet(node, n);
    };
    const m = await prepared.measure('baseline', rateStep, options);
    const failed = m.resources!.notes.filter((n) => n.startsWith('scrape failed: '));
    expect(failed.length).toBeGreaterThan(0);
    for (const note of failed) expect(note).toMatch(/^scrape failed: bench-node-control-plane: .*connection refused/);
  });

  it('scrapes only the nodes that have a name', async () => {
    const f = clusterRunFixture();
    const nameless: V1Node = { metadata: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
    f.kube.nodes = [...f.kube.nodes, nameless];
    const { prepared, options } = await preparedBaseline(f);
    const scraped = new Set<string>();
    const kubelet = f.kube.kubeletFor;
    f.kube.kubeletFor = (node, n) => {
      scraped.add(node);
      return kubelet(node, n);
    };
    const m = await prepared.measure('baseline', rateStep, options);
    expect([...scraped].sort()).toEqual(['bench-node-control-plane', 'bench-node-worker', 'bench-node-worker2']);
    expect(m.resources!.notes.filter((n) => n.startsWith('scrape failed'))).toEqual([]);
  });
});
