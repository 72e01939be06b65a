import { describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import type { MeshPod } from '../src/core/result-schema.js';
import { MESH_ADAPTERS_BY_ID } from '../src/mesh/registry.js';
import { ClusterPlatform } from '../src/platform/cluster-platform.js';
import type { MeasureOptions, PreparedSystem, SystemRecorder } from '../src/platform/platform.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { clusterRunFixture, forcedChecks, runningPod as running, TWO_STEP_SCENARIO, type ClusterRunFixture } from './helpers/cluster-run.js';

/**
 * A mesh system (istio-ambient) on a kind cluster, every seam faked: a repetition is valid only if nothing on its
 * measured path changed under it — the measured variant's own pods and, for the meshed variant, the mesh's node agent
 * on their node. The mesh's verification and traffic evidence are forced to pass (they have their own tests).
 */
const scenario = parseScenario(TWO_STEP_SCENARIO, 'tiny.yaml', 2);
const step = scenario.steps[0]!;

function restarted(pod: V1Pod): V1Pod {
  return { ...pod, status: { ...pod.status, containerStatuses: pod.status!.containerStatuses!.map((c) => ({ ...c, restartCount: c.restartCount + 1 })) } };
}

interface Mesh {
  f: ClusterRunFixture;
  prepared: PreparedSystem;
  options: MeasureOptions;
  meshPods: MeshPod[][];
  /** Runs `change` when the load client starts the step (the pods then look as it leaves them). */
  duringTheStep(change: () => void): void;
}

async function ambient(): Promise<Mesh> {
  const f = clusterRunFixture();
  f.options.adapters = new Map([['istio-ambient', forcedChecks(MESH_ADAPTERS_BY_ID.get('istio-ambient')!)]]);
  // The fake puts every workload pod on bench-node-worker: ztunnel-x1 is the node agent on their path.
  f.kube.systemPods = [
    running('istiod-6d8f-abcde', 'istio-system', 'bench-node-control-plane', 'discovery'),
    running('ztunnel-x0', 'istio-system', 'bench-node-control-plane', 'istio-proxy'),
    running('ztunnel-x1', 'istio-system', 'bench-node-worker', 'istio-proxy'),
  ];
  const meshPods: MeshPod[][] = [];
  const recorder: SystemRecorder = {
    diagnosticsDir: null,
    phase: () => {},
    trafficProof: () => {},
    meshPods: (pods) => meshPods.push(pods),
    diagnostics: () => {},
  };
  const prepared = await new ClusterPlatform(f.options).prepare('istio-ambient', scenario, f.controller.signal, recorder);
  const options: MeasureOptions = { errorBudget: scenario.errorBudget, thresholds: scenario.thresholds, seed: 3, signal: f.controller.signal };
  const duringTheStep = (change: () => void): void => {
    const answer = f.kube.execAnswer;
    f.kube.execAnswer = async (argv, signal, where) => {
      if (argv.includes('load')) change();
      return answer(argv, signal, where);
    };
  };
  return { f, prepared, options, meshPods, duringTheStep };
}

describe('cluster measure on a mesh: the target must stay intact', () => {
  it('records where the mesh pods ran once the system is prepared', async () => {
    const { meshPods } = await ambient();
    expect(meshPods).toHaveLength(1);
    expect(meshPods[0]!.map((p) => [p.pod, p.role, p.node])).toEqual([
      ['istiod-6d8f-abcde', 'control-plane', 'bench-node-control-plane'],
      ['ztunnel-x0', 'node-agent', 'bench-node-control-plane'],
      ['ztunnel-x1', 'node-agent', 'bench-node-worker'],
    ]);
  });

  it("lists the mesh's own containers, grouped by container and role with their pod counts, once the system is prepared", async () => {
    const { prepared } = await ambient();
    expect(prepared.meshComponents().map((c) => [c.namespace, c.container, c.role, c.pods])).toEqual([
      ['istio-system', 'discovery', 'control-plane', 1],
      ['istio-system', 'istio-proxy', 'node-agent', 2],
    ]);
  });

  it('invalidates a repetition of the meshed variant during which the node agent on its path restarted', async () => {
    const m = await ambient();
    m.duringTheStep(() => {
      m.f.kube.systemPods = m.f.kube.systemPods.map((p) => (p.metadata?.name === 'ztunnel-x1' ? restarted(p) : p));
    });
    const { run } = await m.prepared.measure('istio-ambient', step, m.options);
    expect(run.status).toBe('invalid');
    expect(run.invalidReasons).toEqual(['target not intact: container istio-proxy of pod istio-system/ztunnel-x1 restarted during the step (restarts 0 → 1)']);
  });

  it("watches the unmeshed twin's own pods while it is measured: a restart of its server invalidates the repetition", async () => {
    const m = await ambient();
    const podsFor = m.f.kube.podsFor;
    let serverRestarted = false;
    m.f.kube.podsFor = (namespace, selector) =>
      podsFor(namespace, selector).map((p) => (serverRestarted && namespace === 'mesh-bench-plain' && p.metadata?.name?.startsWith('server-1-') ? restarted(p) : p));
    m.duringTheStep(() => {
      serverRestarted = true;
    });
    const { run } = await m.prepared.measure('istio-ambient/unmeshed', step, m.options);
    expect(run.status).toBe('invalid');
    expect(run.invalidReasons).toEqual(['target not intact: container server of pod mesh-bench-plain/server-1-7d9f-abcde restarted during the step (restarts 0 → 1)']);
  });

  it('keeps a repetition of the meshed variant valid when nothing on its path changed', async () => {
    const m = await ambient();
    const { run } = await m.prepared.measure('istio-ambient', step, m.options);
    expect(run.status).toBe('valid');
    expect(run.invalidReasons).toEqual([]);
  });
});
