import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../src/core/kube.js';
import { ClientNodeKube } from '../src/kube/client-node-kube.js';
import { type FakeApiServer, kubeOnFakeApi } from './helpers/fake-api-server.js';

/**
 * Server-side apply as only a recording server can show it. Everything a real API server can answer — the Apply by
 * field manager mesh-bench with force over another manager, the fields sent, cluster-scoped objects, the caller's object
 * left untouched, a refusal's own message (422), a kind not served — is asserted against a real kube-apiserver in
 * test/cluster/kube-apply-and-delete-on-a-real-api-server.test.ts (npm run test:cluster). Kept here: how often
 * discovery is asked (a real server does not count requests for us), and fields that client-node's models do not
 * know: against the pinned v1.36.1 server there is none to send (its Deployment and Container fields are all in
 * client-node 1.4's models; PodSpec's two extra fields, workloadRef and schedulingGroup, are alpha and dropped while
 * their feature gates are off), and a made-up field is refused by a real server ("field not declared in schema").
 */

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
});
