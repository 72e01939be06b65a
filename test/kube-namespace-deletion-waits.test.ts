import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientNodeKube } from '../src/kube/client-node-kube.js';
import { KubeApiError } from '../src/kube/kube-errors.js';
import { notFound, type FakeApiServer, kubeOnFakeApi } from './helpers/fake-api-server.js';

let api: FakeApiServer;
let kube: ClientNodeKube;
let close: () => Promise<void>;

beforeEach(async () => {
  ({ api, kube, close } = await kubeOnFakeApi({ token: 't', options: { namespacePollIntervalMs: 10 } }));
});

afterEach(() => close());

const terminating = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'bench', deletionTimestamp: '2026-01-01T00:00:00Z' },
  spec: { finalizers: ['kubernetes'] },
  status: {
    phase: 'Terminating',
    conditions: [
      { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
      { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: pods. has 2 resource instances' },
      { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances' },
    ],
  },
};

describe('deleteNamespace', () => {
  it('deletes, then polls until the namespace is gone', async () => {
    api.route('DELETE', '/api/v1/namespaces/bench', { body: terminating });
    let reads = 0;
    api.route('GET', '/api/v1/namespaces/bench', () => (++reads < 3 ? { body: terminating } : notFound('namespaces "bench"')));

    await kube.deleteNamespace('bench', 5000);

    expect(api.apiRequests().map((r) => `${r.method} ${r.path}`)).toEqual([
      'DELETE /api/v1/namespaces/bench',
      'GET /api/v1/namespaces/bench',
      'GET /api/v1/namespaces/bench',
      'GET /api/v1/namespaces/bench',
    ]);
  });

  it('returns at once when the namespace does not exist', async () => {
    await kube.deleteNamespace('absent', 5000);

    expect(api.apiRequests().map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /api/v1/namespaces/absent']);
  });

  it('waits for a namespace that is already terminating (DELETE answers 409 Conflict)', async () => {
    api.route('DELETE', '/api/v1/namespaces/bench', {
      status: 409,
      body: {
        kind: 'Status',
        status: 'Failure',
        reason: 'Conflict',
        code: 409,
        message:
          'Operation cannot be fulfilled on namespaces "bench": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.',
      },
    });

    await kube.deleteNamespace('bench', 5000);

    expect(api.apiRequests().map((r) => r.method)).toEqual(['DELETE', 'GET']);
  });

  it('gives up after the timeout, naming the namespace, its phase and the conditions holding it', async () => {
    api.route('DELETE', '/api/v1/namespaces/bench', { body: terminating });
    api.route('GET', '/api/v1/namespaces/bench', { body: terminating });

    const error = await kube.deleteNamespace('bench', 100).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as Error).message).toBe(
      'namespace bench still exists 100 ms after deletion: Terminating; ' +
        'NamespaceContentRemaining: Some resources are remaining: pods. has 2 resource instances; ' +
        'NamespaceFinalizersRemaining: Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    );
    const polls = api.apiRequests().filter((r) => r.method === 'GET').length;
    expect(polls).toBeGreaterThanOrEqual(3);
  });
});
