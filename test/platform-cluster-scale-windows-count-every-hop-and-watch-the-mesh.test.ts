import { describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { MESH_ADAPTERS_BY_ID } from '../src/mesh/registry.js';
import { ClusterPlatform } from '../src/platform/cluster-platform.js';
import type { MeasuredScale, PreparedSystem } from '../src/platform/platform.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { clusterRunFixture, forcedChecks, runningPod, TWO_STEP_SCENARIO, type ClusterRunFixture } from './helpers/cluster-run.js';
import { CONTROL_PLANE, LABELLED_WORKERS, kubeletsReportingEveryPod, withSpreadScheduler } from './helpers/scale-cluster.js';

/**
 * The scale windows as ClusterPlatform sets them up (every seam faked): the server pods of the other hops are waited
 * for too (they stay at the workload's replicas), and a mesh's data path is part of each window's integrity snapshots
 * while the baseline's snapshots read only its own namespace.
 */
const scaleScenario = (workload = '') =>
  parseScenario(
    [
      'name: scale-unit',
      'repetitions: 1',
      workload,
      'steps:',
      '  - { mode: rate, rate: 100, duration: 1s, warmup: 0s }',
      'scale:',
      '  replicasPerNode: [1, 2]',
      '  settle: 10s',
      '  idle: 20s',
      '  load: { rate: 100, duration: 20s }',
    ].join('\n'),
    'scale-unit.yaml',
    2,
  );

/** An istio-system pod (the mesh's own). */
const running = (name: string, nodeName: string, container: string, restartCount = 0): V1Pod => runningPod(name, 'istio-system', nodeName, container, restartCount);

async function scaled(system: string, scenario: ReturnType<typeof scaleScenario>, setup: (f: ClusterRunFixture) => void = () => {}): Promise<{ f: ClusterRunFixture; prepared: PreparedSystem }> {
  const f = clusterRunFixture();
  f.options.adapters = new Map([[system, forcedChecks(MESH_ADAPTERS_BY_ID.get(system)!)]]);
  withSpreadScheduler(f.kube);
  kubeletsReportingEveryPod(f.kube, () => f.clock.now());
  setup(f);
  const prepared = await new ClusterPlatform(f.options).prepare(system, scenario, f.controller.signal);
  return { f, prepared };
}

const measure = (s: { f: ClusterRunFixture; prepared: PreparedSystem }, scenario: ReturnType<typeof scaleScenario>): Promise<MeasuredScale> =>
  s.prepared.measureScale!(scenario.scale!, { signal: s.f.controller.signal });

describe('cluster scale windows', () => {
  it('refuses to measure scale for a scenario without a scale section, naming the system', async () => {
    const s = await scaled('baseline', parseScenario(TWO_STEP_SCENARIO, 'tiny.yaml', 2));
    await expect(s.prepared.measureScale!(scaleScenario().scale!, { signal: s.f.controller.signal })).rejects.toThrow(
      /^baseline: the scenario has no scale section to measure$/,
    );
  });

  it("waits for the other hops' server pods too: two hops of two replicas settle at every count", async () => {
    const scenario = scaleScenario('workload: { hops: 2, replicas: 2 }');
    const s = await scaled('baseline', scenario);
    const measured = await measure(s, scenario);
    expect(measured.invalidReasons).toEqual([]);
    // server-1 spread over the two workers; server-2's two replicas where the fake puts servers (the first worker).
    expect(measured.placements).toEqual([
      { replicasPerNode: 1, podsByNode: { 'bench-node-worker': 1 + 2, 'bench-node-worker2': 1 } },
      { replicasPerNode: 2, podsByNode: { 'bench-node-worker': 2 + 2, 'bench-node-worker2': 2 } },
    ]);
  });

  it("counts a restart of the mesh's node agent during a window: the section is invalid with the reason", async () => {
    const scenario = scaleScenario();
    let reads = 0;
    const s = await scaled('istio-ambient', scenario, (f) => {
      // Each read of every pod sees ztunnel on the first worker restarted once more (a crash loop).
      const listAll = f.kube.listAllPods.bind(f.kube);
      f.kube.listAllPods = async () => {
        reads++;
        f.kube.systemPods = [
          running('istiod-6d8f-abcde', CONTROL_PLANE, 'discovery'),
          ...LABELLED_WORKERS.map((node, i) => running(`ztunnel-x${i}`, node, 'istio-proxy', i === 0 ? reads : 0)),
        ];
        return listAll();
      };
    });
    const measured = await measure(s, scenario);
    expect(measured.invalidReasons).toEqual([
      expect.stringMatching(/^idle window at 1 per worker: container istio-proxy of pod istio-system\/ztunnel-x0 restarted during the step \(restarts \d+ → \d+\)$/),
    ]);
  });

  it("reads only the baseline's own namespace for its snapshots: no cluster-wide pod list is needed", async () => {
    const scenario = scaleScenario();
    const s = await scaled('baseline', scenario);
    s.f.kube.listAllPods = async () => {
      throw new Error('pods is forbidden: User "bench" cannot list resource "pods" in API group "" at the cluster scope');
    };
    const measured = await measure(s, scenario);
    expect(measured.invalidReasons).toEqual([]);
    expect(measured.placements.map((p) => p.replicasPerNode)).toEqual([1, 2]);
  });
});
