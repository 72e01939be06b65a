import { beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/core/kube.js';
import { ClientNodeKube, FIELD_MANAGER } from '../../src/kube/client-node-kube.js';
import { KubeApiError } from '../../src/kube/kube-errors.js';
import { controlPlaneSuite } from '../helpers/control-plane-fixture.js';

/**
 * ClientNodeKube's server-side apply, delete and reads of missing objects against a real kube-apiserver v1.36.1
 * (issue 11, item 5): what the fake API server of test/kube-server-side-apply.test.ts and
 * test/kube-not-found-is-not-an-error.test.ts used to answer by hand, answered by the real server. Server-side apply
 * semantics (field managers, managedFields, force over another manager's conflict) are the real server's
 * (https://kubernetes.io/docs/reference/using-api/server-side-apply/).
 */
const suite = controlPlaneSuite('ClientNodeKube apply and delete on a real API server (test/cluster)');

const NS = 'apply-test';

const deployment = (name: string, replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'web', image: 'mesh-bench/workload:abc', args: ['--port=8080'] }] },
    },
  },
});

interface Managed {
  manager?: string;
  operation?: string;
  fieldsV1?: { 'f:spec'?: Record<string, unknown> };
}

describe.skipIf(!suite.available)('server-side apply and delete through ClientNodeKube on a real API server', () => {
  let kube: ClientNodeKube;
  const get = async (args: string[]): Promise<Record<string, unknown>> => {
    // kubectl hides managedFields unless asked.
    const r = await suite.cp().kubectl(['get', ...args, '-o', 'json', '--show-managed-fields']);
    if (r.code !== 0) throw new Error(`kubectl get ${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  const managersOf = (o: Record<string, unknown>): Managed[] => ((o['metadata'] as { managedFields?: Managed[] }).managedFields ?? []);

  beforeAll(async () => {
    const cp = suite.cp();
    kube = new ClientNodeKube({ kubeconfig: cp.kubeconfig, context: cp.context });
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  });

  it('creates the object as an Apply by field manager mesh-bench, with exactly the fields sent', async () => {
    await kube.apply(deployment('web', 2));

    const live = await get(['deployment', 'web', '-n', NS]);
    expect((live['spec'] as { replicas: number }).replicas).toBe(2);
    const applied = managersOf(live).filter((m) => m.operation === 'Apply');
    expect(applied.map((m) => m.manager)).toEqual([FIELD_MANAGER]);
    expect(FIELD_MANAGER).toBe('mesh-bench');
    // The fields the applied configuration set are the ones mesh-bench owns.
    expect(Object.keys(applied[0]?.fieldsV1?.['f:spec'] ?? {}).sort()).toEqual(['f:replicas', 'f:selector', 'f:template']);
  });

  it('is idempotent: applying the same object again leaves its spec and generation as they were', async () => {
    await kube.apply(deployment('same', 1));
    const first = await get(['deployment', 'same', '-n', NS]);

    await kube.apply(deployment('same', 1));

    // resourceVersion moves with the controllers' status writes; generation moves only when the spec changes.
    const second = await get(['deployment', 'same', '-n', NS]);
    expect((second['metadata'] as { generation: number }).generation).toBe((first['metadata'] as { generation: number }).generation);
    expect(second['spec']).toEqual(first['spec']);
  });

  it('forces a conflict with another field manager (force=true): the field takes our value and becomes ours', async () => {
    await kube.apply(deployment('contested', 1));
    // Another manager takes spec.replicas (as `kubectl scale` or an operator would).
    const other = await suite.cp().kubectl(
      ['apply', '--server-side', '--force-conflicts', '--field-manager=someone-else', '-f', '-'],
      JSON.stringify(deployment('contested', 3)),
    );
    expect(other.code, other.stderr).toBe(0);
    // Without force, the real server refuses the same apply as a conflict naming the other manager.
    const unforced = await suite.cp().kubectl(
      ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', '-'],
      JSON.stringify(deployment('contested', 2)),
    );
    expect(unforced.code).not.toBe(0);
    expect(unforced.stderr).toMatch(/conflict with "someone-else".*\.spec\.replicas/s);

    await kube.apply(deployment('contested', 2));

    const live = await get(['deployment', 'contested', '-n', NS]);
    expect((live['spec'] as { replicas: number }).replicas).toBe(2);
    const owners = managersOf(live).filter((m) => m.fieldsV1?.['f:spec']?.['f:replicas'] !== undefined).map((m) => m.manager);
    expect(owners).toEqual([FIELD_MANAGER]);
  });

  it('drops a field from the live object when a later apply no longer sends it (apply owns the whole configuration)', async () => {
    const withArgs = deployment('pruned', 1);
    await kube.apply(withArgs);
    const without = deployment('pruned', 1);
    const container = (without['spec'] as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0]!;
    delete container['args'];

    await kube.apply(without);

    const live = await get(['deployment', 'pruned', '-n', NS]);
    const liveContainer = (live['spec'] as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0]!;
    expect(liveContainer['args']).toBeUndefined();
    expect(liveContainer['image']).toBe('mesh-bench/workload:abc');
  });

  it('applies a cluster-scoped object at its cluster path and leaves the caller’s object untouched', async () => {
    const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apply-cluster-scoped', labels: { a: 'b' } } };
    const before = structuredClone(namespace);

    await kube.apply(namespace);

    expect(namespace).toEqual(before);
    expect(await kube.namespaceLabels('apply-cluster-scoped')).toMatchObject({ a: 'b' });
  });

  it('reports a rejected apply with kind, namespace, name, the API server’s own message and HTTP 422, without retrying', async () => {
    const bad = deployment('invalid', 1);
    // A selector that does not match the template's labels: refused by the Deployment validation.
    (bad['spec'] as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels = { app: 'other' };

    const error = await kube.apply(bad).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).httpStatus).toBe(422);
    expect((error as Error).message).toMatch(
      /^apply Deployment apply-test\/invalid: Deployment\.apps "invalid" is invalid: spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels` \(HTTP 422\)$/,
    );
    expect((await suite.cp().kubectl(['get', 'deployment', 'invalid', '-n', NS])).code).not.toBe(0);
  });

  it('reports a kind the API server does not serve', async () => {
    const error = await kube
      .apply({ apiVersion: 'apps/v1', kind: 'Widget', metadata: { name: 'w', namespace: NS } })
      .catch((e: unknown) => e);

    expect((error as Error).message).toMatch(/^apply Widget apply-test\/w: Unrecognized API version and kind: apps\/v1 Widget/);
  });

  it('deletes an existing object', async () => {
    await kube.apply(deployment('doomed', 1));
    expect(await kube.readDeployment(NS, 'doomed')).not.toBeNull();

    await kube.delete({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'doomed', namespace: NS });

    // Background propagation (the API's default): the Deployment itself is gone at once, its ReplicaSets follow.
    expect(await kube.readDeployment(NS, 'doomed')).toBeNull();
  });

  it('treats a missing object (404) as already deleted', async () => {
    await expect(kube.delete({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gone', namespace: NS })).resolves.toBeUndefined();
    await expect(kube.delete({ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'gone', namespace: 'no-such-namespace' })).resolves.toBeUndefined();
  });

  it('treats an object whose API group is not served (a CRD deleted first) as already deleted', async () => {
    // No Linkerd CRDs on this server: discovery answers 404 for the group.
    await expect(
      kube.delete({ apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', name: 'web', namespace: NS }),
    ).resolves.toBeUndefined();
  });

  it('readDeployment and readDaemonSet return null for a missing object, and the object when it exists', async () => {
    expect(await kube.readDeployment(NS, 'absent')).toBeNull();
    expect(await kube.readDaemonSet('kube-system', 'cilium')).toBeNull();
    await kube.apply(deployment('present', 2));

    const found = await kube.readDeployment(NS, 'present');

    expect(found?.metadata?.name).toBe('present');
    expect(found?.spec?.replicas).toBe(2);
    expect(found?.spec?.selector?.matchLabels).toEqual({ app: 'present' });
  });

  it('namespaceLabels returns null for a missing namespace, and the labels (with the server’s own name label) otherwise', async () => {
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'meshed', labels: { 'istio-injection': 'enabled' } } });
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } });

    expect(await kube.namespaceLabels('absent')).toBeNull();
    // The API server labels every namespace with its name (kubernetes.io/metadata.name, since 1.21).
    expect(await kube.namespaceLabels('meshed')).toEqual({ 'istio-injection': 'enabled', 'kubernetes.io/metadata.name': 'meshed' });
    expect(await kube.namespaceLabels('plain')).toEqual({ 'kubernetes.io/metadata.name': 'plain' });
  });
});
