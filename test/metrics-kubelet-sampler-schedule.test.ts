import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KubeCallOptions, KubeClient } from '../src/core/kube.js';
import { KUBELET_RESOURCE_PATH, startKubeletSampler } from '../src/metrics/kubelet-sampler.js';
import { kubeletResourceText } from './helpers/kubelet-text.js';

const T0 = 1_760_000_000_000;

interface ProxyCall {
  node: string;
  path: string;
  options: KubeCallOptions | undefined;
  atMs: number;
}

/**
 * A kube client that answers node-proxy GETs only (what the sampler may ask) and refuses everything else. `answer`
 * decides each response: text, a thrown error, or a promise the test settles itself.
 */
function proxyOnlyKube(answer: (node: string, call: number) => string | Promise<string>): { kube: KubeClient; calls: ProxyCall[] } {
  const calls: ProxyCall[] = [];
  const refuse = (what: string) => () => Promise.reject(new Error(`fake kube: ${what} was not set up`));
  const kube: KubeClient = {
    apply: refuse('apply'),
    delete: refuse('delete'),
    namespaceLabels: refuse('namespaceLabels'),
    deleteNamespace: refuse('deleteNamespace'),
    readDeployment: refuse('readDeployment'),
    readDaemonSet: refuse('readDaemonSet'),
    listPods: refuse('listPods'),
    listAllPods: refuse('listAllPods'),
    listNodes: refuse('listNodes'),
    events: refuse('events'),
    exec: refuse('exec'),
    serverVersion: refuse('serverVersion'),
    async nodeProxyGet(node, path, options) {
      calls.push({ node, path, options, atMs: Date.now() });
      return answer(node, calls.length);
    },
  };
  return { kube, calls };
}

const kubeletAt = (atMs: number) =>
  kubeletResourceText(atMs, { memoryBytes: 1000 }, [{ namespace: 'bench', pod: 'server-0', container: 'server', cpuSeconds: 1, memoryBytes: 10 }]);

describe('kubelet sampler schedule', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('scrapes every node at once, again every interval, and once more on stop, each bounded by the interval', async () => {
    const { kube, calls } = proxyOnlyKube(() => kubeletAt(Date.now()));
    const sampler = startKubeletSampler(kube, ['w1', 'w2'], 5000, () => Date.now());
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => [c.node, c.atMs - T0])).toEqual([
      ['w1', 0],
      ['w2', 0],
    ]);
    await vi.advanceTimersByTimeAsync(12_000);
    expect(calls.map((c) => c.atMs - T0)).toEqual([0, 0, 5000, 5000, 10_000, 10_000]);
    const { scrapes, failures } = await sampler.stop();
    expect(failures).toEqual([]);
    expect(calls.map((c) => c.atMs - T0)).toEqual([0, 0, 5000, 5000, 10_000, 10_000, 12_000, 12_000]);
    expect(calls.every((c) => c.path === KUBELET_RESOURCE_PATH && c.options?.timeoutMs === 5000)).toBe(true);
    expect(scrapes.map((s) => [s.node, s.scrapedAtMs - T0, s.containers.length])).toEqual([
      ['w1', 0, 1],
      ['w2', 0, 1],
      ['w1', 5000, 1],
      ['w2', 5000, 1],
      ['w1', 10_000, 1],
      ['w2', 10_000, 1],
      ['w1', 12_000, 1],
      ['w2', 12_000, 1],
    ]);
    // Nothing left scheduled: no scrape after stop, and no timer keeping the process alive.
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(calls).toHaveLength(8);
  });

  it('records a node that fails as a note naming it, and keeps scraping the others', async () => {
    const { kube } = proxyOnlyKube((node, call) => {
      if (node === 'w2') throw call <= 2 ? new Error('connect ECONNREFUSED 127.0.0.1:6443') : 'a plain string';
      return kubeletAt(Date.now());
    });
    const sampler = startKubeletSampler(kube, ['w1', 'w2'], 5000, () => Date.now());
    await vi.advanceTimersByTimeAsync(5000);
    const { scrapes, failures } = await sampler.stop();
    expect(scrapes.map((s) => s.node)).toEqual(['w1', 'w1', 'w1']);
    expect(failures).toEqual(['w2: connect ECONNREFUSED 127.0.0.1:6443', 'w2: a plain string', 'w2: a plain string']);
  });

  it('on stop, waits for the scrape in flight, schedules nothing more, and takes one last look', async () => {
    let release: (text: string) => void = () => undefined;
    const { kube, calls } = proxyOnlyKube((_node, call) =>
      call === 1 ? new Promise<string>((resolve) => (release = resolve)) : kubeletAt(Date.now()),
    );
    const sampler = startKubeletSampler(kube, ['w1'], 5000, () => Date.now());
    await vi.advanceTimersByTimeAsync(7000);
    expect(calls).toHaveLength(1); // the first scrape still hangs: no second one is started beside it
    const stopped = sampler.stop();
    let done = false;
    void stopped.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    release(kubeletAt(T0));
    const { scrapes } = await stopped;
    expect(scrapes.map((s) => s.scrapedAtMs - T0)).toEqual([0, 7000]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
