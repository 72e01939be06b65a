import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../core/kube.js';
import { verificationOf, type MeshContext, type Verification } from './mesh-adapter.js';
import { COMPONENT_LABEL, WORKLOAD_POD_SELECTOR } from '../platform/manifests.js';

/**
 * Proof that the benchmark pods are really in the Istio mesh, read from the API (pods, namespaces, DaemonSets), so a
 * mesh run on an unmeshed workload fails before it measures anything. The pod helpers at the top are mesh-neutral and
 * also used by linkerd-verify.ts.
 */

/**
 * The benchmark's own pods: src/platform/manifests.ts gives every server and load-client pod
 * `app.kubernetes.io/part-of: mesh-bench` and `app.kubernetes.io/component: server | load-client`. A waypoint in the
 * same namespace does not carry part-of, so it is not taken for a workload pod.
 */
export { WORKLOAD_POD_SELECTOR };
const REQUIRED_COMPONENTS = ['server', 'load-client'] as const;

export const ISTIO_NAMESPACE = 'istio-system';
export const ISTIO_PROXY_CONTAINER = 'istio-proxy';
/** Label of the ztunnel DaemonSet's pods (manifests/charts/ztunnel/templates/daemonset.yaml at 1.30.3: `app: ztunnel`). */
export const ZTUNNEL_POD_SELECTOR = 'app=ztunnel';
export const ZTUNNEL_DAEMONSET = 'ztunnel';
/**
 * Set by the istio-cni node agent once a pod's traffic is redirected to ztunnel (istio/api annotation/annotations.yaml:
 * "Automatically configured by Istio to indicate a Pod was successfully enrolled in ambient mode"); `enabled` when done,
 * `pending` while partly set up (istio 1.30.3 cni/pkg/util/podutil.go, pkg/config/constants AmbientRedirectionEnabled).
 */
export const AMBIENT_REDIRECTION_ANNOTATION = 'ambient.istio.io/redirection';
export const AMBIENT_REDIRECTION_ENABLED = 'enabled';
/** Label Istio's deployment controller puts on a waypoint's pods (files/waypoint.yaml at 1.30.3). */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** Where a proxy container sits in a pod, and whether the kubelet reports it ready. */
export interface SidecarPresence {
  /** `native`: an init container with restartPolicy Always (Kubernetes sidecar); `container`: a regular container. */
  form: 'native' | 'container' | 'init-without-restart';
  ready: boolean;
  /** Why not ready, from the container status (`waiting: CrashLoopBackOff`, `no status yet`…). */
  state: string;
}

/** Finds container `name` among a pod's init and regular containers; undefined when the pod has none. */
export function sidecarIn(pod: V1Pod, name: string): SidecarPresence | undefined {
  const init = pod.spec?.initContainers?.find((c) => c.name === name);
  if (init) {
    const status = pod.status?.initContainerStatuses?.find((s) => s.name === name);
    const form = init.restartPolicy === 'Always' ? 'native' : 'init-without-restart';
    return { form, ready: status?.ready === true, state: stateOf(status) };
  }
  const container = pod.spec?.containers?.find((c) => c.name === name);
  if (container) {
    const status = pod.status?.containerStatuses?.find((s) => s.name === name);
    return { form: 'container', ready: status?.ready === true, state: stateOf(status) };
  }
  return undefined;
}

function stateOf(status: V1ContainerStatus | undefined): string {
  if (!status) return 'no status yet';
  if (status.state?.waiting) return `waiting: ${status.state.waiting.reason ?? 'unknown'}`;
  if (status.state?.terminated) return `terminated: ${status.state.terminated.reason ?? `exit ${status.state.terminated.exitCode}`}`;
  if (status.state?.running) return status.ready ? 'running' : 'running, not ready';
  return 'unknown';
}

