import { describe, expect, it } from 'vitest';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { connectionReasons, integrityReasons, measureWithIntegrity, meshDataPlanePods, snapshotOf, withIntegrity } from '../src/platform/target-integrity.js';
import { runResultSchema } from '../src/core/result-schema.js';
import { ExitCode } from '../src/core/errors.js';
import { clusterRunFixture } from './helpers/cluster-run.js';
import { FakeKube, fakeLoadClientAnswer } from './helpers/fake-cluster.js';
import type { ContainerClassifier } from '../src/metrics/roles.js';
import { makeRepetition } from './helpers/repetition-factory.js';

interface PodShape {
  name?: string;
  uid?: string;
  node?: string;
  restarts?: number;
  sidecarRestarts?: number;
  lastReason?: string;
  phase?: string;
  ready?: boolean;
}

function pod(s: PodShape = {}): V1Pod {
  return {
    metadata: { name: s.name ?? 'server-1-5f6c-xk2p9', namespace: 'mesh-bench', uid: s.uid ?? 'uid-1' },
    spec: { nodeName: s.node ?? 'bench-worker2', containers: [] },
    status: {
      phase: s.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: s.ready === false ? 'False' : 'True' }],
      // A native sidecar (Istio, Linkerd) reports among the init containers.
      initContainerStatuses: [{ name: 'istio-proxy', image: 'proxy', imageID: '', ready: true, restartCount: s.sidecarRestarts ?? 0 }],
      containerStatuses: [
        {
          name: 'server',
          image: 'mesh-bench:abc',
          imageID: '',
          ready: true,
          restartCount: s.restarts ?? 0,
          ...(s.lastReason ? { lastState: { terminated: { exitCode: 137, reason: s.lastReason } } } : {}),
        },
      ],
    },
  };
}

function node(name: string, ready: 'True' | 'False' | 'Unknown' = 'True'): V1Node {
  return { metadata: { name }, status: { conditions: [{ type: 'Ready', status: ready, reason: ready === 'True' ? 'KubeletReady' : 'NodeStatusUnknown' }] } };
}

const nodes = [node('bench-worker'), node('bench-worker2')];
const reasons = (before: V1Pod[], after: V1Pod[], nodesAfter: V1Node[] = nodes, nodesBefore: V1Node[] = nodes): string[] =>
  integrityReasons(snapshotOf(before, nodesBefore), snapshotOf(after, nodesAfter));

describe('integrityReasons: what makes a cluster repetition invalid', () => {
  it('finds nothing when the measured pods and their nodes did not change', () => {
    expect(reasons([pod({ restarts: 2 })], [pod({ restarts: 2 })])).toEqual([]);
  });

  it('names a container whose restart count rose', () => {
    expect(reasons([pod()], [pod({ restarts: 1 })])).toEqual([
      'container server of pod mesh-bench/server-1-5f6c-xk2p9 restarted during the step (restarts 0 → 1)',
    ]);
  });

  it('names a native sidecar (init container status) that restarted', () => {
    expect(reasons([pod()], [pod({ sidecarRestarts: 1 })])).toEqual([
      'container istio-proxy of pod mesh-bench/server-1-5f6c-xk2p9 restarted during the step (restarts 0 → 1)',
    ]);
  });

  it('says a restart was an OOM kill when the last state says OOMKilled', () => {
    expect(reasons([pod()], [pod({ restarts: 1, lastReason: 'OOMKilled' })])).toEqual([
      'container server of pod mesh-bench/server-1-5f6c-xk2p9 restarted after being OOMKilled during the step (restarts 0 → 1)',
    ]);
  });

  it('does not blame this step for an OOM kill that happened before it', () => {
    expect(reasons([pod({ restarts: 1, lastReason: 'OOMKilled' })], [pod({ restarts: 1, lastReason: 'OOMKilled' })])).toEqual([]);
  });

  it('names a pod replaced under the same name (new uid)', () => {
    expect(reasons([pod()], [pod({ uid: 'uid-2' })])).toEqual([
      'pod mesh-bench/server-1-5f6c-xk2p9 was replaced or removed during the step',
      'pod mesh-bench/server-1-5f6c-xk2p9 appeared during the step (a replacement)',
    ]);
  });

  it('names a pod replaced by a new one with another name', () => {
    const r = reasons([pod()], [pod({ name: 'server-1-5f6c-zz9z9', uid: 'uid-2' })]);
    expect(r).toContain('pod mesh-bench/server-1-5f6c-xk2p9 was replaced or removed during the step');
    expect(r).toContain('pod mesh-bench/server-1-5f6c-zz9z9 appeared during the step (a replacement)');
  });

  it('names a pod rescheduled to another node', () => {
    expect(reasons([pod({ node: 'bench-worker2' })], [pod({ node: 'bench-worker' })])).toEqual([
      'pod mesh-bench/server-1-5f6c-xk2p9 was rescheduled from node bench-worker2 to bench-worker during the step',
    ]);
  });

  it('names a node of a measured pod that went NotReady', () => {
    expect(reasons([pod()], [pod()], [node('bench-worker'), node('bench-worker2', 'Unknown')])).toEqual([
      'node bench-worker2 was NotReady (Ready=Unknown, NodeStatusUnknown) after the step',
    ]);
  });

  it('ignores a NotReady node that runs none of the measured pods', () => {
    expect(reasons([pod()], [pod()], [node('bench-worker', 'False'), node('bench-worker2')])).toEqual([]);
  });

  it('names a node that disappeared', () => {
    expect(reasons([pod()], [pod()], [node('bench-worker')])).toEqual(['node bench-worker2 disappeared during the step']);
  });

  it('names a pod that is not ready after the step', () => {
    expect(reasons([pod()], [pod({ ready: false })])).toEqual(['pod mesh-bench/server-1-5f6c-xk2p9 was not Ready after the step']);
  });

  it('names a restart count that fell (the kubelet lost its state)', () => {
    expect(reasons([pod({ restarts: 3 })], [pod({ restarts: 0 })])).toEqual([
      'container server of pod mesh-bench/server-1-5f6c-xk2p9 had its restart count reset (3 → 0: its node restarted?)',
    ]);
  });
});

