import { readFileSync } from 'node:fs';
import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CiliumL7Mesh, L7_POLICY_NAME, serverL7Policy, type EndpointSelector } from '../src/mesh/cilium-l7-mesh.js';
import { CiliumMesh } from '../src/mesh/cilium-mesh.js';
import { CiliumWireguardMesh } from '../src/mesh/cilium-wireguard-mesh.js';
import type { MeshContext } from '../src/mesh/mesh-adapter.js';
import { loadClient, MANAGED_BY_LABEL, SERVER_PORT, serverChain, serverUrl } from '../src/platform/manifests.js';
import { parseVersions } from '../src/platform/versions.js';

/**
 * The CiliumNetworkPolicy of cilium-l7. The Cilium CRD schema is not in shared/reference (only the chart's values and
 * values schema are), so the policy cannot be schema-validated here; it is checked field by field against the
 * documented L7 examples instead, and its selectors against the real workload pods.
 */

const VERSIONS = parseVersions(readFileSync(new URL('../clusters/versions.yaml', import.meta.url), 'utf8'), 'clusters/versions.yaml');
const NS = 'bench';
const ctx: MeshContext = {
  clusterName: 'bench-cilium-l7',
  kubeconfig: '/tmp/run/kubeconfig',
  workDir: '/tmp/run/work',
  versions: VERSIONS,
  namespace: NS,
};

/**
 * Every field path of the documented ingress L7 policies, `[]` for a list item and `*` for a label key:
 * cilium/cilium examples/minikube/sw_l3_l4_l7_policy.yaml (Documentation/gettingstarted "Apply and Test HTTP-aware L7
 * Policy") and cilium-cli v0.19.7's connectivity test policy
 * vendor/github.com/cilium/cilium/cilium-cli/connectivity/builder/manifests/echo-ingress-l7-http.yaml.
 */
const DOCUMENTED_L7_INGRESS_FIELDS = [
  'apiVersion',
  'kind',
  'metadata.name',
  'spec.description',
  'spec.endpointSelector.matchLabels.*',
  'spec.ingress[].fromEndpoints[].matchLabels.*',
  'spec.ingress[].toPorts[].ports[].port',
  'spec.ingress[].toPorts[].ports[].protocol',
  'spec.ingress[].toPorts[].rules.http[].method',
  'spec.ingress[].toPorts[].rules.http[].path',
];
/** What every namespaced object of the harness carries besides (its namespace and the managed-by label). */
const HARNESS_FIELDS = ['metadata.namespace', 'metadata.labels.*'];

function fieldPaths(value: unknown, prefix = '', labels = false): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap((v) => fieldPaths(v, `${prefix}[]`)))];
  if (typeof value === 'object' && value !== null) {
    return [
      ...new Set(
        Object.entries(value).flatMap(([k, v]) =>
          fieldPaths(v, `${prefix ? `${prefix}.` : ''}${labels ? '*' : k}`, k === 'matchLabels' || k === 'labels'),
        ),
      ),
    ];
  }
  return [prefix];
}

function selects(selector: EndpointSelector, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector.matchLabels).every(([k, v]) => labels?.[k] === v);
}

const servers = serverChain({ namespace: NS, image: 'mesh-bench:test', hops: 3, replicas: 2, responseBytes: 0, serviceDelayUs: 0 }).filter(
  (o): o is V1Deployment => o.kind === 'Deployment',
);
const client = loadClient({ namespace: NS, image: 'mesh-bench:test' });
const podLabels = (d: V1Deployment) => d.spec?.template.metadata?.labels;

describe('the cilium-l7 CiliumNetworkPolicy', () => {
  it('is applied by cilium-l7 only', () => {
    expect(new CiliumL7Mesh().workloadObjects(ctx)).toEqual([serverL7Policy(ctx)]);
    expect(new CiliumMesh().workloadObjects(ctx)).toEqual([]);
    expect(new CiliumWireguardMesh().workloadObjects(ctx)).toEqual([]);
  });

  it('matches its golden manifest', async () => {
    await expect(stringify(new CiliumL7Mesh().workloadObjects(ctx))).toMatchFileSnapshot('./fixtures/mesh/cilium/cilium-l7.workload-objects.yaml');
  });

  it('uses only the fields of the documented L7 ingress examples, and all of them', () => {
    const fields = fieldPaths(serverL7Policy(ctx)).sort();
    expect(fields.filter((f) => !DOCUMENTED_L7_INGRESS_FIELDS.includes(f) && !HARNESS_FIELDS.includes(f))).toEqual([]);
    expect(DOCUMENTED_L7_INGRESS_FIELDS.filter((f) => !fields.includes(f))).toEqual([]);
  });

  it('is a namespaced cilium.io/v2 object in the benchmark namespace that the harness owns', () => {
    const policy = serverL7Policy(ctx);
    expect(policy.apiVersion).toBe('cilium.io/v2');
    expect(policy.kind).toBe('CiliumNetworkPolicy');
    expect(policy.metadata).toMatchObject({ name: L7_POLICY_NAME, namespace: NS, labels: { [MANAGED_BY_LABEL]: 'mesh-bench' } });
    expect(L7_POLICY_NAME).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('allows GET on the server port as the API types it: port a string, protocol TCP', () => {
    const [rule] = serverL7Policy(ctx).spec.ingress;
    const [toPorts] = rule?.toPorts ?? [];
    expect(toPorts?.ports).toEqual([{ port: '8080', protocol: 'TCP' }]);
    expect(Number(toPorts?.ports[0]?.port)).toBe(SERVER_PORT);
    expect(toPorts?.rules.http).toHaveLength(1);
    expect(toPorts?.rules.http[0]?.method).toBe('GET');
    const serverContainerPorts = servers.flatMap((d) => d.spec?.template.spec?.containers.flatMap((c) => c.ports ?? []) ?? []);
    expect(serverContainerPorts.every((p) => p.containerPort === SERVER_PORT && p.protocol === 'TCP')).toBe(true);
  });

  it('allows exactly the path the load client and the hops request', () => {
    const path = serverL7Policy(ctx).spec.ingress[0]?.toPorts[0]?.rules.http[0]?.path ?? '';
    const regex = new RegExp(path);
    expect(regex.test(new URL(serverUrl(NS)).pathname)).toBe(true);
    for (const other of ['/healthz', '/__bench/arrivals', '/x/', '//', '/index.html']) expect(regex.test(other)).toBe(false);
  });

  it('selects every server pod and only them, and admits the load client and the other hops', () => {
    const policy = serverL7Policy(ctx);
    expect(servers).toHaveLength(3);
    for (const d of servers) expect(selects(policy.spec.endpointSelector, podLabels(d))).toBe(true);
    expect(selects(policy.spec.endpointSelector, podLabels(client))).toBe(false);

    const from = policy.spec.ingress.flatMap((r) => r.fromEndpoints);
    expect(from.some((s) => selects(s, podLabels(client)))).toBe(true);
    for (const d of servers) expect(from.some((s) => selects(s, podLabels(d)))).toBe(true);
  });
});
