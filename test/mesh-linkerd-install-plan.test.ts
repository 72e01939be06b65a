import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { gatewayApiInstallOperations } from '../src/mesh/gateway-api.js';
import { linkerdMesh } from '../src/mesh/linkerd.js';
import type { MeshContext } from '../src/mesh/mesh-adapter.js';
import type { Operation } from '../src/platform/operations.js';
import { parseVersions } from '../src/platform/versions.js';
import { referenceFiles } from './helpers/reference.js';

const VERSIONS = parseVersions(readFileSync(new URL('../clusters/versions.yaml', import.meta.url), 'utf8'), 'clusters/versions.yaml');
const linkerdRef = referenceFiles(
  'the tests on the linkerd install goldens and chart values',
  ['golden/install_default.golden', 'golden/install_crds.golden', 'charts/linkerd-crds/values.yaml', 'charts/linkerd-control-plane/values.yaml'].map(
    (f) => `linkerd/edge-26.8.3/${f}`,
  ),
);
const reference = (path: string) => linkerdRef.path(`linkerd/edge-26.8.3/${path}`);

function context(overrides: Partial<MeshContext> = {}): MeshContext {
  return {
    clusterName: 'bench-linkerd',
    kubeconfig: '/tmp/mesh-bench/run-1/linkerd/kubeconfig',
    workDir: '/tmp/mesh-bench/run-1/linkerd/work',
    versions: VERSIONS,
    namespace: 'bench',
    ...overrides,
  };
}

type Command = Extract<Operation, { argv: string[] }>;
const commands = (ops: Operation[]): Command[] => ops.filter((o): o is Command => 'argv' in o);
const flagValue = (argv: readonly string[], flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);

interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: { template?: { metadata?: { labels?: Record<string, string> } } };
}
const GOLDEN = (): K8sObject[] =>
  parseAllDocuments(readFileSync(reference('golden/install_default.golden'), 'utf8'))
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);

describe('Linkerd system', () => {
  it('runs on the default kind config and needs the linkerd CLI', () => {
    expect([linkerdMesh.id, linkerdMesh.kindConfig, linkerdMesh.tools]).toEqual(['linkerd', 'default', ['linkerd']]);
  });

  it('install operations, enrolment and post-deploy operations match the golden transcript', async () => {
    const ctx = context();
    const transcript = stringify(
      {
        installOperations: linkerdMesh.installOperations(ctx),
        namespaceLabels: linkerdMesh.namespaceLabels(ctx),
        namespaceAnnotations: linkerdMesh.namespaceAnnotations(ctx),
        workloadObjects: linkerdMesh.workloadObjects(ctx),
        postDeployOperations: linkerdMesh.postDeployOperations(ctx),
      },
      { lineWidth: 0 },
    );
    await expect(transcript).toMatchFileSnapshot('./fixtures/mesh/linkerd/linkerd.install-operations.yaml');
  });

  it('every command gets the run kubeconfig, and the context when there is one', () => {
    const plain = commands(linkerdMesh.installOperations(context()));
    expect(plain.length).toBeGreaterThan(3);
    for (const op of plain) {
      expect(flagValue(op.argv, '--kubeconfig'), op.title).toBe('/tmp/mesh-bench/run-1/linkerd/kubeconfig');
      expect(op.argv, op.title).not.toContain('--context');
    }
    for (const op of commands(linkerdMesh.installOperations(context({ context: 'kind-bench' })))) {
      expect(flagValue(op.argv, '--context'), op.title).toBe('kind-bench');
    }
  });

  it('installs the Gateway API CRDs first, then the Linkerd CRDs, then the control plane, then checks', () => {
    const ctx = context();
    const ops = linkerdMesh.installOperations(ctx);
    const gatewayApi = gatewayApiInstallOperations(ctx);
    expect(ops.slice(0, gatewayApi.length)).toEqual(gatewayApi);
    const rest = ops.slice(gatewayApi.length);
    expect(rest.map((o) => ('argv' in o ? `${o.op}: ${o.argv.slice(0, 3).join(' ')}` : `${o.op}`))).toEqual([
      'run-apply: linkerd install --crds',
      'write-file',
      'run-apply: linkerd install --values',
      'wait-rollout',
      'wait-rollout',
      'wait-rollout',
      'run: linkerd check --wait',
    ]);
    expect(flagValue((rest.at(-1) as Command).argv, '--wait')).toBe('5m');
  });

  it.skipIf(!linkerdRef.available)('waits for every control-plane Deployment that linkerd install creates, by its pods own labels', () => {
    const goldenDeployments = GOLDEN().filter((o) => o.kind === 'Deployment').map((d) => ({
      name: d.metadata.name,
      namespace: d.metadata.namespace,
      component: d.spec?.template?.metadata?.labels?.['linkerd.io/control-plane-component'],
    }));
    const waits = linkerdMesh.installOperations(context()).filter((o) => o.op === 'wait-rollout');
    expect(
      waits.map((o) => (o.op === 'wait-rollout' ? { name: o.name, namespace: o.namespace, component: o.selector?.replace('linkerd.io/control-plane-component=', '') } : null)),
    ).toEqual(goldenDeployments);
  });

  it.skipIf(!linkerdRef.available)('leaves the Gateway API CRDs to us: the CRD chart does not install them by default', () => {
    const values = parse(readFileSync(reference('charts/linkerd-crds/values.yaml'), 'utf8')) as { installGatewayAPI: boolean };
    expect(values.installGatewayAPI).toBe(false);
    const linkerdCrds = parseAllDocuments(readFileSync(reference('golden/install_crds.golden'), 'utf8'))
      .map((d) => (d.toJS() as K8sObject | null)?.metadata.name ?? '')
      .filter((n) => n.endsWith('gateway.networking.k8s.io'));
    expect(linkerdCrds).toEqual([]);
  });
});

describe('Linkerd enrolment', () => {
  it('is the namespace annotation linkerd.io/inject=enabled, not a label', () => {
    expect(linkerdMesh.namespaceLabels(context())).toEqual({});
    expect(linkerdMesh.namespaceAnnotations(context())).toEqual({ 'linkerd.io/inject': 'enabled' });
  });

  it('needs no object beside the workload and nothing after it', () => {
    expect(linkerdMesh.workloadObjects(context())).toEqual([]);
    expect(linkerdMesh.postDeployOperations(context())).toEqual([]);
  });

  it.skipIf(!linkerdRef.available)('gets a native sidecar by default in this version (proxy.nativeSidecar: true)', () => {
    const values = parse(readFileSync(reference('charts/linkerd-control-plane/values.yaml'), 'utf8')) as { proxy: { nativeSidecar: boolean } };
    expect(values.proxy.nativeSidecar).toBe(true);
  });
});
