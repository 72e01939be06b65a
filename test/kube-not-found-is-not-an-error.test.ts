import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientNodeKube } from '../src/kube/client-node-kube.js';
import { notFound, type FakeApiServer, kubeOnFakeApi } from './helpers/fake-api-server.js';

/**
 * Where a 404 (or another failure) is NOT "absent": answers a real API server cannot be made to give on demand.
 * The normal cases — delete of an existing, a missing, and a no-longer-served object; reads of missing and present
 * Deployments, DaemonSets and namespaces; a refusal (403) naming the object — are asserted against a real
 * kube-apiserver in test/cluster/kube-apply-and-delete-on-a-real-api-server.test.ts and
 * test/cluster/rollout-waits-exec-and-node-proxy-on-kwok.test.ts (npm run test:cluster).
 */
let api: FakeApiServer;
let kube: ClientNodeKube;
let close: () => Promise<void>;

beforeEach(async () => {
  ({ api, kube, close } = await kubeOnFakeApi({ token: 't' }));
});

afterEach(() => close());

describe('failures that are not "absent"', () => {
  it('a read failure other than 404 is an error naming the object', async () => {
    // etcd timing out under the API server: a real one does not do that on demand.
    api.route('GET', '/apis/apps/v1/namespaces/kube-system/daemonsets/cilium', {
      status: 500,
      body: { kind: 'Status', status: 'Failure', message: 'etcdserver: request timed out', code: 500 },
    });

    await expect(kube.readDaemonSet('kube-system', 'cilium')).rejects.toThrow(
      'read DaemonSet kube-system/cilium: etcdserver: request timed out (HTTP 500)',
    );
  });

  it('a 404 from a list is an error, not an empty answer', async () => {
    // A real API server lists pods of a missing namespace as an empty list (200); a 404 comes only from something
    // in front of it or an API that went away, which the real server does not do on demand.
    api.route('GET', '/api/v1/namespaces/bench/pods', notFound('the server could not find the requested resource'));

    await expect(kube.listPods('bench')).rejects.toThrow(/^list pods in bench: .* \(HTTP 404\)$/);
  });
});
