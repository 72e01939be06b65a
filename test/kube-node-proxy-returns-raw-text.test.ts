import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientNodeKube } from '../src/kube/client-node-kube.js';
import type { Clock } from '../src/core/deps.js';
import { KubeApiError } from '../src/kube/kube-errors.js';
import { writeKubeconfig, type FakeApiServer, kubeOnFakeApi } from './helpers/fake-api-server.js';
import { referenceFiles } from './helpers/reference.js';

/** A real kubelet /metrics/resource answer (metrics-server's test data), read in place. */
const SAMPLE = 'kubelet/metrics-resource.normal.metrics-server-v0.9.0.txt';
const ref = referenceFiles('the nodeProxyGet test on a real kubelet sample', [SAMPLE]);

/**
 * nodeProxyGet where only a scripted server can answer: a content type a kwok kubelet does not send (OpenMetrics),
 * the exact query string the kubelet receives, 503s and a kubelet that never answers. The kubelet's
 * /metrics/resource text through a real API server's node proxy (path with its slash kept, client certificate,
 * a leading slash and a query string, a node the server does not know) is asserted in
 * test/cluster/rollout-waits-exec-and-node-proxy-on-kwok.test.ts (npm run test:cluster).
 */

let api: FakeApiServer;
let kube: ClientNodeKube;
let close: () => Promise<void>;
let kubeconfigPath: string;

beforeEach(async () => {
  ({ api, kube, close } = await kubeOnFakeApi({ token: 'proxy-token', options: { retry: { requestTimeoutMs: 300, operationTimeoutMs: 300, initialBackoffMs: 10 } } }));
  const kubeconfig = await writeKubeconfig([{ name: 'bench', server: api.url, token: 'proxy-token' }], 'bench');
  kubeconfigPath = kubeconfig.path;
  const closeApi = close;
  close = async () => {
    await closeApi();
    await kubeconfig.remove();
  };
});

afterEach(() => close());

describe('nodeProxyGet', () => {
  it.skipIf(!ref.available)('returns the text whatever the content type (OpenMetrics would make client-node’s generated method throw)', async () => {
    const sample = ref.read(SAMPLE);
    api.route('GET', '/api/v1/nodes/kind-worker/proxy/metrics/resource', {
      body: sample,
      contentType: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
    });

    expect(await kube.nodeProxyGet('kind-worker', '/metrics/resource')).toBe(sample);
    const [request] = api.apiRequests();
    expect(request?.path).toBe('/api/v1/nodes/kind-worker/proxy/metrics/resource');
    // What we ask for; the kubelet chooses (a real kubelet answers text/plain to this).
    expect(request?.headers.accept).toMatch(/^text\/plain/);
  });

  it('passes a query string through', async () => {
    api.route('GET', '/api/v1/nodes/kind-worker/proxy/stats/summary', { body: '{}' });

    await kube.nodeProxyGet('kind-worker', 'stats/summary?only_cpu_and_memory=true');

    expect(Object.fromEntries(api.apiRequests()[0]?.query ?? [])).toEqual({ only_cpu_and_memory: 'true' });
  });

  it('retries a 503 until its deadline, then reports the node, the path and the API message', async () => {
    api.route('GET', '/api/v1/nodes/kind-worker/proxy/metrics/resource', {
      status: 503,
      body: { kind: 'Status', status: 'Failure', message: 'error trying to reach service: dial tcp 172.18.0.3:10250: connect: connection refused', code: 503 },
    });

    // Back-offs skipped on a clock of their own: with real sleeps, a timer that fires a hair early leaves a last
    // attempt of ~1 ms, whose "no answer within 1 ms" would stand in for the 503 (see src/kube/retry-policy.ts).
    let skipped = 0;
    const clock: Clock = {
      now: () => Date.now() + skipped,
      monotonic: () => performance.now() + skipped,
      sleep: async (ms) => {
        skipped += ms;
      },
    };
    const skipping = new ClientNodeKube({ kubeconfig: kubeconfigPath }, { clock, retry: { requestTimeoutMs: 300, operationTimeoutMs: 300, initialBackoffMs: 10 } });

    const error = await skipping.nodeProxyGet('kind-worker', 'metrics/resource').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).message).toMatch(
      /^GET metrics\/resource on node kind-worker: no success within 300 ms \(\d+ attempts?; last: error trying to reach service: dial tcp 172\.18\.0\.3:10250: connect: connection refused \(HTTP 503\)\)$/,
    );
    expect((error as KubeApiError).httpStatus).toBe(503);
    expect(api.apiRequests().length).toBeGreaterThanOrEqual(2);
  });

  it('times out a proxy call that never answers', async () => {
    api.route('GET', '/api/v1/nodes/kind-worker/proxy/metrics/resource', { body: '', hold: true });

    await expect(kube.nodeProxyGet('kind-worker', 'metrics/resource')).rejects.toThrow(
      'GET metrics/resource on node kind-worker: no success within 300 ms (1 attempt; last: no answer within 300 ms)',
    );
  });
});

describe('why nodeProxyGet does not use client-node’s generated method', () => {
  it('connectGetNodeProxyWithPath percent-encodes the slash in the proxied path (client-node 1.4)', async () => {
    const { CoreV1Api, KubeConfig } = await import('@kubernetes/client-node');
    const kubeconfig = await writeKubeconfig([{ name: 'bench', server: api.url, token: 't' }], 'bench');
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig.path);
    await kubeconfig.remove();

    await kc
      .makeApiClient(CoreV1Api)
      .connectGetNodeProxyWithPath({ name: 'kind-worker', path: 'metrics/resource' })
      .catch(() => undefined);

    // If this starts failing, client-node fixed the encoding and nodeProxyGet could use the generated method again.
    expect(api.apiRequests()[0]?.path).toBe('/api/v1/nodes/kind-worker/proxy/metrics%2Fresource');
  });
});
