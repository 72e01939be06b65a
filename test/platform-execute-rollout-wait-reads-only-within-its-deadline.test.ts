import { describe, expect, it } from 'vitest';
import type { V1Deployment } from '@kubernetes/client-node';
import type { KubeCallOptions } from '../src/core/kube.js';
import { RolloutTimeoutError, waitRollout, type OperationDeps } from '../src/platform/execute-operations.js';
import type { Operation } from '../src/platform/operations.js';
import { FakeKube, FakeRunner } from './helpers/fake-cluster.js';
import { FakeClock } from './helpers/fake-clock.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { RecordingLogger } from './helpers/recording-logger.js';

/**
 * The rollout wait's clock: it polls every 2 s, reads at least once, never reads after its deadline, gives each read
 * only the time left, and fails at the deadline (not a poll later). Time is the fake clock's: it moves only when the
 * wait sleeps or a read "takes" time.
 */

type WaitOp = Extract<Operation, { op: 'wait-rollout' }>;
const wait = (timeoutMs: number): WaitOp => ({ op: 'wait-rollout', title: 'server', kind: 'Deployment', namespace: 'bench', name: 'server', timeoutMs });

/** A FakeKube that records the options of each rollout read (the description's reads pass none) and can make a read take time or fail. */
class TimedKube extends FakeKube {
  readonly reads: KubeCallOptions[] = [];
  /** Per read (by its index): how long it takes, and whether it then fails instead of answering. */
  script: Array<{ takesMs?: number; fails?: Error; during?: () => void }> = [];
  constructor(private readonly clock: FakeClock) {
    super();
  }
  override async readDeployment(namespace: string, name: string, options?: KubeCallOptions): Promise<V1Deployment | null> {
    if (!options) return super.readDeployment(namespace, name);
    const step = this.script[this.reads.length] ?? {};
    this.reads.push(options);
    if (step.takesMs) await this.clock.sleep(step.takesMs);
    step.during?.();
    if (step.fails) throw step.fails;
    return super.readDeployment(namespace, name);
  }
}

function setup(signal = new AbortController().signal): { kube: TimedKube; clock: FakeClock; deps: OperationDeps; start: number } {
  const clock = new FakeClock();
  const kube = new TimedKube(clock);
  kube.declareWorkload('Deployment', 'bench', 'server', { app: 'server' });
  const deps: OperationDeps = { runner: new FakeRunner(), fs: new MemoryFileSystem(), clock, logger: new RecordingLogger(), signal, kube: () => kube, checks: {} };
  return { kube, clock, deps, start: clock.monotonic() };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the wait to fail');
}

describe('the rollout wait and its deadline', () => {
  it('reads the object once even with no time left, so a rollout that is already done passes', async () => {
    const s = setup();
    s.kube.readyAfterPolls = 1;
    await waitRollout(wait(0), s.deps);
    expect(s.kube.reads).toHaveLength(1);
  });

  it('gives each read only the time left and makes no read once a poll sleep has reached the deadline', async () => {
    const s = setup();
    s.kube.stuck.add('bench/server');
    const signal = s.deps.signal;
    const error = await failure(waitRollout(wait(4000), s.deps));
    expect(error).toBeInstanceOf(RolloutTimeoutError);
    // Reads at 0 and 2 s; the poll sleep then ends exactly at the 4 s deadline: no third read.
    expect(s.kube.reads).toEqual([
      { timeoutMs: 4000, signal },
      { timeoutMs: 2000, signal },
    ]);
    expect(s.clock.monotonic() - s.start).toBe(4000);
  });

  it('fails as soon as a read ends at the deadline, not a poll interval later', async () => {
    const s = setup();
    s.kube.stuck.add('bench/server');
    // Each read takes 1.5 s: 0–1.5 s, sleep to 3.5 s, then 3.5–5 s ends exactly at the 5 s deadline.
    s.kube.script = [{ takesMs: 1500 }, { takesMs: 1500 }];
    const error = await failure(waitRollout(wait(5000), s.deps));
    expect(error.message).toMatch(/^Deployment bench\/server not ready after 5 s \(0\/1 ready, 1 updated\)/);
    expect(s.kube.reads).toHaveLength(2);
    expect(s.clock.monotonic() - s.start).toBe(5000);
  });

  it('fails with the read’s own error when a read fails long before the deadline', async () => {
    const s = setup();
    const forbidden = new Error('read Deployment bench/server: 403 Forbidden');
    s.kube.script = [{ fails: forbidden }];
    const error = await failure(waitRollout(wait(60_000), s.deps));
    expect(error).toBe(forbidden);
  });

  it('reports a read cut off within the timer slack (5 ms) of the deadline as the wait’s timeout, with the last state seen', async () => {
    const s = setup();
    s.kube.stuck.add('bench/server');
    // Read 1 at 0 s answers (not ready); read 2 starts at 2 s and fails at 4.995 s, 5 ms before the deadline.
    s.kube.script = [{}, { takesMs: 2995, fails: new Error('read Deployment bench/server: no success within 3000 ms') }];
    const error = await failure(waitRollout(wait(5000), s.deps));
    expect(error).toBeInstanceOf(RolloutTimeoutError);
    expect(error.message).toBe(
      'Deployment bench/server not ready after 5 s (0/1 ready, 1 updated; the API server did not answer in time: read Deployment bench/server: no success within 3000 ms)',
    );
  });

  it('fails with the interruption when the run is interrupted during a read, even right at the deadline', async () => {
    const controller = new AbortController();
    const s = setup(controller.signal);
    const interrupted = new Error('SIGINT');
    s.kube.script = [{ takesMs: 4999, during: () => controller.abort(interrupted), fails: interrupted }];
    const error = await failure(waitRollout(wait(5000), s.deps));
    expect(error).toBe(interrupted);
  });

  it('says how long it waited in seconds from one second on, in milliseconds below', async () => {
    const second = setup();
    second.kube.stuck.add('bench/server');
    expect((await failure(waitRollout(wait(1000), second.deps))).message).toMatch(/^Deployment bench\/server not ready after 1 s \(/);
    const below = setup();
    below.kube.stuck.add('bench/server');
    expect((await failure(waitRollout(wait(999), below.deps))).message).toMatch(/^Deployment bench\/server not ready after 999 ms \(/);
  });
});
