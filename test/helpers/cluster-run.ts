import { readFileSync } from 'node:fs';
import type { V1Pod } from '@kubernetes/client-node';
import type { MeshAdapter } from '../../src/mesh/mesh-adapter.js';
import { parseVersions } from '../../src/platform/versions.js';
import { parseKindConfig } from '../../src/platform/kind-config.js';
import { ClusterPlatform, type ClusterPlatformOptions } from '../../src/platform/cluster-platform.js';
import { MESH_ADAPTERS_BY_ID } from '../../src/mesh/registry.js';
import { runBenchmark, type RunOutcome } from '../../src/pipeline/run-benchmark.js';
import type { Deps } from '../../src/core/deps.js';
import { FakeKube, FakeRunner, kubeletText, type Transcript } from './fake-cluster.js';
import { FakeClock } from './fake-clock.js';
import { answerKindRun } from './fake-tools.js';
import { MemoryFileSystem } from './memory-fs.js';
import { RecordingLogger } from './recording-logger.js';

/** A whole `bench run` on a cluster target with every seam faked: the real pipeline, operations and adapters. */
const repo = (p: string): string => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

export const TWO_STEP_SCENARIO = `
name: tiny
repetitions: 2
steps:
  - mode: rate
    rate: 100
    duration: 1s
    warmup: 0s
  - mode: connections
    connections: 4
    duration: 1s
    warmup: 0s
`;

const MiB = 1024 * 1024;
/** The workload containers the default fake kubelets report, with their memory and CPU (cores). */
export const DEFAULT_KUBELET_CONTAINERS = ['mesh-bench', 'mesh-bench-plain'].flatMap((namespace, i) => [
  { node: 'bench-node-worker', namespace, pod: 'server-1-7d9f-abcde', container: 'server', memoryBytes: (20 + i) * MiB, cores: 0.25 },
  { node: 'bench-node-worker2', namespace, pod: 'load-client-7d9f-abcde', container: 'load', memoryBytes: (50 + i) * MiB, cores: 0.5 },
]);

export interface ClusterRunFixture {
  transcript: Transcript;
  runner: FakeRunner;
  kube: FakeKube;
  fs: MemoryFileSystem;
  clock: FakeClock;
  logger: RecordingLogger;
  controller: AbortController;
  options: ClusterPlatformOptions;
  run(systems: string[], scenario?: string): Promise<RunOutcome>;
}

export function clusterRunFixture(o: Partial<Pick<ClusterPlatformOptions, 'target' | 'keepCluster' | 'existing'>> = {}): ClusterRunFixture {
  const transcript: Transcript = [];
  const runner = new FakeRunner(transcript);
  const kube = new FakeKube(transcript);
  const fs = new MemoryFileSystem({
    '/proc/sys/fs/inotify/max_user_watches': '524288\n',
    '/proc/sys/fs/inotify/max_user_instances': '512\n',
    '/proc/meminfo': 'MemTotal:       16365244 kB\nMemAvailable:   12582912 kB\n',
  });
  answerKindRun(runner, kube, fs);
  const clock = new FakeClock();
  const logger = new RecordingLogger();
  const controller = new AbortController();
  // What the kubelets report, stamped with the fake clock so every sample falls inside the step's window: each
  // namespace's server on worker, its load client on worker2 (numbers the resource tests assert exactly).
  kube.kubeletFor = (node) => kubeletText(clock.now(), DEFAULT_KUBELET_CONTAINERS.filter((c) => c.node === node));
  // A step takes time: the kubelet samples of a step fall inside its window.
  const answer = kube.execAnswer;
  kube.execAnswer = async (argv, signal, where) => {
    await clock.sleep(30_000);
    return answer(argv, signal, where);
  };
  const deps: Deps = { runner, fs, clock, logger, cwd: '/repo', env: {} };
  const options: ClusterPlatformOptions = {
    target: o.target ?? 'kind',
    deps,
    kubeFactory: () => kube,
    versions: parseVersions(repo('clusters/versions.yaml'), 'clusters/versions.yaml'),
    adapters: MESH_ADAPTERS_BY_ID,
    repoDir: '/repo',
    workRoot: '/tmp/mesh-bench-test',
    clusterPrefix: 'bench',
    keepCluster: o.keepCluster ?? false,
    image: 'mesh-bench:0123456789ab',
    cores: 4,
    imagePlatform: 'linux/amd64',
    kindConfigs: {
      default: parseKindConfig(repo('clusters/kind/default.yaml'), 'clusters/kind/default.yaml'),
      'no-cni': parseKindConfig(repo('clusters/kind/no-cni.yaml'), 'clusters/kind/no-cni.yaml'),
    },
    ...(o.existing ? { existing: o.existing } : {}),
  };
  return {
    transcript,
    runner,
    kube,
    fs,
    clock,
    logger,
    controller,
    options,
    async run(systems, scenario = TWO_STEP_SCENARIO) {
      await fs.writeFileAtomic('/scenario.yaml', scenario);
      return runBenchmark(
        { scenarioPath: '/scenario.yaml', systems, outDir: '/results', command: ['bench', 'run', '--mesh', systems.join(',')] },
        { ...deps, platform: new ClusterPlatform(options), availableCores: 2, signal: controller.signal, repoDir: '/repo' },
      );
    },
  };
}

/**
 * The adapter with its verification, installed versions and traffic evidence forced to pass (they have their own
 * tests), for tests about what happens after them; `by` names who forced them in the evidence.
 */
export function forcedChecks(adapter: MeshAdapter, by = 'the test'): MeshAdapter {
  const wrapped = Object.create(adapter) as MeshAdapter & Record<string, unknown>;
  wrapped.verify = async () => ({ ok: true, evidence: [`forced by ${by}`] });
  wrapped.installedVersions = async () => ({});
  if (adapter.evidence) wrapped.evidence = { ...adapter.evidence, read: undefined, judge: () => ({ ok: true, seen: `forced by ${by}` }) };
  return wrapped;
}

/** A Running, Ready pod of one container on `nodeName`, restarted `restartCount` times. */
export function runningPod(name: string, namespace: string, nodeName: string, container: string, restartCount = 0): V1Pod {
  return {
    metadata: { name, namespace },
    spec: { nodeName, containers: [{ name: container }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: container, ready: true, restartCount, image: 'x', imageID: '', state: { running: {} } }],
    },
  };
}
