import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/core/deps.js';
import { NodeFileSystem } from '../../src/core/node-fs.js';
import { SystemClock } from '../../src/core/system-clock.js';
import { ExecaRunner } from '../../src/exec/execa-runner.js';
import { ClientNodeKube } from '../../src/kube/client-node-kube.js';
import { MESH_ADAPTERS_BY_ID } from '../../src/mesh/registry.js';
import { ClusterPlatform } from '../../src/platform/cluster-platform.js';
import { parseKindConfig } from '../../src/platform/kind-config.js';
import { parseVersions } from '../../src/platform/versions.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { systemScaleFrom } from '../../src/scale/system-scale.js';
import { applyKindCoreDns, controlPlaneSuite, serveWorkload, type ServedWorkload } from '../helpers/control-plane-fixture.js';
import { REPO } from '../helpers/control-plane-tools.js';
import { KindStubbedRunner } from '../helpers/kind-stubbed-runner.js';
import { RecordingLogger } from '../helpers/recording-logger.js';

/**
 * The scale windows against the real control plane (kube-apiserver, controller-manager and kube-scheduler v1.36.1,
 * kwok as the kubelets, nodes named and labelled like clusters/kind/default.yaml's, 4 CPUs each): the kind platform
 * prepares the baseline (only kind and docker stubbed), then measures the scale windows at 1 and 16 server replicas
 * per worker. What only a real server shows: the server-side apply drops the step's nodeSelector, the real scheduler
 * spreads the pods over both workers under the topology spread constraint (16 per worker fits a 4-CPU worker beside
 * the 1-CPU load client only with the small CPU request), the Deployment controller's rolling update finishes, and
 * the harness reads each pod's node from the API.
 */
const suite = controlPlaneSuite('the scale windows on a real control plane (test/cluster)');
const repo = (p: string): string => readFileSync(join(REPO, p), 'utf8');

describe.skipIf(!suite.available)('scale windows on a real control plane', () => {
  let workload: ServedWorkload;
  let workRoot: string;
  beforeAll(async () => {
    const cp = suite.cp();
    workload = await serveWorkload(cp);
    workRoot = mkdtempSync(join(tmpdir(), 'bench-scale-'));
    const applied = await applyKindCoreDns(cp, 1);
    expect(applied.code, applied.stderr).toBe(0);
  });
  afterAll(async () => {
    await workload?.stop();
    rmSync(workRoot, { recursive: true, force: true });
  });

  it('spreads 2 and then 32 server pods evenly over the two workers, reads their nodes, and measures every window valid', async () => {
    const cp = suite.cp();
    const runner = new KindStubbedRunner(new ExecaRunner(), cp.kubeconfig, suite.binaries().kubectl);
    const logger = new RecordingLogger();
    const deps: Deps = { runner, fs: new NodeFileSystem(), clock: new SystemClock(), logger, cwd: REPO, env: process.env };
    const kindConfig = parseKindConfig(repo('clusters/kind/default.yaml'), 'clusters/kind/default.yaml');
    const platform = new ClusterPlatform({
      target: 'kind',
      deps,
      kubeFactory: (target) => new ClientNodeKube(target),
      versions: parseVersions(repo('clusters/versions.yaml'), 'clusters/versions.yaml'),
      adapters: MESH_ADAPTERS_BY_ID,
      repoDir: REPO,
      workRoot,
      clusterPrefix: 'bench',
      keepCluster: false,
      image: 'mesh-bench:0123456789ab',
      kindConfigs: { default: kindConfig, 'no-cni': parseKindConfig(repo('clusters/kind/no-cni.yaml'), 'clusters/kind/no-cni.yaml') },
      cores: 4,
    });
    const scenario = parseScenario(
      [
        'name: scale-on-a-control-plane',
        'repetitions: 1',
        'steps:',
        '  - { mode: rate, rate: 20, duration: 2s, warmup: 0s }',
        'scale:',
        '  replicasPerNode: [1, 16]',
        '  settle: 1s',
        // kwok's emulated /metrics/resource stamps each scrape: two 5 s scrapes per idle window at least.
        '  idle: 6s',
        '  load: { rate: 20, duration: 3s }',
      ].join('\n'),
      'inline',
      2,
    );
    const signal = new AbortController().signal;
    const prepared = await platform.prepare('baseline', scenario, signal).catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n${logger.lines.join('\n')}\n${cp.logs()}`);
    });
    let measured: Awaited<ReturnType<NonNullable<typeof prepared.measureScale>>>;
    try {
      measured = await prepared.measureScale!(scenario.scale!, { signal }).catch((e: unknown) => {
        throw new Error(`${e instanceof Error ? e.message : String(e)}\n${logger.lines.join('\n')}`);
      });
    } finally {
      await prepared.teardown();
    }
    expect(measured.invalidReasons).toEqual([]);
    expect(measured.workers).toBe(2);
    expect(measured.serverCpuRequest).toBe('5m');
    // The nodes the real scheduler chose, as the pods say (the control plane's nodes are named like kind's, cluster kwok), an even spread.
    expect(measured.placements).toEqual([
      { replicasPerNode: 1, podsByNode: { 'kwok-worker': 1, 'kwok-worker2': 1 } },
      { replicasPerNode: 16, podsByNode: { 'kwok-worker': 16, 'kwok-worker2': 16 } },
    ]);
    expect(measured.windows.map((w) => `${w.condition} ${w.replicasPerNode}`)).toEqual(['idle 1', 'load 1', 'idle 16', 'load 16']);
    // Every server container of the window, on the node it ran on (kwok's fixed usage per container).
    const last = measured.windows[3]!;
    const servers = last.containers.filter((c) => c.role === 'workload');
    expect(servers).toHaveLength(32);
    expect(servers.every((c) => c.memoryMeanBytes !== null)).toBe(true);
    const scale = systemScaleFrom(measured, { system: 'baseline', scale: scenario.scale!, claims: [] });
    expect(scale.invalidReasons ?? []).toEqual([]);
    const fit = scale.conditions[0]!.roles.find((r) => r.role === 'workload')!.fit;
    // kwok reports 48Mi per server container, whatever the count: per pod 48Mi, nothing per node.
    expect(fit.perPod.estimate).toBeCloseTo(48 * 1024 * 1024, -3);
    expect(Math.abs(fit.fixed.estimate)).toBeLessThan(1024 * 1024);
  }, 600_000);
});
