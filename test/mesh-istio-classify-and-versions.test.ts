import { readFileSync } from 'node:fs';
import type { V1DaemonSet, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CommandError } from '../src/core/errors.js';
import { istioAmbient, istioAmbientCilium, istioAmbientWaypoint, istioClassifier, istioSidecar } from '../src/mesh/istio.js';
import { parseIstioctlVersionJson } from '../src/mesh/istio-versions.js';
import type { MeshContext } from '../src/mesh/mesh-adapter.js';
import { baselineClassifier, composeClassifiers } from '../src/metrics/roles.js';
import { parseVersions } from '../src/platform/versions.js';
import { FakeKube, FakeRunner } from './helpers/fake-cluster.js';
import { referenceFiles } from './helpers/reference.js';

const VERSIONS = parseVersions(readFileSync(new URL('../clusters/versions.yaml', import.meta.url), 'utf8'), 'clusters/versions.yaml');
const DEFAULT_PROFILE = 'istio/1.30.3/profiles/default.yaml';
const VERSION_SHAPE = 'cli-samples/istio/version-json.shape.json';
const defaultProfile = referenceFiles('the test on the default profile', [DEFAULT_PROFILE]);
const versionShape = referenceFiles('the test of the sample against the derived version -o json shape', [VERSION_SHAPE]);
const ref = (namespace: string, pod: string, container: string) => ({ namespace, pod, container });

describe('Istio container roles', () => {
  // Names from istio 1.30.3: operator/pkg/component/component.go (istiod/discovery, istio-cni-node/install-cni,
  // ztunnel/istio-proxy), pkg/kube/inject (istio-init, istio-proxy, istio-validation), the waypoint template
  // (files/waypoint.yaml: container istio-proxy, Deployment named after the Gateway).
  const classify = composeClassifiers(istioClassifier, baselineClassifier('bench'));

  it('makes istiod the control plane and ztunnel and the CNI agent node agents', () => {
    expect(classify(ref('istio-system', 'istiod-5d8c7b9f6d-2xk4q', 'discovery'))).toBe('control-plane');
    expect(classify(ref('istio-system', 'ztunnel-8hq2n', 'istio-proxy'))).toBe('node-agent');
    expect(classify(ref('istio-system', 'istio-cni-node-r7c5m', 'install-cni'))).toBe('node-agent');
  });

  it.skipIf(!defaultProfile.available)('names the ztunnel pods after the DaemonSet name the default profile gives', () => {
    const defaults = parse(defaultProfile.read(DEFAULT_PROFILE)) as { spec: { values: { ztunnel: { resourceName: string } } } };
    expect(istioClassifier(ref('istio-system', `${defaults.spec.values.ztunnel.resourceName}-abcde`, 'istio-proxy'))).toBe('node-agent');
  });

  it('makes the injected containers of a workload pod the sidecar, and leaves the workload to the baseline', () => {
    expect(classify(ref('bench', 'server-1-6d8f9c7b5d-abcde', 'istio-proxy'))).toBe('sidecar-proxy');
    expect(classify(ref('bench', 'server-1-6d8f9c7b5d-abcde', 'istio-init'))).toBe('sidecar-proxy');
    expect(classify(ref('bench', 'load-client-5c7b8d9f6-klmno', 'istio-validation'))).toBe('sidecar-proxy');
    expect(classify(ref('bench', 'server-1-6d8f9c7b5d-abcde', 'server'))).toBe('workload');
    expect(classify(ref('bench', 'load-client-5c7b8d9f6-klmno', 'load'))).toBe('load-client');
  });

  it('makes the waypoint pod the waypoint, though its container is also istio-proxy', () => {
    expect(classify(ref('bench', 'waypoint-7c9d6b5f4-x2k8q', 'istio-proxy'))).toBe('waypoint');
  });

  it('leaves what is not Istio alone', () => {
    expect(istioClassifier(ref('kube-system', 'coredns-7db6d8ff4d-4bq8w', 'coredns'))).toBeUndefined();
    expect(istioClassifier(ref('istio-system', 'istio-ingressgateway-7d6c9-abcde', 'istio-proxy'))).toBeUndefined();
    expect(classify(ref('kube-system', 'kindnet-x7d2k', 'kindnet-cni'))).toBe('other');
  });

  it('on Cilium, also knows the Cilium agent and operator', () => {
    expect(istioAmbientCilium.classify(ref('kube-system', 'cilium-4xq7p', 'cilium-agent'))).toBe('node-agent');
    expect(istioAmbientCilium.classify(ref('kube-system', 'cilium-operator-6c9f8d7b5-2kq4x', 'cilium-operator'))).toBe('control-plane');
    expect(istioAmbientCilium.classify(ref('istio-system', 'ztunnel-8hq2n', 'istio-proxy'))).toBe('node-agent');
    expect(istioAmbient.classify(ref('kube-system', 'cilium-4xq7p', 'cilium-agent'))).toBeUndefined();
  });
});

