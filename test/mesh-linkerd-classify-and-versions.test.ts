import { readFileSync } from 'node:fs';
import type { V1Deployment, V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CommandError } from '../src/core/errors.js';
import { linkerdClassifier, linkerdMesh, parseLinkerdVersion } from '../src/mesh/linkerd.js';
import type { MeshContext } from '../src/mesh/mesh-adapter.js';
import { baselineClassifier, composeClassifiers } from '../src/metrics/roles.js';
import { parseVersions } from '../src/platform/versions.js';
import { FakeKube, FakeRunner } from './helpers/fake-cluster.js';
import { referenceFiles } from './helpers/reference.js';

const VERSIONS = parseVersions(readFileSync(new URL('../clusters/versions.yaml', import.meta.url), 'utf8'), 'clusters/versions.yaml');
const INSTALL_DEFAULT = 'linkerd/edge-26.8.3/golden/install_default.golden';
const linkerdGolden = referenceFiles('the tests on the linkerd install golden', [INSTALL_DEFAULT]);
const ref = (namespace: string, pod: string, container: string) => ({ namespace, pod, container });

interface Workload {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: { template?: { spec: V1PodSpec }; jobTemplate?: { spec: { template: { spec: V1PodSpec } } } };
}

/** The control plane as `linkerd install` renders it: install_default.golden at edge-26.8.3. */
const GOLDEN = (): Workload[] =>
  parseAllDocuments(linkerdGolden.read(INSTALL_DEFAULT))
    .map((d) => d.toJS() as Workload | null)
    .filter((o): o is Workload => o !== null && ['Deployment', 'DaemonSet', 'CronJob'].includes(o.kind));

function podSpec(w: Workload): V1PodSpec {
  const spec = w.kind === 'CronJob' ? w.spec.jobTemplate?.spec.template.spec : w.spec.template?.spec;
  if (!spec) throw new Error(`${w.metadata.name}: no pod spec`);
  return spec;
}

const goldenContainers = () => GOLDEN().flatMap((w) =>
  [...(podSpec(w).initContainers ?? []), ...podSpec(w).containers].map((c) => ({ workload: w.metadata.name, namespace: w.metadata.namespace ?? '', container: c.name })),
);

describe('Linkerd container roles', () => {
  const classify = composeClassifiers(linkerdClassifier, baselineClassifier('bench'));

  it.skipIf(!linkerdGolden.available)('the golden control plane has the containers this classification was written for', () => {
    expect(GOLDEN().map((w) => `${w.kind} ${w.metadata.namespace}/${w.metadata.name}`)).toEqual([
      'Deployment linkerd/linkerd-identity',
      'Deployment linkerd/linkerd-destination',
      'CronJob linkerd/linkerd-heartbeat',
      'Deployment linkerd/linkerd-proxy-injector',
    ]);
    expect(goldenContainers().map((c) => `${c.workload}/${c.container}`)).toEqual([
      'linkerd-identity/linkerd-init',
      'linkerd-identity/identity',
      'linkerd-identity/linkerd-proxy',
      'linkerd-destination/linkerd-init',
      'linkerd-destination/linkerd-proxy',
      'linkerd-destination/destination',
      'linkerd-destination/sp-validator',
      'linkerd-destination/policy',
      'linkerd-heartbeat/heartbeat',
      'linkerd-proxy-injector/linkerd-init',
      'linkerd-proxy-injector/linkerd-proxy',
      'linkerd-proxy-injector/proxy-injector',
    ]);
  });

  it.skipIf(!linkerdGolden.available)('counts every container of the control-plane pods, their own proxies included, as the control plane', () => {
    for (const c of goldenContainers()) {
      expect(classify(ref(c.namespace, `${c.workload}-7c9d6b5f4-x2k8q`, c.container)), `${c.workload}/${c.container}`).toBe('control-plane');
    }
  });

  it.skipIf(!linkerdGolden.available)('counts the injected containers of a workload pod as its sidecar, and leaves the workload to the baseline', () => {
    // The same container names the injector adds: the golden's own injected proxies.
    const injected = new Set(goldenContainers().filter((c) => c.container.startsWith('linkerd-')).map((c) => c.container));
    expect([...injected].sort()).toEqual(['linkerd-init', 'linkerd-proxy']);
    for (const name of injected) expect(classify(ref('bench', 'server-1-6d8f9c7b5d-abcde', name))).toBe('sidecar-proxy');
    expect(classify(ref('bench', 'server-1-6d8f9c7b5d-abcde', 'linkerd-network-validator'))).toBe('sidecar-proxy');
    expect(classify(ref('bench', 'server-1-6d8f9c7b5d-abcde', 'server'))).toBe('workload');
    expect(classify(ref('bench', 'load-client-5c7b8d9f6-klmno', 'load'))).toBe('load-client');
    expect(classify(ref('kube-system', 'coredns-7db6d8ff4d-4bq8w', 'coredns'))).toBe('other');
  });
});

describe('linkerd version', () => {
  it('reads the client and server versions (cli/cmd/version.go format)', () => {
    expect(parseLinkerdVersion('Client version: edge-26.8.3\nServer version: edge-26.8.3\n')).toEqual({ client: 'edge-26.8.3', server: 'edge-26.8.3' });
  });

  it('treats "unavailable" as unknown', () => {
    expect(parseLinkerdVersion('Client version: edge-26.8.3\nServer version: unavailable\n')).toEqual({ client: 'edge-26.8.3', server: null });
    expect(parseLinkerdVersion('')).toEqual({ client: null, server: null });
  });
});

class Cluster extends FakeKube {
  destination: V1Deployment | null = null;
  override async readDeployment(namespace: string, name: string): Promise<V1Deployment | null> {
    return namespace === 'linkerd' && name === 'linkerd-destination' ? this.destination : null;
  }
}

describe('Linkerd installed versions', () => {
  const ctx: MeshContext = { clusterName: 'bench-linkerd', kubeconfig: '/tmp/run/kubeconfig', workDir: '/tmp/run/work', versions: VERSIONS, namespace: 'bench' };

  it.skipIf(!linkerdGolden.available)('asks the CLI with the run kubeconfig and reads the image tags of the running control plane', async () => {
    const runner = new FakeRunner().on(['linkerd', 'version'], 'Client version: edge-26.8.3\nServer version: edge-26.8.3\n');
    const cluster = new Cluster();
    // The golden's own linkerd-destination Deployment: its images carry the test placeholders for versions.
    cluster.destination = GOLDEN().find((w) => w.metadata.name === 'linkerd-destination') as unknown as V1Deployment;
    const versions = await linkerdMesh.installedVersions(ctx, cluster, runner);
    expect(runner.transcript).toEqual(['$ linkerd version --kubeconfig /tmp/run/kubeconfig']);
    expect(versions).toEqual({
      'linkerd-cli': 'edge-26.8.3',
      'linkerd-control-plane': 'edge-26.8.3',
      'linkerd-controller': 'install-control-plane-version',
      'linkerd-proxy': 'install-proxy-version',
    });
  });

  it('fails when the CLI fails', async () => {
    const runner = new FakeRunner().fail(['linkerd', 'version'], 'Error: unknown flag');
    await expect(linkerdMesh.installedVersions(ctx, new Cluster(), runner)).rejects.toBeInstanceOf(CommandError);
  });
});
