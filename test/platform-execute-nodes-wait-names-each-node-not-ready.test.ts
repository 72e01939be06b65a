import { describe, expect, it } from 'vitest';
import type { V1Node, V1NodeCondition } from '@kubernetes/client-node';
import type { KubeCallOptions } from '../src/core/kube.js';
import { nodeReady, RolloutTimeoutError, waitNodesReady, type OperationDeps } from '../src/platform/execute-operations.js';
import type { Operation } from '../src/platform/operations.js';
import { FakeKube, FakeRunner } from './helpers/fake-cluster.js';
import { FakeClock } from './helpers/fake-clock.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { RecordingLogger } from './helpers/recording-logger.js';

/**
 * Waiting for nodes: polled every 2 s within the deadline, each read given the time left; on timeout the error names
 * every node that is not Ready with its Ready condition (kubelet reasons as in the Kubernetes docs, "Nodes: Condition").
 */

type NodesOp = Extract<Operation, { op: 'wait-nodes' }>;
const nodesOp = (minNodes: number, timeoutMs: number): NodesOp => ({ op: 'wait-nodes', title: 'nodes', minNodes, timeoutMs });

/** Every condition a kubelet reports, with Ready as given (the pressure conditions are fine unless overridden). */
function kubeletConditions(ready: V1NodeCondition, pressure: Partial<V1NodeCondition> = {}): V1NodeCondition[] {
  return [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', ...pressure },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    ready,
  ];
}

const READY: V1NodeCondition = { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' };
const NO_CNI: V1NodeCondition = {
  type: 'Ready',
  status: 'False',
  reason: 'KubeletNotReady',
  message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
};

const node = (name: string | undefined, conditions: V1NodeCondition[] | undefined): V1Node => ({
  metadata: name === undefined ? {} : { name },
  ...(conditions ? { status: { conditions } } : { status: {} }),
});

/** A FakeKube whose n-th node list answers `lists[n]` (the last one from then on) and records each read's options. */
class NodeListKube extends FakeKube {
  readonly reads: KubeCallOptions[] = [];
  constructor(private readonly lists: V1Node[][]) {
    super();
  }
  override async listNodes(options?: KubeCallOptions): Promise<V1Node[]> {
    this.transcript.push('api list Nodes');
    this.reads.push(options ?? {});
    return this.lists[Math.min(this.reads.length - 1, this.lists.length - 1)] ?? [];
  }
}

function setup(lists: V1Node[][]): { kube: NodeListKube; clock: FakeClock; deps: OperationDeps; start: number } {
  const kube = new NodeListKube(lists);
  const clock = new FakeClock();
  const deps: OperationDeps = { runner: new FakeRunner(), fs: new MemoryFileSystem(), clock, logger: new RecordingLogger(), signal: new AbortController().signal, kube: () => kube, checks: {} };
  return { kube, clock, deps, start: clock.monotonic() };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(RolloutTimeoutError);
    return error as Error;
  }
  throw new Error('expected the wait to fail');
}

const notYet = [node('cp', kubeletConditions(READY)), node('w1', kubeletConditions(NO_CNI)), node('w2', kubeletConditions(NO_CNI))];
const allReady = ['cp', 'w1', 'w2'].map((n) => node(n, kubeletConditions(READY)));

describe('waiting for nodes', () => {
  it('polls every 2 s until every node is Ready, giving each read only the time left', async () => {
    const s = setup([notYet, notYet, allReady]);
    await waitNodesReady(nodesOp(3, 60_000), s.deps);
    const signal = s.deps.signal;
    expect(s.kube.reads).toEqual([
      { timeoutMs: 60_000, signal },
      { timeoutMs: 58_000, signal },
      { timeoutMs: 56_000, signal },
    ]);
    expect(s.clock.monotonic() - s.start).toBe(4000);
  });

  it('fails right after a read made at the deadline, without polling again', async () => {
    const s = setup([notYet]);
    const error = await failure(waitNodesReady(nodesOp(3, 4000), s.deps));
    // Reads at 0, 2 and 4 s (the deadline): three, and no sleep after the last.
    expect(s.kube.reads.map((r) => r.timeoutMs)).toEqual([4000, 2000, 1]);
    expect(s.clock.monotonic() - s.start).toBe(4000);
    expect(error.message).toBe(
      [
        'nodes not Ready after 4 s (2 of 3 nodes not Ready)',
        `  node w1: Ready=False KubeletNotReady: ${NO_CNI.message}`,
        `  node w2: Ready=False KubeletNotReady: ${NO_CNI.message}`,
      ].join('\n'),
    );
  });

  it('says how many nodes registered, and lists none, when fewer than expected registered and those are Ready', async () => {
    const s = setup([[node('cp', kubeletConditions(READY))]]);
    expect((await failure(waitNodesReady(nodesOp(3, 10_000), s.deps))).message).toBe('nodes not Ready after 10 s (1 of 3 nodes registered)');
  });

  it('names each node that is not Ready by its Ready condition, however much or little it says', async () => {
    const s = setup([
      [
        node('cp', kubeletConditions(READY)),
        node('w1', kubeletConditions(NO_CNI)),
        node('w2', kubeletConditions({ type: 'Ready', status: 'Unknown' })),
        node('w3', undefined),
        node(undefined, kubeletConditions({ type: 'Ready', status: 'False', reason: 'KubeletNotReady' }, { status: 'True', reason: 'KubeletHasInsufficientMemory' })),
      ],
    ]);
    expect((await failure(waitNodesReady(nodesOp(5, 2000), s.deps))).message).toBe(
      [
        'nodes not Ready after 2 s (4 of 5 nodes not Ready)',
        `  node w1: Ready=False KubeletNotReady: ${NO_CNI.message}`,
        '  node w2: Ready=Unknown',
        '  node w3: no Ready condition yet',
        '  node ?: Ready=False KubeletNotReady',
      ].join('\n'),
    );
  });
});

describe('node readiness', () => {
  it('is the Ready condition being True, beside the pressure conditions a kubelet also reports', () => {
    expect(nodeReady(node('n', kubeletConditions(READY)))).toBe(true);
  });

  it('is not a node under memory pressure whose Ready condition is False', () => {
    expect(nodeReady(node('n', kubeletConditions(NO_CNI, { status: 'True', reason: 'KubeletHasInsufficientMemory' })))).toBe(false);
  });

  it('is not a node that reports no conditions yet', () => {
    expect(nodeReady(node('n', undefined))).toBe(false);
  });
});
