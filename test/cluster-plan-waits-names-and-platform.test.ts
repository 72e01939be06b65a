import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { V1Node } from '@kubernetes/client-node';
import { ciliumClusterName, CILIUM_CLUSTER_NAME_MAX } from '../src/mesh/cilium-common.js';
import { MESH_ADAPTERS } from '../src/mesh/registry.js';
import { validateClusterFlags, dockerPlatform, MAX_CLUSTER_PREFIX, KIND_CLUSTER_NAME_MAX } from '../src/cli/cluster-setup.js';
import { executeOperations, type OperationDeps } from '../src/platform/execute-operations.js';
import type { Operation } from '../src/platform/operations.js';
import { ClusterPlatform } from '../src/platform/cluster-platform.js';
import { preparationSections } from '../src/platform/cluster-plan.js';
import { clusterRunFixture, TWO_STEP_SCENARIO } from './helpers/cluster-run.js';
import { FakeKube, FakeRunner } from './helpers/fake-cluster.js';
import { FakeClock } from './helpers/fake-clock.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { RecordingLogger } from './helpers/recording-logger.js';
import { parseScenario } from '../src/scenario/load-scenario.js';

/** Issue 8 defects 2–5: how clusters are created and waited for, Cilium's cluster name, and the saved image's platform. */

const LONGEST_PREFIX = 'p'.repeat(MAX_CLUSTER_PREFIX);
const CILIUM_SYSTEMS = MESH_ADAPTERS.filter((a) => a.kindConfig === 'no-cni');

function planOps(systemId: string, prefix = 'bench'): Operation[] {
  const f = clusterRunFixture();
  const platform = new ClusterPlatform({ ...f.options, clusterPrefix: prefix });
  const scenario = parseScenario(TWO_STEP_SCENARIO, 'test.yaml', 2);
  return preparationSections(platform.planInput(systemId, scenario)).flatMap((s) => s.operations);
}

const index = (ops: Operation[], pred: (o: Operation) => boolean): number => ops.findIndex(pred);
const isRun = (o: Operation, ...argv: string[]): boolean => o.op === 'run' && argv.every((a, i) => o.argv[i] === a);

describe('kind cluster creation and readiness', () => {
  it('creates the five no-CNI (Cilium) clusters without --wait and the others with it', () => {
    expect(CILIUM_SYSTEMS.map((a) => a.id).sort()).toEqual(['cilium', 'cilium-l7', 'cilium-wireguard', 'cilium-ztunnel', 'istio-ambient-cilium']);
    for (const a of MESH_ADAPTERS) {
      const create = planOps(a.id).find((o) => isRun(o, 'kind', 'create', 'cluster'));
      if (create?.op !== 'run') throw new Error(`${a.id}: no kind create`);
      if (a.kindConfig === 'no-cni') expect(create.argv, a.id).not.toContain('--wait');
      else expect(create.argv.slice(-2), a.id).toEqual(['--wait', '5m']);
    }
  });

  it('waits for every node after installing Cilium and before anything else is installed or deployed', () => {
    for (const a of CILIUM_SYSTEMS) {
      const ops = planOps(a.id);
      const ciliumInstall = index(ops, (o) => isRun(o, 'cilium', 'install'));
      const nodes = index(ops, (o) => o.op === 'wait-nodes');
      const firstRollout = index(ops, (o) => o.op === 'wait-rollout');
      const istio = index(ops, (o) => isRun(o, 'istioctl', 'install'));
      expect(ciliumInstall, a.id).toBeGreaterThan(0);
      expect(nodes, a.id).toBeGreaterThan(ciliumInstall);
      expect(nodes, a.id).toBeLessThan(firstRollout);
      if (istio >= 0) expect(nodes, a.id).toBeLessThan(istio);
    }
  });

  it('waits for all nodes of the kind config and for CoreDNS before deploying the workload, on every system', () => {
    for (const a of MESH_ADAPTERS) {
      const ops = planOps(a.id);
      const apply = index(ops, (o) => o.op === 'apply');
      const allNodes = ops.findLastIndex((o) => o.op === 'wait-nodes');
      const dns = index(ops, (o) => o.op === 'wait-rollout' && o.namespace === 'kube-system' && o.name === 'coredns');
      expect(ops[allNodes], a.id).toMatchObject({ op: 'wait-nodes', minNodes: 3 });
      expect(ops[dns], a.id).toMatchObject({ kind: 'Deployment', selector: 'k8s-app=kube-dns' });
      expect(allNodes, a.id).toBeLessThan(apply);
      expect(dns, a.id).toBeLessThan(apply);
    }
  });

  it('saves the image for the given platform only', () => {
    const save = planOps('baseline').find((o) => isRun(o, 'docker', 'save'));
    expect(save?.op === 'run' && save.argv.slice(0, 4)).toEqual(['docker', 'save', '--platform', 'linux/amd64']);
    expect(dockerPlatform('x64')).toBe('linux/amd64');
    expect(dockerPlatform('arm64')).toBe('linux/arm64');
  });
});