/** `server-1-6d…: istio-proxy (init, restartPolicy Always) ready` — the evidence line format of Verification. */
export function describeSidecar(podName: string, container: string, s: SidecarPresence): string {
  const where = s.form === 'native' ? 'init, restartPolicy Always' : s.form === 'container' ? 'container' : 'init, no restartPolicy Always';
  return `${podName}: ${container} (${where}) ${s.ready ? 'ready' : `not ready (${s.state})`}`;
}

export function podName(pod: V1Pod): string {
  return pod.metadata?.name ?? '?';
}

export function podIsReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * The benchmark pods that should be meshed, without those being deleted (a rollout's old pods). A namespace without
 * a server and a load-client pod cannot prove anything, so that is a problem in itself.
 */
export async function workloadPods(kube: KubeClient, namespace: string): Promise<{ pods: V1Pod[]; problems: string[] }> {
  const pods = (await kube.listPods(namespace, WORKLOAD_POD_SELECTOR)).filter((p) => !p.metadata?.deletionTimestamp);
  const problems: string[] = [];
  for (const component of REQUIRED_COMPONENTS) {
    if (!pods.some((p) => p.metadata?.labels?.[COMPONENT_LABEL] === component)) {
      problems.push(`no ${component} pod in namespace ${namespace} (selector ${WORKLOAD_POD_SELECTOR})`);
    }
  }
  return { pods, problems };
}

/** Every pod must carry a ready `container` proxy (native sidecar or regular container); one problem per pod that does not. */
export function checkSidecars(pods: readonly V1Pod[], container: string, evidence: string[], problems: string[], hint: string): void {
  for (const pod of pods) {
    const s = sidecarIn(pod, container);
    if (!s) {
      evidence.push(`${podName(pod)}: no ${container}`);
      problems.push(`${podName(pod)} has no ${container} container (${hint})`);
      continue;
    }
    evidence.push(describeSidecar(podName(pod), container, s));
    if (s.form === 'init-without-restart') problems.push(`${podName(pod)}: ${container} is an init container without restartPolicy Always, so it does not run beside the workload`);
    else if (!s.ready) problems.push(`${podName(pod)}: ${container} is not ready (${s.state})`);
  }
}

/** The namespace carries every enrolment label the adapter asked for. */
export async function checkNamespaceLabels(
  kube: KubeClient,
  namespace: string,
  expected: Record<string, string>,
  evidence: string[],
  problems: string[],
): Promise<void> {
  const labels = await kube.namespaceLabels(namespace);
  if (labels === null) {
    problems.push(`namespace ${namespace} does not exist`);
    return;
  }
  for (const [key, value] of Object.entries(expected)) {
    if (labels[key] === value) evidence.push(`namespace ${namespace}: ${key}=${value}`);
    else problems.push(`namespace ${namespace} is not labelled ${key}=${value} (has ${labels[key] === undefined ? 'no such label' : `${key}=${labels[key]}`})`);
  }
}

export const verification = verificationOf;

// ---- Istio ----

export async function verifyIstioSidecar(ctx: MeshContext, kube: KubeClient, labels: Record<string, string>): Promise<Verification> {
  const evidence: string[] = [];
  const problems: string[] = [];
  await checkNamespaceLabels(kube, ctx.namespace, labels, evidence, problems);
  const { pods, problems: missing } = await workloadPods(kube, ctx.namespace);
  problems.push(...missing);
  checkSidecars(pods, ISTIO_PROXY_CONTAINER, evidence, problems, 'not injected: was the pod created before the namespace was labelled, or is the injector down?');
  return verification(evidence, problems);
}

export interface AmbientVerifyOptions {
  labels: Record<string, string>;
  /** Name of the namespace waypoint that must be ready, when the system has one. */
  waypoint?: string;
}

export async function verifyIstioAmbient(ctx: MeshContext, kube: KubeClient, opts: AmbientVerifyOptions): Promise<Verification> {
  const evidence: string[] = [];
  const problems: string[] = [];
  await checkNamespaceLabels(kube, ctx.namespace, opts.labels, evidence, problems);

  const ds = await kube.readDaemonSet(ISTIO_NAMESPACE, ZTUNNEL_DAEMONSET);
  if (!ds) problems.push(`DaemonSet ${ISTIO_NAMESPACE}/${ZTUNNEL_DAEMONSET} not found`);
  else evidence.push(`DaemonSet ${ISTIO_NAMESPACE}/${ZTUNNEL_DAEMONSET}: ${ds.status?.numberReady ?? 0}/${ds.status?.desiredNumberScheduled ?? 0} ready`);
  const readyZtunnelNodes = new Set(
    (await kube.listPods(ISTIO_NAMESPACE, ZTUNNEL_POD_SELECTOR))
      .filter((p) => !p.metadata?.deletionTimestamp && podIsReady(p) && p.spec?.nodeName)
      .map((p) => p.spec?.nodeName as string),
  );

  const { pods, problems: missing } = await workloadPods(kube, ctx.namespace);
  problems.push(...missing);
  for (const pod of pods) {
    const name = podName(pod);
    const redirection = pod.metadata?.annotations?.[AMBIENT_REDIRECTION_ANNOTATION];
    const node = pod.spec?.nodeName;
    const ztunnelReady = node !== undefined && readyZtunnelNodes.has(node);
    evidence.push(
      `${name}: ${AMBIENT_REDIRECTION_ANNOTATION}=${redirection ?? '(absent)'}, node ${node ?? '(unscheduled)'} ztunnel ${ztunnelReady ? 'ready' : 'not ready'}`,
    );
    if (redirection !== AMBIENT_REDIRECTION_ENABLED) {
      problems.push(
        `${name} is not enrolled in ambient (${AMBIENT_REDIRECTION_ANNOTATION} is ${redirection === undefined ? 'absent' : `"${redirection}"`}, expected "${AMBIENT_REDIRECTION_ENABLED}")`,
      );
    }
    // istio-cni opts pods with a sidecar out of ambient (cni/pkg/util/enablement_selector.go Matches → podHasSidecar:
    // "Ztunnel and sidecar for a single pod is currently not supported"), so such a pod is in sidecar mode.
    if (sidecarIn(pod, ISTIO_PROXY_CONTAINER)) problems.push(`${name} has an ${ISTIO_PROXY_CONTAINER} sidecar, so it is in sidecar mode, not ambient`);
    if (!ztunnelReady) problems.push(`${name}: no ready ztunnel on its node ${node ?? '(unscheduled)'}`);
  }

  if (opts.waypoint !== undefined) await checkWaypoint(kube, ctx.namespace, opts.waypoint, evidence, problems);
  return verification(evidence, problems);
}

async function checkWaypoint(kube: KubeClient, namespace: string, name: string, evidence: string[], problems: string[]): Promise<void> {
  const deployment = await kube.readDeployment(namespace, name);
  if (!deployment) {
    problems.push(`waypoint Deployment ${namespace}/${name} not found (is the Gateway applied and istiod running?)`);
    return;
  }
  const want = deployment.spec?.replicas ?? 1;
  const ready = deployment.status?.readyReplicas ?? 0;
  evidence.push(`waypoint Deployment ${namespace}/${name}: ${ready}/${want} ready`);
  if (want < 1 || ready < want) problems.push(`waypoint Deployment ${namespace}/${name} has ${ready}/${want} ready replicas`);
  const pods = (await kube.listPods(namespace, `${GATEWAY_NAME_LABEL}=${name}`)).filter((p) => !p.metadata?.deletionTimestamp);
  if (pods.length === 0) problems.push(`no waypoint pod in ${namespace} (selector ${GATEWAY_NAME_LABEL}=${name})`);
  checkSidecars(pods, ISTIO_PROXY_CONTAINER, evidence, problems, 'a waypoint pod runs its proxy as istio-proxy');
}
