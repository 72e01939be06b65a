import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../src/core/deps.js';
import type { KubeObject } from '../src/core/kube.js';
import { SystemClock } from '../src/core/system-clock.js';
import type { ClientNodeKube, ClientNodeKubeOptions } from '../src/kube/client-node-kube.js';
import { KubeApiError } from '../src/kube/kube-errors.js';
import { RolloutTimeoutError, execInDeployment, waitRollout, type OperationDeps } from '../src/platform/execute-operations.js';
import type { Operation } from '../src/platform/operations.js';
import { type FakeApiServer, faults, kubeOnFakeApi, sequence, wsAvailable } from './helpers/fake-api-server.js';
import { FakeRunner } from './helpers/fake-cluster.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { RecordingLogger } from './helpers/recording-logger.js';

/**
 * Defect 1 of issue 8: every Kubernetes API call of a run, against a fake API server that hangs, answers one 503, resets
 * the connection, or answers 429 with Retry-After — through the real ClientNodeKube (client-node's fetch, our node-proxy
 * GET) and the real rollout wait and exec. Each either succeeds after retries or fails at its deadline naming what it
 * waited for. Back-offs go through an injected clock that records them and skips the wait; request timeouts are real.
 */

/** Real time, except that sleeps return at once and are added to the clock (so Retry-After waits cost nothing). */
class SkippingClock implements Clock {
  readonly sleeps: number[] = [];
  private skipped = 0;
  now(): number {
    return Date.now() + this.skipped;
  }
  monotonic(): number {
    return performance.now() + this.skipped;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.skipped += ms;
  }
}

let api: FakeApiServer;
let kube: ClientNodeKube;
let close: (() => Promise<void>) | undefined;
let clock: SkippingClock;

async function start(options: ClientNodeKubeOptions = {}): Promise<void> {
  clock = new SkippingClock();
  ({ api, kube, close } = await kubeOnFakeApi({ options: { clock, ...options } }));
}

afterEach(async () => {
  await close?.();
  close = undefined;
});

const DEPLOYMENT_PATH = '/apis/apps/v1/namespaces/bench/deployments/server';

const deployment = (ready: number): V1Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'server', namespace: 'bench', generation: 1 },
  spec: { replicas: 1, selector: { matchLabels: { app: 'server' } }, template: {} },
  status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: ready, availableReplicas: ready },
});

const readyPod = (name: string): V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'bench', labels: { app: 'load' } },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});

const podList = (...pods: V1Pod[]) => ({ body: { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: pods } });

const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'bench' }, data: { a: 'b' } };
const CONFIGMAP_PATH = '/api/v1/namespaces/bench/configmaps/cfg';
const echo = { body: object };

function operationDeps(signal = new AbortController().signal, depsClock: Clock = clock): OperationDeps {
  return {
    runner: new FakeRunner(),
    fs: new MemoryFileSystem(),
    clock: depsClock,
    logger: new RecordingLogger(),
    signal,
    kube: () => kube,
    checks: {},
  };
}

const rolloutOp = (timeoutMs: number): Extract<Operation, { op: 'wait-rollout' }> => ({
  op: 'wait-rollout',
  title: 'Waiting for server',
  kind: 'Deployment',
  namespace: 'bench',
  name: 'server',
  timeoutMs,
});

const calls = (method: string, path: string) => api.requests.filter((r) => r.method === method && r.path === path).length;

