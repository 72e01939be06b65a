import { readFileSync } from 'node:fs';
import type { V1Container, V1ContainerStatus, V1DaemonSet, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { istioAmbient, istioAmbientWaypoint, istioSidecar } from '../src/mesh/istio.js';
import type { MeshContext } from '../src/mesh/mesh-adapter.js';
import { parseVersions } from '../src/platform/versions.js';
import { FakeKube, FakeRunner } from './helpers/fake-cluster.js';

/**
 * verify() against a fake API server holding the pods a real cluster would have: the shapes follow Istio 1.30.3's
 * injection (istio-init, then istio-proxy as an init container with restartPolicy Always on Kubernetes ≥ 1.33,
 * pkg/kube/inject/webhook.go DetectNativeSidecar), the istio-cni ambient annotation, and the ztunnel and waypoint
 * objects istioctl and istiod create. Each broken cluster must fail with the problem named.
 */
const VERSIONS = parseVersions(readFileSync(new URL('../clusters/versions.yaml', import.meta.url), 'utf8'), 'clusters/versions.yaml');
const ctx: MeshContext = { clusterName: 'bench-istio', kubeconfig: '/tmp/run/kubeconfig', workDir: '/tmp/run/work', versions: VERSIONS, namespace: 'bench' };
const PROXY_IMAGE = 'docker.io/istio/proxyv2:1.30.3';
const SERVER_NODE = 'bench-istio-worker2';
const LOAD_NODE = 'bench-istio-worker';

/** FakeKube (test/helpers/fake-cluster.ts) holding exactly the objects a test puts in it. */
class Cluster extends FakeKube {
  pods: V1Pod[] = [];
  readonly deployments = new Map<string, V1Deployment>();
  readonly daemonSets = new Map<string, V1DaemonSet>();

  override async readDeployment(namespace: string, name: string): Promise<V1Deployment | null> {
    return this.deployments.get(`${namespace}/${name}`) ?? null;
  }
  override async readDaemonSet(namespace: string, name: string): Promise<V1DaemonSet | null> {
    return this.daemonSets.get(`${namespace}/${name}`) ?? null;
  }
  override async listPods(namespace: string, selector?: string): Promise<V1Pod[]> {
    const wanted = (selector ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]);
    return this.pods.filter((p) => p.metadata?.namespace === namespace && wanted.every(([k, v]) => p.metadata?.labels?.[k] === v));
  }
}

function status(name: string, ready: boolean, state: V1ContainerStatus['state'] = { running: { startedAt: new Date(0) } }): V1ContainerStatus {
  return { name, ready, started: ready, restartCount: 0, image: name === 'server' || name === 'load' ? 'mesh-bench:0123456789ab' : PROXY_IMAGE, imageID: '', state };
}

const completed: V1ContainerStatus['state'] = { terminated: { exitCode: 0, reason: 'Completed' } };

interface PodShape {
  name: string;
  component: 'server' | 'load-client';
  node?: string;
  initContainers?: V1Container[];
  extraContainers?: V1Container[];
  initStatuses?: V1ContainerStatus[];
  extraStatuses?: V1ContainerStatus[];
  annotations?: Record<string, string>;
  terminating?: boolean;
}

function benchPod(shape: PodShape): V1Pod {
  const app = shape.component === 'server' ? 'server' : 'load';
  const deployment = shape.name.replace(/-[a-z0-9]+-[a-z0-9]+$/, '');
  return {
    metadata: {
      name: shape.name,
      namespace: 'bench',
      labels: {
        'app.kubernetes.io/name': deployment,
        'app.kubernetes.io/component': shape.component,
        'app.kubernetes.io/part-of': 'mesh-bench',
        'app.kubernetes.io/managed-by': 'mesh-bench',
      },
      ...(shape.annotations ? { annotations: shape.annotations } : {}),
      ...(shape.terminating ? { deletionTimestamp: new Date(0) } : {}),
    },
    spec: {
      nodeName: shape.node ?? (shape.component === 'server' ? SERVER_NODE : LOAD_NODE),
      ...(shape.initContainers ? { initContainers: shape.initContainers } : {}),
      containers: [{ name: app, image: 'mesh-bench:0123456789ab' }, ...(shape.extraContainers ?? [])],
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      ...(shape.initStatuses ? { initContainerStatuses: shape.initStatuses } : {}),
      containerStatuses: [status(app, true), ...(shape.extraStatuses ?? [])],
    },
  };
}

