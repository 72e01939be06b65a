import { describe, expect, it } from 'vitest';
import type { KubeTarget } from '../src/core/kube.js';
import { ClusterPlatform } from '../src/platform/cluster-platform.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { clusterRunFixture, TWO_STEP_SCENARIO } from './helpers/cluster-run.js';

/**
 * The API client of a system is built once, from what the target says: on an existing cluster the user's kubeconfig
 * and the context they named (never the file's current context, which may point at another cluster); on kind the
 * kubeconfig the run wrote for its own cluster, whose only context is that cluster's.
 */
const scenario = parseScenario(TWO_STEP_SCENARIO, 'tiny.yaml', 2);

describe('cluster platform: which cluster the API client talks to', () => {
  it("uses the user's kubeconfig with the context they named on an existing cluster", async () => {
    const f = clusterRunFixture({ target: 'existing', existing: { kubeconfig: '/home/me/.kube/config', context: 'staging' } });
    const asked: KubeTarget[] = [];
    const prepared = await new ClusterPlatform({ ...f.options, kubeFactory: (o) => (asked.push(o), f.kube) }).prepare('baseline', scenario, f.controller.signal);
    await prepared.measure('baseline', scenario.steps[0]!, { errorBudget: scenario.errorBudget, thresholds: scenario.thresholds, seed: 1, signal: f.controller.signal });
    expect(asked).toEqual([{ kubeconfig: '/home/me/.kube/config', context: 'staging' }]);
  });

  it("uses the run's own kubeconfig, without a context, on kind", async () => {
    const f = clusterRunFixture();
    const asked: KubeTarget[] = [];
    await new ClusterPlatform({ ...f.options, kubeFactory: (o) => (asked.push(o), f.kube) }).prepare('baseline', scenario, f.controller.signal);
    expect(asked).toEqual([{ kubeconfig: '/tmp/mesh-bench-test/baseline/kubeconfig' }]);
  });
});

describe('cluster platform: what a teardown leaves on an existing cluster', () => {
  /** The transcript lines a prepared baseline's teardown adds. */
  async function teardownTranscript(keepCluster: boolean): Promise<string[]> {
    const f = clusterRunFixture({ target: 'existing', keepCluster, existing: { kubeconfig: '/home/me/.kube/config', context: 'staging' } });
    const prepared = await new ClusterPlatform(f.options).prepare('baseline', scenario, f.controller.signal);
    const before = f.transcript.length;
    await prepared.teardown();
    return f.transcript.slice(before);
  }

  it('removes what the run created even when asked to keep the cluster: keeping applies to a kind cluster the run made', async () => {
    const deleteNamespace = '$ kubectl --kubeconfig /home/me/.kube/config --context staging delete namespace mesh-bench --ignore-not-found --wait=true --timeout=180s';
    expect(await teardownTranscript(true)).toEqual([deleteNamespace]);
    expect(await teardownTranscript(false)).toEqual([deleteNamespace]);
  });
});