function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([p, s]) => [p, closed(s)])) : closed(v);
  }
  if ('properties' in schema) out.additionalProperties = false;
  return out;
}

/** A realistic `istioctl version -o json`, in the shape of shared/reference/cli-samples/istio/version-json.shape.json. */
const VERSION_JSON = JSON.stringify(
  {
    clientVersion: { version: '1.30.3', revision: '56df41f63e513f834c9a3af33d8aed82d1d961f2', golang_version: 'go1.25.6', status: 'Clean', tag: '1.30.3' },
    meshVersion: [
      {
        Component: 'pilot',
        Revision: 'default',
        Info: { version: '1.30.3', revision: '56df41f63e513f834c9a3af33d8aed82d1d961f2', golang_version: 'go1.25.6', status: 'Clean', tag: '1.30.3' },
      },
    ],
    dataPlaneVersion: [
      { ID: 'server-1-6d8f9c7b5d-abcde.bench', IstioVersion: '1.30.3', Type: 'sidecar' },
      { ID: 'load-client-5c7b8d9f6-klmno.bench', IstioVersion: '1.30.3', Type: 'sidecar' },
    ],
  },
  null,
  2,
);

describe('istioctl version -o json', () => {
  // The shape lists keys without forbidding others; closed here, so a key istioctl does not print (a lowercase
  // `component`, say) fails.
  it.skipIf(!versionShape.available)('the sample used here has the shape istioctl prints', () => {
    const shape = closed(JSON.parse(versionShape.read(VERSION_SHAPE))) as Record<string, unknown>;
    const validateShape = new Ajv({ strict: false, allErrors: true }).compile(shape);
    expect(validateShape(JSON.parse(VERSION_JSON)), JSON.stringify(validateShape.errors)).toBe(true);
    expect(validateShape({ meshVersion: [{ component: 'pilot', Info: { version: '1.30.3' } }] })).toBe(false);
  });

  it('gives the client, control-plane and distinct data-plane versions', () => {
    expect(parseIstioctlVersionJson(VERSION_JSON)).toEqual({ client: '1.30.3', controlPlane: ['1.30.3'], dataPlane: ['1.30.3'] });
  });

  it('works without a control plane (meshVersion absent)', () => {
    expect(parseIstioctlVersionJson('{\n  "clientVersion": {"version": "1.30.3"}\n}\n')).toEqual({ client: '1.30.3', controlPlane: [], dataPlane: [] });
  });

  it('refuses output that is not the version JSON', () => {
    expect(() => parseIstioctlVersionJson('client version: 1.30.3')).toThrow(/not JSON/);
    expect(() => parseIstioctlVersionJson('{"meshVersion": []}')).toThrow(/no clientVersion\.version/);
  });
});