/** A pod as Istio 1.30 injects it on Kubernetes 1.36: istio-init, then istio-proxy as a native sidecar. */
function injectedPod(name: string, component: PodShape['component'], proxyReady = true, proxyState?: V1ContainerStatus['state']): V1Pod {
  return benchPod({
    name,
    component,
    initContainers: [
      { name: 'istio-init', image: PROXY_IMAGE, args: ['istio-iptables', '-p', '15001'] },
      { name: 'istio-proxy', image: PROXY_IMAGE, restartPolicy: 'Always', args: ['proxy', 'sidecar'] },
    ],
    initStatuses: [status('istio-init', true, completed), status('istio-proxy', proxyReady, proxyState)],
    annotations: { 'sidecar.istio.io/status': '{"initContainers":["istio-init","istio-proxy"],"containers":null}' },
  });
}

/** A pod enrolled in ambient: no sidecar, the annotation the istio-cni agent sets once redirection is in place. */
/** `redirection` null: no annotation at all. */
function ambientPod(name: string, component: PodShape['component'], redirection: string | null = 'enabled'): V1Pod {
  return benchPod({ name, component, ...(redirection !== null ? { annotations: { 'ambient.istio.io/redirection': redirection } } : {}) });
}

function ztunnel(node: string, ready = true): V1Pod {
  return {
    metadata: { name: `ztunnel-${node.slice(-5).replace(/[^a-z0-9]/g, 'x')}`, namespace: 'istio-system', labels: { app: 'ztunnel' } },
    spec: { nodeName: node, containers: [{ name: 'istio-proxy', image: 'docker.io/istio/ztunnel:1.30.3-distroless' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], containerStatuses: [status('istio-proxy', ready)] },
  };
}

function daemonSet(name: string, ready: number, desired = 3): V1DaemonSet {
  return {
    metadata: { name, namespace: 'istio-system' },
    spec: { selector: { matchLabels: { app: name } }, template: {} },
    status: { desiredNumberScheduled: desired, numberReady: ready, currentNumberScheduled: desired, numberMisscheduled: 0 },
  };
}

function waypointDeployment(ready: number): V1Deployment {
  return {
    metadata: { name: 'waypoint', namespace: 'bench', labels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' } },
    spec: { replicas: 1, selector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' } }, template: {} },
    status: { replicas: 1, readyReplicas: ready, availableReplicas: ready },
  };
}

function waypointPod(ready = true): V1Pod {
  return {
    metadata: {
      name: 'waypoint-7c9d6b5f4-x2k8q',
      namespace: 'bench',
      labels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint', 'gateway.istio.io/managed': 'istio.io-mesh-controller', 'istio.io/dataplane-mode': 'none' },
    },
    spec: { nodeName: SERVER_NODE, containers: [{ name: 'istio-proxy', image: PROXY_IMAGE, args: ['proxy', 'waypoint'] }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], containerStatuses: [status('istio-proxy', ready)] },
  };
}

function sidecarCluster(): Cluster {
  const c = new Cluster();
  c.namespaces.set('bench', { 'istio-injection': 'enabled', 'app.kubernetes.io/managed-by': 'mesh-bench' });
  c.pods = [injectedPod('server-1-6d8f9c7b5d-abcde', 'server'), injectedPod('server-1-6d8f9c7b5d-fghij', 'server'), injectedPod('load-client-5c7b8d9f6-klmno', 'load-client')];
  return c;
}

function ambientCluster(waypoint = false): Cluster {
  const c = new Cluster();
  c.namespaces.set('bench', {
    'istio.io/dataplane-mode': 'ambient',
    ...(waypoint ? { 'istio.io/use-waypoint': 'waypoint' } : {}),
    'app.kubernetes.io/managed-by': 'mesh-bench',
  });
  c.daemonSets.set('istio-system/ztunnel', daemonSet('ztunnel', 3));
  c.pods = [
    ambientPod('server-1-6d8f9c7b5d-abcde', 'server'),
    ambientPod('load-client-5c7b8d9f6-klmno', 'load-client'),
    ztunnel('bench-istio-control-plane'),
    ztunnel(LOAD_NODE),
    ztunnel(SERVER_NODE),
  ];
  if (waypoint) {
    c.deployments.set('bench/waypoint', waypointDeployment(1));
    c.pods.push(waypointPod());
  }
  return c;
}

const runner = new FakeRunner();

describe('Istio sidecar verification', () => {
  it('passes when every server and load-client pod has a ready native istio-proxy sidecar', async () => {
    const result = await istioSidecar.verify(ctx, sidecarCluster(), runner);
    expect(result.problem).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.evidence).toEqual([
      'namespace bench: istio-injection=enabled',
      'server-1-6d8f9c7b5d-abcde: istio-proxy (init, restartPolicy Always) ready',
      'server-1-6d8f9c7b5d-fghij: istio-proxy (init, restartPolicy Always) ready',
      'load-client-5c7b8d9f6-klmno: istio-proxy (init, restartPolicy Always) ready',
    ]);
  });

  it('also accepts the proxy as a regular container (native sidecars off)', async () => {
    const c = sidecarCluster();
    c.pods[0] = benchPod({
      name: 'server-1-6d8f9c7b5d-abcde',
      component: 'server',
      initContainers: [{ name: 'istio-init', image: PROXY_IMAGE }],
      initStatuses: [status('istio-init', true, completed)],
      extraContainers: [{ name: 'istio-proxy', image: PROXY_IMAGE }],
      extraStatuses: [status('istio-proxy', true)],
    });
    const result = await istioSidecar.verify(ctx, c, runner);
    expect(result.ok).toBe(true);
    expect(result.evidence).toContain('server-1-6d8f9c7b5d-abcde: istio-proxy (container) ready');
  });

  it('fails when a pod has no istio-proxy (created before injection was on)', async () => {
    const c = sidecarCluster();
    c.pods[2] = benchPod({ name: 'load-client-5c7b8d9f6-klmno', component: 'load-client' });
    const result = await istioSidecar.verify(ctx, c, runner);
    expect(result.ok).toBe(false);
    expect(result.problem).toMatch(/^load-client-5c7b8d9f6-klmno has no istio-proxy container/);
  });

  it('fails when a proxy is not ready, saying why', async () => {
    const c = sidecarCluster();
    c.pods[1] = injectedPod('server-1-6d8f9c7b5d-fghij', 'server', false, { waiting: { reason: 'CrashLoopBackOff' } });
    const result = await istioSidecar.verify(ctx, c, runner);
    expect(result.ok).toBe(false);
    expect(result.problem).toBe('server-1-6d8f9c7b5d-fghij: istio-proxy is not ready (waiting: CrashLoopBackOff)');
    expect(result.evidence).toContain('server-1-6d8f9c7b5d-fghij: istio-proxy (init, restartPolicy Always) not ready (waiting: CrashLoopBackOff)');
  });

  it('fails when istio-proxy is an ordinary init container, which would not run beside the workload', async () => {
    const c = sidecarCluster();
    const pod = injectedPod('server-1-6d8f9c7b5d-abcde', 'server');
    delete pod.spec!.initContainers![1]!.restartPolicy;
    c.pods[0] = pod;
    expect((await istioSidecar.verify(ctx, c, runner)).problem).toMatch(/istio-proxy is an init container without restartPolicy Always/);
  });

  it('fails when the namespace lacks the injection label', async () => {
    const c = sidecarCluster();
    c.namespaces.set('bench', { 'app.kubernetes.io/managed-by': 'mesh-bench' });
    expect((await istioSidecar.verify(ctx, c, runner)).problem).toBe('namespace bench is not labelled istio-injection=enabled (has no such label)');
  });

  it('fails when there is no load-client pod to prove anything about', async () => {
    const c = sidecarCluster();
    c.pods = c.pods.filter((p) => !p.metadata?.name?.startsWith('load-client'));
    expect((await istioSidecar.verify(ctx, c, runner)).problem).toBe(
      'no load-client pod in namespace bench (selector app.kubernetes.io/part-of=mesh-bench)',
    );
  });

  it('ignores pods being deleted (the old pods of a rollout)', async () => {
    const c = sidecarCluster();
    c.pods.push(benchPod({ name: 'server-1-5b4c3d2e1f-zzzzz', component: 'server', terminating: true }));
    expect((await istioSidecar.verify(ctx, c, runner)).ok).toBe(true);
  });
});

describe('Istio ambient verification', () => {
  it('passes when every pod is redirected to a ready ztunnel on its node', async () => {
    const result = await istioAmbient.verify(ctx, ambientCluster(), runner);
    expect(result.problem).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.evidence).toEqual([
      'namespace bench: istio.io/dataplane-mode=ambient',
      'DaemonSet istio-system/ztunnel: 3/3 ready',
      `server-1-6d8f9c7b5d-abcde: ambient.istio.io/redirection=enabled, node ${SERVER_NODE} ztunnel ready`,
      `load-client-5c7b8d9f6-klmno: ambient.istio.io/redirection=enabled, node ${LOAD_NODE} ztunnel ready`,
    ]);
  });

  it('fails when a pod is not annotated (not enrolled), or only half enrolled', async () => {
    const c = ambientCluster();
    c.pods[0] = ambientPod('server-1-6d8f9c7b5d-abcde', 'server', null);
    expect((await istioAmbient.verify(ctx, c, runner)).problem).toBe(
      'server-1-6d8f9c7b5d-abcde is not enrolled in ambient (ambient.istio.io/redirection is absent, expected "enabled")',
    );
    c.pods[0] = ambientPod('server-1-6d8f9c7b5d-abcde', 'server', 'pending');
    expect((await istioAmbient.verify(ctx, c, runner)).problem).toMatch(/ambient\.istio\.io\/redirection is "pending"/);
  });

  it('fails when the ztunnel on a workload node is not ready', async () => {
    const c = ambientCluster();
    c.pods = c.pods.map((p) => (p.spec?.nodeName === SERVER_NODE && p.metadata?.namespace === 'istio-system' ? ztunnel(SERVER_NODE, false) : p));
    expect((await istioAmbient.verify(ctx, c, runner)).problem).toBe(`server-1-6d8f9c7b5d-abcde: no ready ztunnel on its node ${SERVER_NODE}`);
  });

  it('fails when there is no ztunnel at all', async () => {
    const c = ambientCluster();
    c.daemonSets.clear();
    c.pods = c.pods.filter((p) => p.metadata?.namespace !== 'istio-system');
    const result = await istioAmbient.verify(ctx, c, runner);
    expect(result.ok).toBe(false);
    expect(result.problem).toMatch(/^DaemonSet istio-system\/ztunnel not found; /);
  });

  it('fails when a pod runs a sidecar: that is sidecar mode, not ambient', async () => {
    const c = ambientCluster();
    c.pods[0] = { ...injectedPod('server-1-6d8f9c7b5d-abcde', 'server') };
    c.pods[0].metadata!.annotations = { 'ambient.istio.io/redirection': 'enabled' };
    expect((await istioAmbient.verify(ctx, c, runner)).problem).toBe('server-1-6d8f9c7b5d-abcde has an istio-proxy sidecar, so it is in sidecar mode, not ambient');
  });

  it('fails when the namespace is not labelled for ambient', async () => {
    const c = ambientCluster();
    c.namespaces.set('bench', { 'istio.io/dataplane-mode': 'none' });
    expect((await istioAmbient.verify(ctx, c, runner)).problem).toBe(
      'namespace bench is not labelled istio.io/dataplane-mode=ambient (has istio.io/dataplane-mode=none)',
    );
  });
});

describe('Istio ambient with a waypoint: verification', () => {
  it('passes when the namespace uses the waypoint and the waypoint is ready', async () => {
    const result = await istioAmbientWaypoint.verify(ctx, ambientCluster(true), runner);
    expect(result.problem).toBeUndefined();
    expect(result.evidence).toEqual(
      expect.arrayContaining([
        'namespace bench: istio.io/use-waypoint=waypoint',
        'waypoint Deployment bench/waypoint: 1/1 ready',
        'waypoint-7c9d6b5f4-x2k8q: istio-proxy (container) ready',
      ]),
    );
  });

  it('does not take the waypoint pod for a workload pod', async () => {
    const result = await istioAmbientWaypoint.verify(ctx, ambientCluster(true), runner);
    expect(result.evidence.filter((e) => e.startsWith('waypoint-7c9d6b5f4-x2k8q: ambient'))).toEqual([]);
  });

  it('fails when the waypoint is missing', async () => {
    const c = ambientCluster(true);
    c.deployments.clear();
    c.pods = c.pods.filter((p) => !p.metadata?.name?.startsWith('waypoint-'));
    expect((await istioAmbientWaypoint.verify(ctx, c, runner)).problem).toBe(
      'waypoint Deployment bench/waypoint not found (is the Gateway applied and istiod running?)',
    );
  });

  it('fails when the waypoint is not ready', async () => {
    const c = ambientCluster(true);
    c.deployments.set('bench/waypoint', waypointDeployment(0));
    c.pods = c.pods.map((p) => (p.metadata?.name?.startsWith('waypoint-') ? waypointPod(false) : p));
    const problem = (await istioAmbientWaypoint.verify(ctx, c, runner)).problem;
    expect(problem).toMatch(/waypoint Deployment bench\/waypoint has 0\/1 ready replicas/);
    expect(problem).toMatch(/waypoint-7c9d6b5f4-x2k8q: istio-proxy is not ready/);
  });

  it('fails when the namespace does not use the waypoint', async () => {
    const c = ambientCluster(true);
    c.namespaces.set('bench', { 'istio.io/dataplane-mode': 'ambient' });
    expect((await istioAmbientWaypoint.verify(ctx, c, runner)).problem).toBe(
      'namespace bench is not labelled istio.io/use-waypoint=waypoint (has no such label)',
    );
  });

  it('an ambient system without a waypoint does not ask for one', async () => {
    const c = ambientCluster(false);
    expect((await istioAmbient.verify(ctx, c, runner)).ok).toBe(true);
    expect((await istioAmbientWaypoint.verify(ctx, c, runner)).ok).toBe(false);
  });
});
