import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientNodeKube } from '../src/kube/client-node-kube.js';
import { KubeApiError } from '../src/kube/kube-errors.js';
import { notFound, type FakeApiServer, kubeOnFakeApi } from './helpers/fake-api-server.js';

let api: FakeApiServer;
let kube: ClientNodeKube;
let close: () => Promise<void>;

beforeEach(async () => {
  ({ api, kube, close } = await kubeOnFakeApi({ token: 't' }));
});

afterEach(() => close());

describe('delete', () => {
  it('sends DELETE to the object path', async () => {
    api.route('DELETE', '/apis/apps/v1/namespaces/bench/daemonsets/agent', { body: { kind: 'Status', status: 'Success' } });

    await kube.delete({ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', namespace: 'bench' });

    expect(api.apiRequests().map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /apis/apps/v1/namespaces/bench/daemonsets/agent']);
  });

  it('treats a missing object (404) as already deleted', async () => {
    await expect(
      kube.delete({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gone', namespace: 'bench' }),
    ).resolves.toBeUndefined();
    expect(api.apiRequests().map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /apis/apps/v1/namespaces/bench/deployments/gone']);
  });

  it('treats an object whose API group is gone (discovery 404, e.g. CRD deleted first) as already deleted', async () => {
    await expect(
      kube.delete({ apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', name: 'web', namespace: 'bench' }),
    ).resolves.toBeUndefined();
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /apis/policy.linkerd.io/v1beta3']);
  });

  it('reports other failures with the kind, namespace, name and the API message', async () => {
    api.route('DELETE', '/apis/apps/v1/namespaces/bench/deployments/web', {
      status: 403,
      body: { kind: 'Status', status: 'Failure', message: 'deployments.apps "web" is forbidden: User "u" cannot delete', code: 403 },
    });

    const error = await kube
      .delete({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'bench' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as Error).message).toBe(
      'delete Deployment bench/web: deployments.apps "web" is forbidden: User "u" cannot delete (HTTP 403)',
    );
  });
});

describe('reads', () => {
  it('readDeployment and readDaemonSet return null for a missing object', async () => {
    expect(await kube.readDeployment('bench', 'web')).toBeNull();
    expect(await kube.readDaemonSet('kube-system', 'cilium')).toBeNull();
    expect(api.apiRequests().map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /apis/apps/v1/namespaces/bench/deployments/web',
      'GET /apis/apps/v1/namespaces/kube-system/daemonsets/cilium',
    ]);
  });

  it('readDeployment returns the object when it exists', async () => {
    api.route('GET', '/apis/apps/v1/namespaces/bench/deployments/web', {
      body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, status: { readyReplicas: 2 } },
    });

    const found = await kube.readDeployment('bench', 'web');

    expect(found?.metadata?.name).toBe('web');
    expect(found?.status?.readyReplicas).toBe(2);
  });

  it('a read failure other than 404 is an error naming the object', async () => {
    api.route('GET', '/apis/apps/v1/namespaces/kube-system/daemonsets/cilium', {
      status: 500,
      body: { kind: 'Status', status: 'Failure', message: 'etcdserver: request timed out', code: 500 },
    });

    await expect(kube.readDaemonSet('kube-system', 'cilium')).rejects.toThrow(
      'read DaemonSet kube-system/cilium: etcdserver: request timed out (HTTP 500)',
    );
  });

  it('namespaceLabels returns null for a missing namespace and the labels otherwise', async () => {
    api.route('GET', '/api/v1/namespaces/meshed', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'meshed', labels: { 'istio-injection': 'enabled' } } },
    });
    api.route('GET', '/api/v1/namespaces/plain', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } } });

    expect(await kube.namespaceLabels('absent')).toBeNull();
    expect(await kube.namespaceLabels('meshed')).toEqual({ 'istio-injection': 'enabled' });
    expect(await kube.namespaceLabels('plain')).toEqual({});
  });

  it('a 404 from a list is an error, not an empty answer', async () => {
    api.route('GET', '/api/v1/namespaces/bench/pods', notFound('the server could not find the requested resource'));

    await expect(kube.listPods('bench')).rejects.toThrow(/^list pods in bench: .* \(HTTP 404\)$/);
  });
});
