import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientNodeKube } from '../src/kube/client-node-kube.js';
import { type FakeApiServer, kubeOnFakeApi } from './helpers/fake-api-server.js';

let api: FakeApiServer;
let kube: ClientNodeKube;
let close: () => Promise<void>;

beforeEach(async () => {
  ({ api, kube, close } = await kubeOnFakeApi({ token: 'tok' }));
});

afterEach(() => close());

const podList = (...names: string[]) => ({
  body: { apiVersion: 'v1', kind: 'PodList', metadata: {}, items: names.map((name) => ({ metadata: { name } })) },
});

describe('lists', () => {
  it('listPods sends the label selector as the labelSelector query parameter', async () => {
    api.route('GET', '/api/v1/namespaces/bench/pods', podList('web-1', 'web-2'));

    const pods = await kube.listPods('bench', 'app=web,tier!=db');

    expect(pods.map((p) => p.metadata?.name)).toEqual(['web-1', 'web-2']);
    const [request] = api.apiRequests();
    expect(request?.path).toBe('/api/v1/namespaces/bench/pods');
    expect(Object.fromEntries(request?.query ?? [])).toEqual({ labelSelector: 'app=web,tier!=db' });
    expect(request?.headers.authorization).toBe('Bearer tok');
  });

  it('listPods without a selector sends no query parameters', async () => {
    api.route('GET', '/api/v1/namespaces/bench/pods', podList());

    expect(await kube.listPods('bench')).toEqual([]);
    expect([...(api.apiRequests()[0]?.query ?? [])]).toEqual([]);
  });

  it('listNodes returns the nodes', async () => {
    api.route('GET', '/api/v1/nodes', {
      body: { apiVersion: 'v1', kind: 'NodeList', items: [{ metadata: { name: 'kind-control-plane' } }, { metadata: { name: 'kind-worker' } }] },
    });

    expect((await kube.listNodes()).map((n) => n.metadata?.name)).toEqual(['kind-control-plane', 'kind-worker']);
  });
});

describe('serverVersion', () => {
  it('returns gitVersion from GET /version', async () => {
    api.route('GET', '/version', {
      body: { major: '1', minor: '36', gitVersion: 'v1.36.1', gitCommit: 'abc', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.25', compiler: 'gc', platform: 'linux/amd64' },
    });

    expect(await kube.serverVersion()).toBe('v1.36.1');
    expect(api.apiRequests().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /version']);
  });
});
