import { describe, expect, it } from 'vitest';
import type { V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { execInDeployment, podReady } from '../src/platform/execute-operations.js';
import type { Operation } from '../src/platform/operations.js';
import { FakeKube } from './helpers/fake-cluster.js';

/** Where an exec operation runs (the load client): the first pod of its Deployment that is Running and Ready. */

const EXEC: Extract<Operation, { op: 'exec' }> = {
  op: 'exec',
  title: 'Measuring',
  namespace: 'bench',
  deployment: 'load-client',
  container: 'load',
  argv: ['echo', 'hi'],
  timeoutMs: 5000,
};

const ok = { stdout: 'hi\n', stderr: '', exitCode: 0 };

/** The conditions a kubelet reports on a pod (Kubernetes docs, "Pod Lifecycle: Pod conditions"), Ready as given. */
function conditions(ready: 'True' | 'False'): V1PodCondition[] {
  return [
    { type: 'PodReadyToStartContainers', status: 'True' },
    { type: 'Initialized', status: 'True' },
    { type: 'ContainersReady', status: ready },
    { type: 'Ready', status: ready },
    { type: 'PodScheduled', status: 'True' },
  ];
}

const pod = (name: string, phase: string, ready: 'True' | 'False'): V1Pod => ({
  metadata: { name, namespace: 'bench' },
  spec: { containers: [{ name: 'load' }] },
  status: { phase, conditions: conditions(ready) },
});

function cluster(pods: V1Pod[]): FakeKube {
  const kube = new FakeKube();
  kube.declareWorkload('Deployment', 'bench', 'load-client', { app: 'load-client', tier: 'client' }, ['load']);
  // Exec looks its pod up among all of the namespace (no selector), the pod list by the Deployment's selector.
  kube.podsFor = (_ns, selector) => (selector === undefined || selector === 'app=load-client,tier=client' ? pods : []);
  kube.execAnswer = () => ok;
  return kube;
}

describe('exec in a Deployment', () => {
  it('selects the pods by every label of the Deployment selector and runs in the first ready one', async () => {
    const kube = cluster([pod('load-client-a', 'Pending', 'False'), pod('load-client-b', 'Running', 'True'), pod('load-client-c', 'Running', 'True')]);
    await expect(execInDeployment(kube, EXEC)).resolves.toEqual({ ...ok, pod: 'load-client-b' });
    expect(kube.transcript).toEqual([
      'api get Deployment bench/load-client',
      'api list Pods bench app=load-client,tier=client',
      'api exec bench/load-client-b -c load -- echo hi',
    ]);
  });

  it('fails naming the Deployment when it does not exist', async () => {
    await expect(execInDeployment(new FakeKube(), EXEC)).rejects.toThrow(/^Deployment bench\/load-client not found$/);
  });

  it('fails naming the Deployment when it has no label selector, without listing pods', async () => {
    const kube = new FakeKube();
    kube.declare({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'load-client', namespace: 'bench' }, spec: {} });
    await expect(execInDeployment(kube, EXEC)).rejects.toThrow(/^Deployment bench\/load-client not found$/);
    expect(kube.transcript).toEqual(['api get Deployment bench/load-client']);
  });

  it('fails naming the Deployment when none of its pods is ready, running nothing', async () => {
    const kube = cluster([pod('load-client-a', 'Running', 'False'), pod('load-client-b', 'Pending', 'False')]);
    await expect(execInDeployment(kube, EXEC)).rejects.toThrow(/^no ready pod of Deployment bench\/load-client$/);
    expect(kube.transcript.some((l) => l.startsWith('api exec'))).toBe(false);
  });
});

describe('pod readiness', () => {
  it('is Running with condition Ready=True, whatever the other conditions say', () => {
    expect(podReady(pod('p', 'Running', 'True'))).toBe(true);
  });

  it('is not Running with Ready=False, even when every other condition is True', () => {
    expect(podReady(pod('p', 'Running', 'False'))).toBe(false);
  });

  it('is not Ready=True on a pod that is not Running yet', () => {
    expect(podReady(pod('p', 'Pending', 'True'))).toBe(false);
  });

  it('is not a Running pod whose conditions are not reported yet', () => {
    expect(podReady({ metadata: { name: 'p' }, status: { phase: 'Running' } })).toBe(false);
  });
});