/** Every held request to `path` was abandoned by the client (its request aborted, not left open). */
async function allAbandoned(path: string): Promise<boolean[]> {
  const seen = () => api.requests.filter((r) => r.path === path).map((r) => r.abandoned === true);
  // The server notices the closed connection a moment after the client gave up.
  for (let i = 0; i < 40 && seen().includes(false); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  return seen();
}

/** Resolves to what the promise settled with and how long it took, in real milliseconds. */
async function timed<T>(promise: Promise<T>): Promise<{ error: unknown; value: T | undefined; ms: number }> {
  const started = performance.now();
  try {
    const value = await promise;
    return { error: undefined, value, ms: performance.now() - started };
  } catch (error) {
    return { error, value: undefined, ms: performance.now() - started };
  }
}

describe('apply', () => {
  it('succeeds after one 503', async () => {
    await start();
    api.route('PATCH', CONFIGMAP_PATH, sequence(faults.unavailable(), echo));
    await kube.apply(object);
    expect(calls('PATCH', CONFIGMAP_PATH)).toBe(2);
    expect(clock.sleeps).toEqual([250]);
  });

  it('succeeds after a reset connection, during discovery and during the PATCH', async () => {
    await start();
    api.route('GET', '/api/v1', sequence(faults.reset(), (r) => ({ body: discoveryOf(r) })));
    api.route('PATCH', CONFIGMAP_PATH, sequence(faults.reset(), echo));
    await kube.apply(object);
    expect(calls('GET', '/api/v1')).toBe(2);
    expect(calls('PATCH', CONFIGMAP_PATH)).toBe(2);
  });

  it('waits what a 429’s Retry-After asks, then succeeds', async () => {
    await start();
    api.route('PATCH', CONFIGMAP_PATH, sequence(faults.tooManyRequests(3), echo));
    await kube.apply(object);
    expect(clock.sleeps).toEqual([3000]);
  });

  it('is not retried on 422: the API server’s message comes back at once', async () => {
    await start();
    api.route('PATCH', CONFIGMAP_PATH, {
      status: 422,
      body: { kind: 'Status', status: 'Failure', message: 'ConfigMap "cfg" is invalid: data[a b]: Invalid value', reason: 'Invalid', code: 422 },
    });
    await expect(kube.apply(object)).rejects.toThrow('apply ConfigMap bench/cfg: ConfigMap "cfg" is invalid: data[a b]: Invalid value (HTTP 422)');
    expect(calls('PATCH', CONFIGMAP_PATH)).toBe(1);
  });

  it('fails at its deadline when the API server hangs, naming the object', async () => {
    await start({ retry: { requestTimeoutMs: 150, operationTimeoutMs: 400 } });
    api.route('PATCH', CONFIGMAP_PATH, faults.hang());
    const r = await timed(kube.apply(object));
    expect(r.error).toBeInstanceOf(KubeApiError);
    expect((r.error as Error).message).toMatch(/^apply ConfigMap bench\/cfg: no success within 400 ms \(\d attempts?; last: no answer within \d+ ms\)$/);
    expect(r.ms).toBeLessThan(4000);
    expect(new Set(await allAbandoned(CONFIGMAP_PATH))).toEqual(new Set([true]));
  });
});

describe('rollout wait', () => {
  it('succeeds through a 503, a reset and a 429 while the Deployment becomes ready', async () => {
    await start();
    api.route(
      'GET',
      DEPLOYMENT_PATH,
      sequence(faults.unavailable(), { body: deployment(0) }, faults.reset(), faults.tooManyRequests(1), { body: deployment(1) }),
    );
    await waitRollout(rolloutOp(60_000), operationDeps());
    expect(calls('GET', DEPLOYMENT_PATH)).toBe(5);
    // back-off after the 503, the 2 s poll, back-off after the reset, then the 429's Retry-After.
    expect(clock.sleeps).toEqual([250, 2000, 250, 1000]);
  });

  it('a 300 ms wait on an API server that never answers fails at 300 ms, naming the Deployment', async () => {
    // Real time on both sides, as in a run: the wait and the client must agree on when 300 ms have passed.
    await start({ clock: new SystemClock() });
    api.route('GET', DEPLOYMENT_PATH, faults.hang());
    const r = await timed(waitRollout(rolloutOp(300), operationDeps(undefined, new SystemClock())));
    expect(r.error).toBeInstanceOf(RolloutTimeoutError);
    expect((r.error as Error).message).toMatch(
      /^Deployment bench\/server not ready after 300 ms \(not found; the API server did not answer in time: read Deployment bench\/server: no success within \d+ ms \(1 attempt; last: no answer within \d+ ms\)\)$/,
    );
    // Not the client's 30 s request timeout, nor its 2 min call deadline: the wait's own 300 ms.
    expect(r.ms).toBeLessThan(4000);
    expect(await allAbandoned(DEPLOYMENT_PATH)).toEqual([true]);
  });

  it('stops retrying when the run is interrupted', async () => {
    await start();
    api.route('GET', DEPLOYMENT_PATH, faults.unavailable());
    const controller = new AbortController();
    controller.abort(new Error('SIGINT'));
    await expect(waitRollout(rolloutOp(60_000), operationDeps(controller.signal))).rejects.toThrow('SIGINT');
  });
});

describe('events read', () => {
  const EVENTS_PATH = '/api/v1/namespaces/bench/events';
  const events = {
    body: {
      kind: 'EventList',
      apiVersion: 'v1',
      metadata: {},
      items: [{ metadata: { name: 'e1', namespace: 'bench' }, involvedObject: {}, reason: 'BackOff', message: 'Back-off pulling image', lastTimestamp: '2026-12-01T15:00:00Z' }],
    },
  };

  it('succeeds after a reset connection and a 503', async () => {
    await start();
    api.route('GET', EVENTS_PATH, sequence(faults.reset(), faults.unavailable(), events));
    expect(await kube.events('bench', 'server-1')).toEqual(['BackOff: Back-off pulling image']);
    expect(calls('GET', EVENTS_PATH)).toBe(3);
  });

  it('fails at the caller’s deadline when the API server hangs, naming the object', async () => {
    await start();
    api.route('GET', EVENTS_PATH, faults.hang());
    const r = await timed(kube.events('bench', 'server-1', { timeoutMs: 200 }));
    expect((r.error as Error).message).toMatch(/^list events of bench\/server-1: no success within 200 ms \(1 attempt; last: no answer within 200 ms\)$/);
    expect(r.ms).toBeLessThan(4000);
  });
});

describe.skipIf(!wsAvailable())('pod list before exec', () => {
  const PODS_PATH = '/api/v1/namespaces/bench/pods';
  const LOAD_DEPLOYMENT_PATH = '/apis/apps/v1/namespaces/bench/deployments/load-client';
  const execOp: Extract<Operation, { op: 'exec' }> = {
    op: 'exec',
    title: 'Measuring',
    namespace: 'bench',
    deployment: 'load-client',
    container: 'load',
    argv: ['node', 'bin/bench.js', 'load', '--json'],
    timeoutMs: 5000,
  };
  const loadDeployment = { body: { ...deployment(1), metadata: { name: 'load-client', namespace: 'bench' }, spec: { selector: { matchLabels: { app: 'load' } }, template: {} } } };

  it('succeeds after a 503 on the Deployment read and a 429 on the pod list, then runs the command once', async () => {
    await start();
    api.route('GET', LOAD_DEPLOYMENT_PATH, sequence(faults.unavailable(), loadDeployment));
    api.route('GET', PODS_PATH, sequence(faults.tooManyRequests(2), podList(readyPod('load-client-abc'))));
    let sessions = 0;
    api.onExec((s) => {
      sessions++;
      s.stdout('{"ok":true}');
      s.status({ metadata: {}, status: 'Success' });
    });
    const r = await execInDeployment(kube, execOp);
    expect(r).toMatchObject({ stdout: '{"ok":true}', exitCode: 0, pod: 'load-client-abc' });
    expect(sessions).toBe(1);
    expect(clock.sleeps).toEqual([250, 2000]);
  });

  it('fails at its deadline when the pod list hangs, naming the namespace and selector, and never execs', async () => {
    await start({ retry: { requestTimeoutMs: 100, operationTimeoutMs: 300 } });
    api.route('GET', LOAD_DEPLOYMENT_PATH, loadDeployment);
    api.route('GET', PODS_PATH, faults.hang());
    let sessions = 0;
    api.onExec(() => sessions++);
    const r = await timed(execInDeployment(kube, execOp));
    expect((r.error as Error).message).toMatch(/^list pods in bench \(app=load\): no success within 300 ms \(\d attempts?; last: no answer within \d+ ms\)$/);
    expect(r.ms).toBeLessThan(4000);
    expect(sessions).toBe(0);
  });
});

describe('node proxy', () => {
  const PROXY_PATH = '/api/v1/nodes/kind-worker/proxy/metrics/resource';
  const text = { body: 'container_cpu_usage_seconds_total{container="x"} 1 1\n', contentType: 'text/plain; version=0.0.4' };

  it('succeeds after a 429 with Retry-After, a reset and a 503', async () => {
    await start();
    api.route('GET', PROXY_PATH, sequence(faults.tooManyRequests(1), faults.reset(), faults.unavailable(), text));
    expect(await kube.nodeProxyGet('kind-worker', 'metrics/resource')).toBe(text.body);
    expect(clock.sleeps).toEqual([1000, 500, 1000]);
  });

  it('fails at the caller’s deadline when the kubelet never answers', async () => {
    await start();
    api.route('GET', PROXY_PATH, faults.hang());
    const r = await timed(kube.nodeProxyGet('kind-worker', 'metrics/resource', { timeoutMs: 250 }));
    expect((r.error as Error).message).toBe('GET metrics/resource on node kind-worker: no success within 250 ms (1 attempt; last: no answer within 250 ms)');
    expect(r.ms).toBeLessThan(4000);
    expect(await allAbandoned(PROXY_PATH)).toEqual([true]);
  });
});

/** The core/v1 discovery document the fake answers by default, for a route that overrides it. */
function discoveryOf(_request: unknown): object {
  return {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [{ name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', verbs: [] }],
  };
}
