import { beforeAll, describe, expect, it } from 'vitest';
import { ClientNodeKube } from '../../src/kube/client-node-kube.js';
import { KubeApiError } from '../../src/kube/kube-errors.js';
import { controlPlaneSuite } from '../helpers/control-plane-fixture.js';

/**
 * ClientNodeKube's lists (label selectors, nodes), server version, events of an object and the namespace-deletion
 * wait against a real kube-apiserver v1.36.1 with its controllers (issue 11, item 5): what the fake API server of
 * test/kube-lists-and-version.test.ts, test/kube-events-oldest-first.test.ts and
 * test/kube-namespace-deletion-waits.test.ts used to answer by hand. The namespace controller's Terminating phase,
 * its conditions and the 409 on deleting a terminating namespace are the real ones
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/).
 */
const suite = controlPlaneSuite('ClientNodeKube lists, events and namespace waits on a real API server (test/cluster)');

async function kubectlOk(args: string[], stdin?: string): Promise<string> {
  const r = await suite.cp().kubectl(args, stdin);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

const pod = (namespace: string, name: string, labels: Record<string, string>): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'web', image: 'mesh-bench/workload:abc' }] },
  });

describe.skipIf(!suite.available)('lists, version, events and namespace waits through ClientNodeKube on a real API server', () => {
  let kube: ClientNodeKube;
  beforeAll(async () => {
    const cp = suite.cp();
    kube = new ClientNodeKube({ kubeconfig: cp.kubeconfig, context: cp.context }, { namespacePollIntervalMs: 200 });
  });

  describe('lists', () => {
    beforeAll(async () => {
      await kubectlOk(['create', 'namespace', 'lists']);
      // Pods are admitted only once the controller manager has made the namespace's default ServiceAccount.
      await kubectlOk(['wait', '--for=create', 'serviceaccount/default', '-n', 'lists', '--timeout=30s']);
      await kubectlOk(['create', '-f', '-'], [
        pod('lists', 'web-1', { app: 'web' }),
        pod('lists', 'web-2', { app: 'web', tier: 'cache' }),
        pod('lists', 'web-db', { app: 'web', tier: 'db' }),
        pod('lists', 'other', { app: 'other' }),
      ].join('\n'));
    });

    it('listPods applies the label selector on the server (equality and inequality)', async () => {
      const pods = await kube.listPods('lists', 'app=web,tier!=db');

      expect(pods.map((p) => p.metadata?.name).sort()).toEqual(['web-1', 'web-2']);
    });

    it('listPods without a selector returns every pod of the namespace, and none of another', async () => {
      expect((await kube.listPods('lists')).map((p) => p.metadata?.name).sort()).toEqual(['other', 'web-1', 'web-2', 'web-db']);
      expect(await kube.listPods('default')).toEqual([]);
    });

    it('listPods in a namespace that does not exist is an empty list, not an error (the real server answers 200)', async () => {
      expect(await kube.listPods('no-such-namespace', 'app=web')).toEqual([]);
    });

    it('listAllPods returns the pods of every namespace', async () => {
      const all = await kube.listAllPods();
      expect(all.filter((p) => p.metadata?.namespace === 'lists').map((p) => p.metadata?.name).sort()).toEqual(['other', 'web-1', 'web-2', 'web-db']);
    });

    it('listNodes returns the nodes, named as kind names them', async () => {
      expect((await kube.listNodes()).map((n) => n.metadata?.name).sort()).toEqual([...suite.cp().nodes].sort());
    });
  });

  it('serverVersion returns the API server’s gitVersion', async () => {
    expect(await kube.serverVersion()).toBe(suite.binaries().versions.kubernetes);
    expect(suite.binaries().versions.kubernetes).toMatch(/^v1\.\d+\.\d+$/);
  });

  it('events asks for the object’s events only and returns them oldest first as "Reason: message"', async () => {
    await kubectlOk(['create', 'namespace', 'events']);
    const involved = (name: string) => ({ kind: 'Pod', namespace: 'events', name, apiVersion: 'v1' });
    // Created in a scrambled order; one events.k8s.io/v1 event (eventTime only, no lastTimestamp in core/v1), one
    // without a time of its own, and one about another object that the field selector must leave out.
    const events = [
      { apiVersion: 'v1', kind: 'Event', metadata: { name: 'web-1.3', namespace: 'events' }, involvedObject: involved('web-1'), reason: 'Pulled', message: 'Successfully pulled image "mesh-bench/workload:abc"', type: 'Normal', firstTimestamp: '2026-01-01T00:00:30Z', lastTimestamp: '2026-01-01T00:00:30Z' },
      { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'web-1.1', namespace: 'events' }, regarding: involved('web-1'), reason: 'Scheduled', note: 'Successfully assigned events/web-1 to kind-worker', type: 'Normal', action: 'Binding', eventTime: '2026-01-01T00:00:10.123456Z', reportingController: 'default-scheduler', reportingInstance: 'default-scheduler-test' },
      { apiVersion: 'v1', kind: 'Event', metadata: { name: 'web-1.4', namespace: 'events' }, involvedObject: involved('web-1'), reason: 'BackOff', message: 'Back-off restarting failed container web in pod web-1\n', type: 'Warning' },
      { apiVersion: 'v1', kind: 'Event', metadata: { name: 'web-2.1', namespace: 'events' }, involvedObject: involved('web-2'), reason: 'Killing', message: 'Stopping container web', type: 'Normal', firstTimestamp: '2026-01-01T00:00:05Z', lastTimestamp: '2026-01-01T00:00:05Z' },
      { apiVersion: 'v1', kind: 'Event', metadata: { name: 'web-1.2', namespace: 'events' }, involvedObject: involved('web-1'), reason: 'Pulling', message: 'Pulling image "mesh-bench/workload:abc"', type: 'Normal', firstTimestamp: '2026-01-01T00:00:01Z', lastTimestamp: '2026-01-01T00:00:20Z' },
    ];
    await kubectlOk(['create', '-f', '-'], events.map((e) => JSON.stringify(e)).join('\n'));

    const lines = await kube.events('events', 'web-1');

    // The event without a time of its own sorts by its creation (now, after the others' 2026-01-01 times).
    expect(lines).toEqual([
      'Scheduled: Successfully assigned events/web-1 to kind-worker',
      'Pulling: Pulling image "mesh-bench/workload:abc"',
      'Pulled: Successfully pulled image "mesh-bench/workload:abc"',
      'BackOff: Back-off restarting failed container web in pod web-1',
    ]);
    expect(await kube.events('events', 'nobody')).toEqual([]);
  });

  describe('deleteNamespace', () => {
    it('deletes, then waits until the namespace controller has removed its content and the namespace is gone', async () => {
      await kubectlOk(['create', 'namespace', 'doomed']);
      await kubectlOk(['create', 'configmap', 'cfg', '-n', 'doomed', '--from-literal=a=b']);

      await kube.deleteNamespace('doomed', 60_000);

      expect(await kube.namespaceLabels('doomed')).toBeNull();
      expect((await suite.cp().kubectl(['get', 'configmap', 'cfg', '-n', 'doomed'])).code).not.toBe(0);
    });

    it('returns at once when the namespace does not exist', async () => {
      const started = performance.now();
      await kube.deleteNamespace('absent', 60_000);
      expect(performance.now() - started).toBeLessThan(2000);
    });

    it('waits for an already terminating namespace (409), and gives up at its timeout naming the phase and the controller’s conditions', async () => {
      await kubectlOk(['create', 'namespace', 'held']);
      await kubectlOk(['create', '-f', '-'], JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'held-by-finalizer', namespace: 'held', finalizers: ['example.com/hold'] },
        data: { a: 'b' },
      }));
      await kubectlOk(['delete', 'namespace', 'held', '--wait=false']);
      // The namespace controller reports what holds the namespace on its first pass (seconds, not at once).
      await kubectlOk(['wait', 'namespace/held', '--for=condition=NamespaceFinalizersRemaining', '--timeout=60s']);

      // Deleting it again: the server answers 409 (already terminating), and the wait polls it like any other.
      const error = await kube.deleteNamespace('held', 2000).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(KubeApiError);
      expect((error as Error).message).toMatch(/^namespace held still exists 2 s after deletion: Terminating; /);
      expect((error as Error).message).toContain(
        'NamespaceFinalizersRemaining: Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
      );
      expect((error as Error).message).toContain('NamespaceContentRemaining: Some resources are remaining: configmaps. has 1 resource instances');

      const again = kube.deleteNamespace('held', 60_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await kubectlOk(['patch', 'configmap', 'held-by-finalizer', '-n', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
      await again;
      expect(await kube.namespaceLabels('held')).toBeNull();
    });
  });
});
