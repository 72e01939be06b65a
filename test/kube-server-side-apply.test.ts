import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../src/core/kube.js';
import { ClientNodeKube } from '../src/kube/client-node-kube.js';
import { KubeApiError } from '../src/kube/kube-errors.js';
import { type FakeApiServer, kubeOnFakeApi } from './helpers/fake-api-server.js';

let api: FakeApiServer;
let kube: ClientNodeKube;
let close: () => Promise<void>;

beforeEach(async () => {
  ({ api, kube, close } = await kubeOnFakeApi({ token: 'secret-token' }));
});

afterEach(() => close());

const deployment = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'bench', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'mesh-bench/workload:abc', args: ['--port=8080'] }] },
    },
  },
});

describe('server-side apply', () => {
  it('sends a PATCH to the object path as application/apply-patch+yaml with fieldManager=mesh-bench and force=true', async () => {
    api.route('PATCH', '/apis/apps/v1/namespaces/bench/deployments/web', (r) => ({ body: JSON.parse(r.body) }));

    await kube.apply(deployment());

    const [patch, ...others] = api.apiRequests();
    expect(others).toEqual([]);
    expect(patch?.method).toBe('PATCH');
    expect(patch?.path).toBe('/apis/apps/v1/namespaces/bench/deployments/web');
    expect(patch?.headers['content-type']).toBe('application/apply-patch+yaml');
    expect(Object.fromEntries(patch?.query ?? [])).toEqual({ fieldManager: 'mesh-bench', force: 'true' });
    expect(patch?.headers.authorization).toBe('Bearer secret-token');
    expect(JSON.parse(patch?.body ?? '')).toEqual(deployment());
  });

  it('discovers the resource name once per apiVersion and reuses it', async () => {
    api.route('PATCH', '/apis/apps/v1/namespaces/bench/deployments/web', (r) => ({ body: JSON.parse(r.body) }));

    await kube.apply(deployment());
    await kube.apply(deployment());

    expect(api.requests.filter((r) => r.path === '/apis/apps/v1').map((r) => r.method)).toEqual(['GET']);
    expect(api.requests.filter((r) => r.path === '/apis/apps/v1').map((r) => r.headers.authorization)).toEqual([
      'Bearer secret-token',
    ]);
  });

  it('keeps fields that client-node 1.x models do not know (its typed serialiser would drop them)', async () => {
    api.route('PATCH', '/apis/apps/v1/namespaces/bench/deployments/web', (r) => ({ body: JSON.parse(r.body) }));
    const object = deployment();
    const spec = object.spec as { template: { spec: Record<string, unknown> } };
    object.spec = { ...(object.spec as object), fieldFromAFutureRelease: { enabled: true } };
    spec.template.spec.podLevelThingFromAFutureRelease = 'kept';

    await kube.apply(object);

    const sent = JSON.parse(api.apiRequests()[0]?.body ?? '') as { spec: Record<string, unknown> };
    expect(sent.spec.fieldFromAFutureRelease).toEqual({ enabled: true });
    expect((sent.spec.template as typeof spec.template).spec.podLevelThingFromAFutureRelease).toBe('kept');
  });

  it('applies cluster-scoped objects at their cluster path and leaves the caller’s object untouched', async () => {
    api.route('PATCH', '/api/v1/namespaces/bench', (r) => ({ body: JSON.parse(r.body) }));
    const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench', labels: { a: 'b' } } };
    const before = structuredClone(namespace);

    await kube.apply(namespace);

    expect(api.apiRequests().map((r) => `${r.method} ${r.path}`)).toEqual(['PATCH /api/v1/namespaces/bench']);
    expect(namespace).toEqual(before);
  });

  it('reports a rejected apply with kind, namespace, name and the API server’s Status message', async () => {
    api.route('PATCH', '/apis/apps/v1/namespaces/bench/deployments/web', {
      status: 422,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: 'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value',
        reason: 'Invalid',
        code: 422,
      },
    });

    const error = await kube.apply(deployment()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).message).toBe(
      'apply Deployment bench/web: Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value (HTTP 422)',
    );
    expect((error as KubeApiError).httpStatus).toBe(422);
  });

  it('reports a kind the API server does not serve', async () => {
    const error = await kube
      .apply({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'bench' } })
      .catch((e: unknown) => e);

    expect((error as Error).message).toMatch(/^apply StatefulSet bench\/db: Unrecognized API version and kind: apps\/v1 StatefulSet/);
  });
});
