import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientNodeKube } from '../src/kube/client-node-kube.js';
import {
  makeTestPki,
  opensslAvailable,
  startFakeApiServer,
  writeKubeconfig,
  wsAvailable,
  type FakeApiServer,
  type TestPki,
} from './helpers/fake-api-server.js';

/**
 * kind's kubeconfig is https with a cluster CA and a client certificate, no token. Every path that does its own
 * request (nodeProxyGet, exec's websocket) must carry that certificate and verify the server like client-node does.
 */
describe.skipIf(!opensslAvailable())('an https API server with client-certificate auth (kind’s shape)', () => {
  let pki: TestPki;
  let api: FakeApiServer;
  let kube: ClientNodeKube;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    pki = await makeTestPki();
    api = await startFakeApiServer({ tls: { key: pki.server.key, cert: pki.server.cert, ca: pki.ca } });
    const kubeconfig = await writeKubeconfig(
      [{ name: 'kind-bench', server: api.url, pki: { ca: pki.ca, clientCert: pki.client.cert, clientKey: pki.client.key } }],
      'kind-bench',
    );
    cleanups.push(kubeconfig.remove);
    kube = new ClientNodeKube({ kubeconfig: kubeconfig.path });
  });

  afterAll(async () => {
    await api.close();
    for (const cleanup of cleanups) await cleanup();
  });

  it('generated API calls present the client certificate', async () => {
    api.route('GET', '/api/v1/nodes', { body: { kind: 'NodeList', items: [{ metadata: { name: 'kind-worker' } }] } });

    expect((await kube.listNodes()).map((n) => n.metadata?.name)).toEqual(['kind-worker']);
    expect(api.requests.at(-1)?.clientCertCn).toBe('kubernetes-admin');
  });

  it('server-side apply presents the client certificate', async () => {
    api.route('PATCH', '/api/v1/namespaces/bench', (r) => ({ body: JSON.parse(r.body) }));

    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });

    expect(api.requests.at(-1)?.clientCertCn).toBe('kubernetes-admin');
  });

  it('nodeProxyGet verifies the server against the kubeconfig CA and presents the client certificate', async () => {
    api.route('GET', '/api/v1/nodes/kind-worker/proxy/metrics/resource', { body: 'up 1\n', contentType: 'text/plain' });

    expect(await kube.nodeProxyGet('kind-worker', 'metrics/resource')).toBe('up 1\n');
    expect(api.requests.at(-1)?.clientCertCn).toBe('kubernetes-admin');
  });

  it.skipIf(!wsAvailable())('exec’s websocket presents the client certificate', async () => {
    api.onExec((s) => {
      s.stdout('ok');
      s.status({ metadata: {}, status: 'Success' });
    });

    expect(await kube.exec('bench', 'web-1', 'web', ['true'], 5000)).toEqual({ stdout: 'ok', stderr: '', exitCode: 0 });
    expect(api.requests.at(-1)?.clientCertCn).toBe('kubernetes-admin');
  });

  it('refuses a server whose certificate the kubeconfig CA did not sign', async () => {
    const other = await makeTestPki();
    const kubeconfig = await writeKubeconfig(
      [{ name: 'wrong-ca', server: api.url, pki: { ca: other.ca, clientCert: pki.client.cert, clientKey: pki.client.key } }],
      'wrong-ca',
    );
    cleanups.push(kubeconfig.remove);
    const distrustful = new ClientNodeKube({ kubeconfig: kubeconfig.path });
    const before = api.requests.length;

    await expect(distrustful.listNodes()).rejects.toThrow(/^list nodes: .*self-signed certificate in certificate chain/);
    await expect(distrustful.nodeProxyGet('kind-worker', 'metrics/resource')).rejects.toThrow(
      /^GET metrics\/resource on node kind-worker: self-signed certificate in certificate chain/,
    );
    expect(api.requests.length).toBe(before);
  });
});
