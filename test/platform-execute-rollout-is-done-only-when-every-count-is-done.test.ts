import { describe, expect, it } from 'vitest';
import type { V1DaemonSet, V1DaemonSetStatus, V1Deployment, V1DeploymentStatus } from '@kubernetes/client-node';
import { RolloutTimeoutError, waitRollout, type OperationDeps } from '../src/platform/execute-operations.js';
import { FakeKube, FakeRunner } from './helpers/fake-cluster.js';
import { FakeClock } from './helpers/fake-clock.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { RecordingLogger } from './helpers/recording-logger.js';

/**
 * When a rollout counts as done, status by status, the way `kubectl rollout status` decides it
 * (kubernetes/kubectl pkg/polymorphichelpers/rollout_status.go: the controller has observed the current generation,
 * every replica is updated, the updated ones are available) and stricter: no extra ready replica beside them, and a
 * DaemonSet that schedules no pod at all is not done. The wait reads once (no time left) and says what it saw.
 */

/** A FakeKube whose Deployment and DaemonSet reads answer exactly the object a test gives (null: not found). */
class StatusKube extends FakeKube {
  constructor(private readonly object: V1Deployment | V1DaemonSet | null) {
    super();
  }
  override async readDeployment(namespace: string, name: string): Promise<V1Deployment | null> {
    this.transcript.push(`api get Deployment ${namespace}/${name}`);
    return this.object as V1Deployment | null;
  }
  override async readDaemonSet(namespace: string, name: string): Promise<V1DaemonSet | null> {
    this.transcript.push(`api get DaemonSet ${namespace}/${name}`);
    return this.object as V1DaemonSet | null;
  }
}

/** 'done', or the state the timeout names after one read. */
async function verdict(kind: 'Deployment' | 'DaemonSet', object: V1Deployment | V1DaemonSet | null): Promise<string> {
  const kube = new StatusKube(object);
  const deps: OperationDeps = { runner: new FakeRunner(), fs: new MemoryFileSystem(), clock: new FakeClock(), logger: new RecordingLogger(), signal: new AbortController().signal, kube: () => kube, checks: {} };
  try {
    await waitRollout({ op: 'wait-rollout', title: 'w', kind, namespace: 'ns', name: 'x', timeoutMs: 0 }, deps);
    return 'done';
  } catch (error) {
    if (!(error instanceof RolloutTimeoutError)) throw error;
    const prefix = `${kind} ns/x not ready after 0 ms (`;
    expect(error.message.startsWith(prefix) && error.message.endsWith(')'), error.message).toBe(true);
    return error.message.slice(prefix.length, -1);
  }
}

const selector = { matchLabels: { app: 'x' } };

/** `replicas` null: the spec gives none. */
function deployment(status: V1DeploymentStatus | undefined, generation = 2, replicas: number | null = 2): V1Deployment {
  return { metadata: { name: 'x', namespace: 'ns', generation }, spec: { ...(replicas !== null ? { replicas } : {}), selector, template: {} }, ...(status ? { status } : {}) };
}

function daemonSet(status: V1DaemonSetStatus | undefined, generation = 4): V1DaemonSet {
  return { metadata: { name: 'x', namespace: 'ns', generation }, spec: { selector, template: {} }, ...(status ? { status } : {}) };
}

const dsStatus = (s: Partial<V1DaemonSetStatus>): V1DaemonSetStatus => ({
  observedGeneration: 4,
  desiredNumberScheduled: 3,
  currentNumberScheduled: 3,
  numberMisscheduled: 0,
  numberReady: 3,
  updatedNumberScheduled: 3,
  numberAvailable: 3,
  ...s,
});

describe('a Deployment rollout', () => {
  it('is done when the current generation is observed and every replica is updated, ready and available', async () => {
    expect(await verdict('Deployment', deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 }))).toBe('done');
  });

  it('is not done while the controller has not observed the new generation, however good the old counts look', async () => {
    expect(await verdict('Deployment', deployment({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 }))).toBe('2/2 ready, 2 updated');
  });

  it('is not done while a replica still runs the old template', async () => {
    expect(await verdict('Deployment', deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2 }))).toBe('2/2 ready, 1 updated');
  });

  it('is not done while an updated replica is ready but not yet available (minReadySeconds)', async () => {
    expect(await verdict('Deployment', deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 1 }))).toBe('2/2 ready, 2 updated');
  });

  it('is not done while an old replica is still ready beside the updated ones', async () => {
    // Old pod A available, new B available, new C ready but within minReadySeconds: 3 ready, 2 available, 2 updated.
    expect(await verdict('Deployment', deployment({ observedGeneration: 2, replicas: 3, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 2 }))).toBe('3/2 ready, 2 updated');
  });

  it('wants one replica when the spec gives none, and counts a missing status as nothing ready', async () => {
    expect(await verdict('Deployment', deployment(undefined, 1, null))).toBe('0/1 ready, 0 updated');
  });

  it('is not done, and says not found, when the Deployment does not exist', async () => {
    expect(await verdict('Deployment', null)).toBe('not found');
  });
});

describe('a DaemonSet rollout', () => {
  it('is done when the current generation is observed and every scheduled pod is updated, ready and available', async () => {
    expect(await verdict('DaemonSet', daemonSet(dsStatus({})))).toBe('done');
  });

  it('is not done while the controller has not observed the new generation', async () => {
    expect(await verdict('DaemonSet', daemonSet(dsStatus({ observedGeneration: 3 })))).toBe('3/3 ready, 3 updated');
  });

  it('is not done while it schedules no pod at all (no node counted yet)', async () => {
    const none = dsStatus({ desiredNumberScheduled: 0, currentNumberScheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0 });
    expect(await verdict('DaemonSet', daemonSet(none))).toBe('0/0 ready, 0 updated');
    expect(await verdict('DaemonSet', daemonSet(undefined))).toBe('0/0 ready, 0 updated');
  });

  it('is not done while a node still runs the old pod', async () => {
    expect(await verdict('DaemonSet', daemonSet(dsStatus({ updatedNumberScheduled: 2 })))).toBe('3/3 ready, 2 updated');
  });

  it('is not done while an updated pod is ready but not yet available (minReadySeconds)', async () => {
    expect(await verdict('DaemonSet', daemonSet(dsStatus({ numberAvailable: 2 })))).toBe('3/3 ready, 3 updated');
  });

  it('is not done while a surge pod is ready beside the scheduled ones (maxSurge)', async () => {
    expect(await verdict('DaemonSet', daemonSet(dsStatus({ numberReady: 4 })))).toBe('4/3 ready, 3 updated');
  });
});
