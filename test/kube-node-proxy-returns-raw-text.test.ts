import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientNodeKube } from '../src/kube/client-node-kube.js';
import { KubeApiError } from '../src/kube/kube-errors.js';
import { writeKubeconfig, type FakeApiServer, kubeOnFakeApi } from './helpers/fake-api-server.js';

/** A real kubelet /metrics/resource answer (metrics-server's test data), read in place. */
const sample = readFileSync(
  new URL('../../shared/reference/kubelet/metrics-resource.normal.metrics-server-v0.9.0.txt', import.meta.url),
  'utf8',
);

let api: FakeApiServer;
let kube: ClientNodeKube;
let close: () => Promise<void>;

beforeEach(async () => {
  ({ api, kube, close } = await kubeOnFakeApi({ token: 'proxy-token', options: { proxyTimeoutMs: 300 } }));
});

afterEach(() => close());

describe('nodeProxyGet', () => {
  it('returns the kubelet’s Prometheus text byte for byte, through /api/v1/nodes/{node}/proxy/{path} with slashes kept', async () => {
    api.route('GET', '/api/v1/nodes/kind-worker/proxy/metrics/resource', {
      body: sample,
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
    });

    const text = await kube.nodeProxyGet('kind-worker', 'metrics/resource');

    expect(text).toBe(sample);
    const [request] = api.apiRequests();
    expect(request?.path).toBe('/api/v1/nodes/kind-worker/proxy/metrics/resource');
    expect(request?.headers.authorization).toBe('Bearer proxy-token');
    expect(request?.headers.accept).toMatch(/^text\/plain/);
  });

  it('returns the text whatever the content type (OpenMetrics would make client-node’s generated method throw)', async () => {
    api.route('GET', '/api/v1/nodes/kind-worker/proxy/metrics/resource', {
      body: sample,
      contentType: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
    });

    expect(await kube.nodeProxyGet('kind-worker', '/metrics/resource')).toBe(sample);
  });

  it('passes a query string through', async () => {
    api.route('GET', '/api/v1/nodes/kind-worker/proxy/stats/summary', { body: '{}' });

    await kube.nodeProxyGet('kind-worker', 'stats/summary?only_cpu_and_memory=true');

    expect(Object.fromEntries(api.apiRequests()[0]?.query ?? [])).toEqual({ only_cpu_and_memory: 'true' });
  });

  it('reports a failed proxy call with the node, the path and the API message', async () => {
    api.route('GET', '/api/v1/nodes/kind-worker/proxy/metrics/resource', {
      status: 503,
      body: { kind: 'Status', status: 'Failure', message: 'error trying to reach service: dial tcp 172.18.0.3:10250: connect: connection refused', code: 503 },
    });

    const error = await kube.nodeProxyGet('kind-worker', 'metrics/resource').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).message).toBe(
      'GET metrics/resource on node kind-worker: error trying to reach service: dial tcp 172.18.0.3:10250: connect: connection refused (HTTP 503)',
    );
    expect((error as KubeApiError).httpStatus).toBe(503);
  });

  it('times out a proxy call that never answers', async () => {
    api.route('GET', '/api/v1/nodes/kind-worker/proxy/metrics/resource', { body: '', hold: true });

    await expect(kube.nodeProxyGet('kind-worker', 'metrics/resource')).rejects.toThrow(
      'GET metrics/resource on node kind-worker: no response after 300 ms',
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
