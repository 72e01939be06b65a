import { describe, expect, it } from 'vitest';
import type { V1ContainerState, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { RolloutTimeoutError, waitRollout, type OperationDeps } from '../src/platform/execute-operations.js';
import type { Operation } from '../src/platform/operations.js';
import { FakeKube, FakeRunner } from './helpers/fake-cluster.js';
import { FakeClock } from './helpers/fake-clock.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { RecordingLogger } from './helpers/recording-logger.js';

/**
 * What a user reads when a rollout is stuck: the object, its counts, then one line per pod that is not ready (its
 * phase, what each unready container waits on, its last three events), and nothing made up when the pods cannot be
 * known.
 */

type WaitOp = Extract<Operation, { op: 'wait-rollout' }>;

function deps(kube: FakeKube): OperationDeps {
  return { runner: new FakeRunner(), fs: new MemoryFileSystem(), clock: new FakeClock(), logger: new RecordingLogger(), signal: new AbortController().signal, kube: () => kube, checks: {} };
}

async function timeoutMessage(kube: FakeKube, op: WaitOp): Promise<string> {
  try {
    await waitRollout(op, deps(kube));
  } catch (error) {
    expect(error).toBeInstanceOf(RolloutTimeoutError);
    return (error as Error).message;
  }
  throw new Error('expected the wait to time out');
}

const serverWait: WaitOp = { op: 'wait-rollout', title: 'server', kind: 'Deployment', namespace: 'bench', name: 'server', timeoutMs: 2000 };

const container = (name: string, ready: boolean, state: V1ContainerState): V1ContainerStatus => ({ name, ready, restartCount: 0, image: 'x', imageID: '', state });

/** A stuck Deployment selected by two labels, whose pods say different things. */
function stuckServer(): FakeKube {
  const kube = new FakeKube();
  kube.declareWorkload('Deployment', 'bench', 'server', { app: 'server', tier: 'web' }, ['server', 'istio-proxy']);
  kube.stuck.add('bench/server');
  const pods: V1Pod[] = [
    {
      metadata: { name: 'server-ready' },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [container('server', true, { running: {} })] },
    },
    {
      metadata: { name: 'server-b' },
      status: {
        phase: 'Pending',
        conditions: [{ type: 'Ready', status: 'False' }],
        initContainerStatuses: [container('istio-validation', false, { terminated: { exitCode: 1, reason: 'Error' } })],
        containerStatuses: [
          container('istio-proxy', true, { running: {} }),
          container('server', false, { waiting: { reason: 'CrashLoopBackOff' } }),
          container('probe', false, { running: {} }),
          container('cleanup', false, { terminated: { exitCode: 137 } }),
        ],
      },
    },
    { metadata: {} },
  ];
  kube.podsFor = (_ns, selector) => (selector === 'app=server,tier=web' ? pods : []);
  kube.events = async (namespace, name) => {
    kube.transcript.push(`api list Events ${namespace}/${name}`);
    return name === 'server-b' ? ['Scheduled: assigned', 'Pulled: image present', 'Created: created', 'Started: started', 'BackOff: restarting failed container'] : [];
  };
  return kube;
}

describe('a rollout timeout', () => {
  it('names each unready pod with its phase, what its unready containers wait on, and its last three events', async () => {
    const kube = stuckServer();
    expect(await timeoutMessage(kube, serverWait)).toBe(
      [
        'Deployment bench/server not ready after 2 s (0/1 ready, 1 updated)',
        '  pod server-b: phase Pending; istio-validation: terminated Error, server: CrashLoopBackOff, probe: not ready, cleanup: terminated;' +
          ' last events: Created: created | Started: started | BackOff: restarting failed container',
        '  pod ?: phase unknown',
      ].join('\n'),
    );
    expect(kube.transcript.filter((l) => l.startsWith('api list'))).toEqual([
      'api list Pods bench app=server,tier=web',
      'api list Events bench/server-b',
      'api list Events bench/?',
    ]);
  });

  it('describes the pods of a stuck DaemonSet, found through the DaemonSet’s own selector', async () => {
    const kube = new FakeKube();
    kube.declareWorkload('DaemonSet', 'kube-system', 'cilium', { 'k8s-app': 'cilium' });
    kube.stuck.add('kube-system/cilium');
    const message = await timeoutMessage(kube, { op: 'wait-rollout', title: 'cilium', kind: 'DaemonSet', namespace: 'kube-system', name: 'cilium', timeoutMs: 2000 });
    const events = 'last events: Scheduled: Successfully assigned | Failed: Failed to pull image "mesh-bench:abc": not found';
    expect(message).toBe(
      [
        'DaemonSet kube-system/cilium not ready after 2 s (0/3 ready, 3 updated)',
        ...['x0', 'x1', 'x2'].map((n) => `  pod cilium-${n}: phase Pending; cilium: ImagePullBackOff; ${events}`),
      ].join('\n'),
    );
    expect(kube.transcript).toContain('api list Pods kube-system k8s-app=cilium');
    expect(kube.transcript.some((l) => l.startsWith('api get Deployment'))).toBe(false);
  });

  it('ends at the state, listing no pods, when the object was never created', async () => {
    const kube = new FakeKube();
    // Another workload of the namespace is stuck: its pods are not the missing Deployment's.
    kube.declareWorkload('Deployment', 'bench', 'client', { app: 'client' });
    kube.stuck.add('bench/client');
    expect(await timeoutMessage(kube, serverWait)).toBe('Deployment bench/server not ready after 2 s (not found)');
    expect(kube.transcript.some((l) => l.startsWith('api list Pods'))).toBe(false);
  });

  it('ends at the state, listing no pods, when the object has no label selector', async () => {
    const kube = new FakeKube();
    kube.declare({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'server', namespace: 'bench' }, spec: {} });
    kube.stuck.add('bench/server');
    expect(await timeoutMessage(kube, serverWait)).toBe('Deployment bench/server not ready after 2 s (0/1 ready, 1 updated)');
    expect(kube.transcript.some((l) => l.startsWith('api list Pods'))).toBe(false);
  });

  it('ends at the state when every pod is ready but the rollout is not done', async () => {
    const kube = stuckServer();
    kube.podsFor = () => [{ metadata: { name: 'server-ready' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }];
    expect(await timeoutMessage(kube, serverWait)).toBe('Deployment bench/server not ready after 2 s (0/1 ready, 1 updated)');
  });
});