describe('withIntegrity', () => {
  it('turns a valid run invalid and appends the reasons', () => {
    const { repetition: _r, resources: _res, ...run } = makeRepetition({ mode: 'rate' });
    expect(run.status).toBe('valid');
    const marked = withIntegrity(run, ['pod x was replaced or removed during the step']);
    expect(marked.status).toBe('invalid');
    expect(marked.invalidReasons).toEqual([...run.invalidReasons, 'target not intact: pod x was replaced or removed during the step']);
    expect(withIntegrity(run, [])).toBe(run);
  });
});

describe('connectionReasons: connections that failed mid-step, on every target', () => {
  const { repetition: _r, resources: _res, ...healthy } = makeRepetition({ mode: 'rate' });

  it('finds nothing when no connection failed', () => {
    expect(connectionReasons(healthy)).toEqual([]);
  });

  it('names the count and the first error, even below the error budget', () => {
    const run = {
      ...healthy,
      counts: { ...healthy.counts, socketErrors: 2 },
      firstConnectionError: 'connection refused by 127.0.0.1:8080: nothing is listening there (ECONNREFUSED)',
    };
    expect(connectionReasons(run)).toEqual([
      '2 connection errors during the step; first: connection refused by 127.0.0.1:8080: nothing is listening there (ECONNREFUSED)',
    ]);
  });
});

/** A measured step's exec (seed = scenario seed 1 + repetition), not the traffic proof's or other execs in the pod. */
const isMeasure = (argv: readonly string[]): boolean => argv.includes('load') && ['2', '3'].includes(argv[argv.indexOf('--seed') + 1] ?? '');

/** Counts the measured `bench load` execs as they happen (the answers stay the fake's own). */
function countMeasuredExecs(kube: FakeKube): () => number {
  let execs = 0;
  const answer = kube.execAnswer;
  kube.execAnswer = async (argv) => {
    if (isMeasure(argv)) execs++;
    return answer(argv);
  };
  return () => execs;
}