class Cluster extends FakeKube {
  readonly deployments = new Map<string, V1Deployment>();
  readonly daemonSets = new Map<string, V1DaemonSet>();
  pods: V1Pod[] = [];
  override async readDeployment(namespace: string, name: string): Promise<V1Deployment | null> {
    return this.deployments.get(`${namespace}/${name}`) ?? null;
  }
  override async readDaemonSet(namespace: string, name: string): Promise<V1DaemonSet | null> {
    return this.daemonSets.get(`${namespace}/${name}`) ?? null;
  }
  override async listPods(namespace: string): Promise<V1Pod[]> {
    return this.pods.filter((p) => p.metadata?.namespace === namespace);
  }
}

function withContainers<T extends V1Deployment | V1DaemonSet>(name: string, namespace: string, containers: Array<[string, string]>): T {
  return {
    metadata: { name, namespace },
    spec: { selector: {}, template: { spec: { containers: containers.map(([n, image]) => ({ name: n, image })) } } },
  } as T;
}

describe('Istio installed versions', () => {
  const ctx: MeshContext = { clusterName: 'bench-istio', kubeconfig: '/tmp/run/kubeconfig', workDir: '/tmp/run/work', versions: VERSIONS, namespace: 'bench' };

  function cluster(): Cluster {
    const c = new Cluster();
    c.deployments.set('istio-system/istiod', withContainers('istiod', 'istio-system', [['discovery', 'docker.io/istio/pilot:1.30.3-distroless']]));
    c.daemonSets.set('istio-system/ztunnel', withContainers('ztunnel', 'istio-system', [['istio-proxy', 'docker.io/istio/ztunnel:1.30.3-distroless']]));
    c.daemonSets.set('istio-system/istio-cni-node', withContainers('istio-cni-node', 'istio-system', [['install-cni', 'docker.io/istio/install-cni:1.30.3-distroless']]));
    c.deployments.set('bench/waypoint', withContainers('waypoint', 'bench', [['istio-proxy', 'docker.io/istio/proxyv2:1.30.3-distroless']]));
    c.pods = [
      {
        metadata: { name: 'server-1-6d8f9c7b5d-abcde', namespace: 'bench' },
        spec: {
          initContainers: [
            { name: 'istio-init', image: 'docker.io/istio/proxyv2:1.30.3' },
            { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3', restartPolicy: 'Always' },
          ],
          containers: [{ name: 'server', image: 'mesh-bench:0123456789ab' }],
        },
      },
    ];
    return c;
  }

  it('asks istioctl with the run kubeconfig, and reads the image tags running in the cluster (sidecar mode)', async () => {
    const runner = new FakeRunner().on(['istioctl', 'version'], VERSION_JSON);
    const versions = await istioSidecar.installedVersions(ctx, cluster(), runner);
    expect(runner.transcript).toEqual(['$ istioctl version -o json --kubeconfig /tmp/run/kubeconfig']);
    expect(versions).toEqual({ istioctl: '1.30.3', 'istio-control-plane': '1.30.3', 'istio-data-plane': '1.30.3', istiod: '1.30.3-distroless', 'istio-proxy': '1.30.3' });
  });

  it('reports ztunnel, the CNI agent and the waypoint in ambient mode', async () => {
    const runner = new FakeRunner().on(['istioctl', 'version'], VERSION_JSON);
    const versions = await istioAmbientWaypoint.installedVersions({ ...ctx, context: 'kind-bench' }, cluster(), runner);
    expect(runner.transcript).toEqual(['$ istioctl version -o json --kubeconfig /tmp/run/kubeconfig --context kind-bench']);
    expect(versions).toMatchObject({ ztunnel: '1.30.3-distroless', 'istio-cni': '1.30.3-distroless', waypoint: '1.30.3-distroless' });
    expect(versions).not.toHaveProperty('istio-proxy');
  });

  it('fails when istioctl fails, rather than reporting versions it did not get', async () => {
    const runner = new FakeRunner().fail(['istioctl', 'version'], 'error: kubeconfig not found');
    await expect(istioAmbient.installedVersions(ctx, cluster(), runner)).rejects.toBeInstanceOf(CommandError);
  });
});