describe('waiting for nodes', () => {
  function deps(kube: FakeKube): OperationDeps {
    return {
      runner: new FakeRunner(),
      fs: new MemoryFileSystem(),
      clock: new FakeClock(),
      logger: new RecordingLogger(),
      signal: new AbortController().signal,
      kube: () => kube,
      checks: {},
    };
  }
  const node = (name: string, ready: boolean): V1Node => ({
    metadata: { name },
    status: {
      conditions: [
        ready
          ? { type: 'Ready', status: 'True', reason: 'KubeletReady' }
          : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: cni plugin not initialized' },
      ],
    },
  });

  it('returns once every node is Ready', async () => {
    const kube = new FakeKube();
    kube.nodes = [node('cp', true), node('w1', true), node('w2', true)];
    await executeOperations([{ op: 'wait-nodes', title: 'nodes', minNodes: 3, timeoutMs: 60_000 }], deps(kube));
  });

  it('fails at its timeout naming each node that is not Ready and why', async () => {
    const kube = new FakeKube();
    kube.nodes = [node('cp', true), node('w1', false), node('w2', true)];
    await expect(executeOperations([{ op: 'wait-nodes', title: 'nodes', minNodes: 3, timeoutMs: 60_000 }], deps(kube))).rejects.toThrow(
      /nodes not Ready after 60 s \(1 of 3 nodes not Ready\)\n {2}node w1: Ready=False KubeletNotReady: container runtime network not ready: cni plugin not initialized/,
    );
  });

  it('fails when fewer nodes than the kind config are registered', async () => {
    const kube = new FakeKube();
    kube.nodes = [node('cp', true)];
    await expect(executeOperations([{ op: 'wait-nodes', title: 'nodes', minNodes: 3, timeoutMs: 10_000 }], deps(kube))).rejects.toThrow(
      /\(1 of 3 nodes registered\)/,
    );
  });
});

describe("Cilium's cluster name", () => {
  const valid = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

  it('is the kind cluster name when that fits', () => {
    expect(ciliumClusterName('bench-cilium')).toBe('bench-cilium');
  });

  it(`is a valid name of at most ${CILIUM_CLUSTER_NAME_MAX} characters for the longest --cluster-prefix, for every Cilium system`, () => {
    expect(MAX_CLUSTER_PREFIX).toBe(27);
    expect(() => validateClusterFlags({ target: 'kind', clusterPrefix: LONGEST_PREFIX })).not.toThrow();
    expect(() => validateClusterFlags({ target: 'kind', clusterPrefix: `${LONGEST_PREFIX}p` })).toThrow(
      /^--cluster-prefix: at most 27 characters \(got 28\): kind names a node <prefix>-<system>-control-plane/,
    );
    const names = new Set<string>();
    for (const a of CILIUM_SYSTEMS) {
      const write = planOps(a.id, LONGEST_PREFIX).find((o) => o.op === 'write-file' && o.path.endsWith('cilium-values.yaml'));
      if (write?.op !== 'write-file') throw new Error(`${a.id}: no Cilium values`);
      const name = (parse(write.content) as { cluster: { name: string } }).cluster.name;
      expect(name.length, a.id).toBeLessThanOrEqual(CILIUM_CLUSTER_NAME_MAX);
      expect(name, a.id).toMatch(valid);
      names.add(name);
      // kind's own limit holds too: the cluster is <prefix>-<system>.
      expect(`${LONGEST_PREFIX}-${a.id}`.length).toBeLessThanOrEqual(KIND_CLUSTER_NAME_MAX);
    }
    expect(names.size).toBe(CILIUM_SYSTEMS.length);
  });

  it('is shortened deterministically and never ends with a dash', () => {
    const long = `${'a'.repeat(24)}-istio-ambient-cilium`;
    expect(ciliumClusterName(long)).toBe(ciliumClusterName(long));
    expect(ciliumClusterName(long)).toMatch(valid);
    expect(ciliumClusterName(long).length).toBeLessThanOrEqual(CILIUM_CLUSTER_NAME_MAX);
    expect(ciliumClusterName(`${'b'.repeat(24)}-istio-ambient-cilium`)).not.toBe(ciliumClusterName(long));
  });
});