describe('cluster measure hook (every seam faked)', () => {
  it('marks a repetition whose connections were refused mid-step invalid, with the reason, although under the error budget', async () => {
    const f = clusterRunFixture();
    let execs = 0;
    f.kube.execAnswer = async (argv) => {
      if (isMeasure(argv)) execs++;
      const answer = fakeLoadClientAnswer(argv);
      if (execs !== 3) return answer;
      const run = JSON.parse(answer.stdout) as { counts: { socketErrors: number }; firstConnectionError?: string };
      run.counts.socketErrors = 1;
      run.firstConnectionError = 'connection refused by server-1.mesh-bench.svc.cluster.local:8080: nothing is listening there (ECONNREFUSED)';
      return { ...answer, stdout: JSON.stringify(run) };
    };
    const outcome = await f.run(['baseline']);
    const r = runResultSchema.parse(JSON.parse(f.fs.read(`${outcome.dir}/results.json`)!));
    const [rate] = r.systems[0]!.steps;
    expect(rate!.repetitions.map((x) => x.status)).toEqual(['valid', 'invalid']);
    expect(rate!.repetitions[1]!.invalidReasons).toEqual([
      'target not intact: 1 connection error during the step; first: connection refused by server-1.mesh-bench.svc.cluster.local:8080: nothing is listening there (ECONNREFUSED)',
    ]);
  });

  it('marks exactly the repetition during which the server restarted invalid, with the reason, and keeps the others valid', async () => {
    const f = clusterRunFixture();
    const execs = countMeasuredExecs(f.kube);
    // The server container restarts during the 2nd exec (step 2 of repetition 1): counts read after it are one higher.
    const base = f.kube.podsFor;
    f.kube.podsFor = (ns, selector) =>
      base(ns, selector).map((p) =>
        p.metadata?.name?.startsWith('server-1') === true
          ? { ...p, status: { ...p.status, containerStatuses: [{ name: 'server', image: 'x', imageID: '', ready: true, restartCount: execs() >= 2 ? 1 : 0 }] } }
          : p,
      );
    const outcome = await f.run(['baseline']);
    expect(outcome.exitCode).toBe(ExitCode.ok);
    const r = runResultSchema.parse(JSON.parse(f.fs.read(`${outcome.dir}/results.json`)!));
    const [rate, conns] = r.systems[0]!.steps;
    expect(rate!.repetitions.map((x) => x.status)).toEqual(['valid', 'valid']);
    expect(conns!.repetitions.map((x) => x.status)).toEqual(['invalid', 'valid']);
    expect(conns!.repetitions[0]!.invalidReasons).toEqual([
      'target not intact: container server of pod mesh-bench/server-1-7d9f-abcde restarted during the step (restarts 0 → 1)',
    ]);
    expect(conns!.aggregate.validRepetitions).toBe(1);
  });

  it('marks a repetition invalid when the pods cannot be read after the step', async () => {
    const f = clusterRunFixture();
    const execs = countMeasuredExecs(f.kube);
    const base = f.kube.podsFor;
    f.kube.podsFor = (ns, selector) => {
      if (execs() === 1 && selector !== undefined && selector.includes('part-of')) throw new Error('list pods in mesh-bench: connection refused');
      return base(ns, selector);
    };
    const outcome = await f.run(['baseline']);
    const r = runResultSchema.parse(JSON.parse(f.fs.read(`${outcome.dir}/results.json`)!));
    const first = r.systems[0]!.steps[0]!.repetitions[0]!;
    expect(first.status).toBe('invalid');
    expect(first.invalidReasons).toContain(
      'target not intact: could not read the measured pods and nodes: list pods in mesh-bench: connection refused',
    );
  });

  it('reads the measured pods and their nodes around every measured repetition', async () => {
    const f = clusterRunFixture();
    await f.run(['baseline']);
    const execAt = f.transcript.findIndex((l) => l.startsWith('api exec') && l.includes('--seed 2'));
    expect(f.transcript.slice(execAt - 4, execAt + 3)).toEqual([
      'api list Pods mesh-bench app.kubernetes.io/part-of=mesh-bench',
      'api list Nodes',
      'api get Deployment mesh-bench/load-client',
      'api list Pods mesh-bench app.kubernetes.io/name=load-client',
      expect.stringMatching(/^api exec mesh-bench\//),
      'api list Pods mesh-bench app.kubernetes.io/part-of=mesh-bench',
      'api list Nodes',
    ]);
  });
});

describe('a mesh data path counts as the target', () => {
  // As a mesh adapter classifies: ztunnel is a node agent, istiod the control plane, a waypoint a waypoint.
  const classify: ContainerClassifier = (c) =>
    c.pod.startsWith('ztunnel') ? 'node-agent' : c.pod.startsWith('istiod') ? 'control-plane' : c.pod.startsWith('waypoint') ? 'waypoint' : undefined;
  const meshPod = (namespace: string, name: string, node: string, restarts = 0): V1Pod => ({
    metadata: { name, namespace, uid: `uid-${name}` },
    spec: { nodeName: node, containers: [{ name: 'main' }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'main', image: 'x', imageID: '', ready: true, restartCount: restarts }],
    },
  });
  const measured = [pod({ node: 'bench-worker2' })];

  it('takes node agents on the measured pods\' nodes, waypoints and the control plane, and nothing else', () => {
    const all = [
      ...measured,
      meshPod('istio-system', 'ztunnel-on-server', 'bench-worker2'),
      meshPod('istio-system', 'ztunnel-elsewhere', 'bench-worker'),
      meshPod('istio-system', 'istiod-abc', 'bench-control-plane'),
      meshPod('mesh-bench', 'waypoint-xyz', 'bench-worker'),
      meshPod('kube-system', 'coredns-123', 'bench-worker2'),
    ];
    expect(meshDataPlanePods(all, measured, classify).map((p) => p.metadata!.name)).toEqual(['ztunnel-on-server', 'istiod-abc', 'waypoint-xyz']);
  });

  it('makes a repetition invalid when the node agent next to the server restarts during it, not when one elsewhere does', async () => {
    const kube = new FakeKube();
    kube.nodes = [node('bench-worker'), node('bench-worker2'), node('bench-control-plane')];
    kube.podsFor = () => measured;
    let during = false;
    kube.systemPods = [];
    const systemPods = (): V1Pod[] => [
      meshPod('istio-system', 'ztunnel-on-server', 'bench-worker2', during ? 1 : 0),
      meshPod('istio-system', 'ztunnel-elsewhere', 'bench-worker', during ? 3 : 0),
    ];
    kube.listAllPods = async () => systemPods();
    const { repetition: _r, resources: _res, ...run } = makeRepetition({ mode: 'rate' });
    const measuredRun = await measureWithIntegrity(
      kube,
      'mesh-bench',
      async () => {
        during = true;
        return { run };
      },
      classify,
    );
    expect(measuredRun.run.status).toBe('invalid');
    expect(measuredRun.run.invalidReasons).toEqual([
      'target not intact: container main of pod istio-system/ztunnel-on-server restarted during the step (restarts 0 → 1)',
    ]);
  });
});
