import type {
  V1Container,
  V1Deployment,
  V1EnvVar,
  V1Namespace,
  V1PodSpec,
  V1SecurityContext,
  V1Service,
} from '@kubernetes/client-node';

/**
 * The Kubernetes objects a run creates, as plain data: pure functions, no client, no cluster. They are identical for
 * every system (baseline, Cilium, Istio, Linkerd…); a mesh changes the namespace's labels, never these objects, so
 * what differs between systems is the mesh alone. Every object is schema-checked in
 * test/cluster-manifests-validate-against-kubernetes-schema.test.ts.
 */

/** The one label that marks what the harness owns: it only ever deletes namespaces carrying it. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'mesh-bench';

/** Node label set by clusters/kind/*.yaml (`labels:` on the kind nodes): which worker runs what. */
export const NODE_ROLE_LABEL = 'mesh-bench/role';
export const NODE_ROLE_LOAD = 'load';
export const NODE_ROLE_SERVER = 'server';

export const SERVER_PORT = 8080;
export const SERVER_PORT_NAME = 'http';
export const SERVER_CONTAINER = 'server';
export const LOAD_CLIENT_NAME = 'load-client';
export const LOAD_CLIENT_CONTAINER = 'load';
/** Non-root uid/gid of the image (the `node` user of the node:22-slim base image is 1000:1000). */
export const RUN_AS_UID = 1000;

export interface ResourceSpec {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** Same for every system, so resource numbers compare the mesh and nothing else. */
export const DEFAULT_SERVER_RESOURCES: ResourceSpec = {
  requests: { cpu: '500m', memory: '128Mi' },
  limits: { cpu: '1', memory: '256Mi' },
};
export const DEFAULT_LOAD_CLIENT_RESOURCES: ResourceSpec = {
  requests: { cpu: '1', memory: '256Mi' },
  limits: { cpu: '2', memory: '512Mi' },
};

export interface ServerChainOptions {
  namespace: string;
  image: string;
  /** Servers in the chain: 1 = client → server-1; 2 = client → server-1 → server-2; … */
  hops: number;
  /** Pods per hop. */
  replicas: number;
  responseBytes: number;
  serviceDelayUs: number;
  /** Per server container; default DEFAULT_SERVER_RESOURCES. */
  resources?: ResourceSpec;
  /**
   * `server-node` (default): on the worker labelled `mesh-bench/role=server`. `spread-over-workers`: the scale windows
   * (src/platform/scale-windows.ts): allowed on every labelled worker and spread evenly over them (spreadOverWorkers).
   */
  placement?: 'server-node' | 'spread-over-workers';
}

export interface LoadClientOptions {
  namespace: string;
  image: string;
  /** Default DEFAULT_LOAD_CLIENT_RESOURCES. */
  resources?: ResourceSpec;
}

export type WorkloadObject = V1Namespace | V1Deployment | V1Service;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A namespace the harness owns: `labels` (e.g. a mesh's enrolment label) plus the managed-by label, which wins. */
export function benchNamespace(name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): V1Namespace {
  assertDnsLabel(name, 'namespace name');
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: { ...labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
  };
}

/** `server-<i>`, 1-based: the Deployment and Service name of hop i. */
export function serverName(hop: number): string {
  return `server-${hop}`;
}

/** URL of hop `hop`'s Service; hop 1 is what the load client targets. Fully qualified, so no search-path lookups. */
export function serverUrl(namespace: string, hop = 1): string {
  return `http://${serverName(hop)}.${namespace}.svc.cluster.local:${SERVER_PORT}/`;
}

/** Deployment and Service per hop, in hop order: [Deployment server-1, Service server-1, Deployment server-2, …]. */
export function serverChain(opts: ServerChainOptions): Array<V1Deployment | V1Service> {
  assertDnsLabel(opts.namespace, 'namespace');
  assertInt(opts.hops, 'hops', 1, 8);
  assertInt(opts.replicas, 'replicas', 1, 1000);
  assertInt(opts.responseBytes, 'responseBytes', 0, Number.MAX_SAFE_INTEGER);
  assertInt(opts.serviceDelayUs, 'serviceDelayUs', 0, Number.MAX_SAFE_INTEGER);
  const resources = opts.resources ?? DEFAULT_SERVER_RESOURCES;
  const objects: Array<V1Deployment | V1Service> = [];
  for (let hop = 1; hop <= opts.hops; hop++) {
    const name = serverName(hop);
    const labels = podLabels(name, 'server');
    const env: V1EnvVar[] = [
      { name: 'PORT', value: String(SERVER_PORT) },
      // The server defaults to 127.0.0.1; in a pod it must listen on the pod IP (sidecars forward to it).
      { name: 'HOST', value: '0.0.0.0' },
      { name: 'RESPONSE_BYTES', value: String(opts.responseBytes) },
      { name: 'SERVICE_DELAY_US', value: String(opts.serviceDelayUs) },
      { name: 'HOP_NAME', value: `hop-${hop}` },
    ];
    if (hop < opts.hops) env.push({ name: 'NEXT_HOP', value: serverUrl(opts.namespace, hop + 1) });
    const container: V1Container = {
      ...benchContainer(SERVER_CONTAINER, opts.image, ['node', 'dist/src/workload/main.js'], resources),
      env,
      ports: [{ name: SERVER_PORT_NAME, containerPort: SERVER_PORT, protocol: 'TCP' }],
      readinessProbe: {
        httpGet: { path: '/healthz', port: SERVER_PORT_NAME },
        periodSeconds: 2,
        failureThreshold: 3,
      },
    };
    const spec = opts.placement === 'spread-over-workers' ? spreadOverWorkers(podSpec(container, NODE_ROLE_SERVER), name) : podSpec(container, NODE_ROLE_SERVER);
    objects.push(deployment(name, opts.namespace, opts.replicas, labels, spec));
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: opts.namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector: selectorOf(name),
        ports: [
          {
            name: SERVER_PORT_NAME,
            port: SERVER_PORT,
            targetPort: SERVER_PORT_NAME,
            protocol: 'TCP',
            // Meshes key L7 handling on this (Istio also on the `http` port name): the hops are plain HTTP/1.1.
            appProtocol: 'http',
          },
        ],
      },
    });
  }
  return objects;
}

/**
 * The long-running pod the load engine is exec'd in, on the load node: an idle `agent` process that exits on
 * SIGTERM. It is enrolled in the mesh like the servers, so client-side proxies are on the measured path.
 */
export function loadClient(opts: LoadClientOptions): V1Deployment {
  assertDnsLabel(opts.namespace, 'namespace');
  const resources = opts.resources ?? DEFAULT_LOAD_CLIENT_RESOURCES;
  const container = benchContainer(
    LOAD_CLIENT_CONTAINER,
    opts.image,
    ['node', 'bin/bench.js', 'agent'],
    resources,
  );
  return deployment(LOAD_CLIENT_NAME, opts.namespace, 1, podLabels(LOAD_CLIENT_NAME, 'load-client'), podSpec(container, NODE_ROLE_LOAD));
}

/** Every benchmark pod (server and load client) carries these; mesh adapters select the workload by them. */
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const PART_OF_VALUE = 'mesh-bench';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const WORKLOAD_POD_SELECTOR = `${PART_OF_LABEL}=${PART_OF_VALUE}`;

function podLabels(name: string, component: 'server' | 'load-client'): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    [COMPONENT_LABEL]: component,
    [PART_OF_LABEL]: PART_OF_VALUE,
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
  };
}

/** Selectors are immutable on a Deployment, so they hold the name only, not labels that might change. */
function selectorOf(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name };
}

function deployment(
  name: string,
  namespace: string,
  replicas: number,
  labels: Record<string, string>,
  spec: V1PodSpec,
): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      selector: { matchLabels: selectorOf(name) },
      template: { metadata: { labels }, spec },
    },
  };
}

/**
 * The scale windows' placement: instead of the server worker alone, any node carrying the `mesh-bench/role` label (the
 * workers of clusters/kind/*.yaml; the control-plane node has none), spread with at most one pod of difference
 * between them. Upstream semantics relied on (TopologySpreadConstraint, core/v1 API reference,
 * https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/):
 * - with whenUnsatisfiable DoNotSchedule, maxSkew is "the maximum permitted difference between the number of matching
 *   pods in the target topology and the global minimum": a pod that would break it stays Pending rather than land
 *   unevenly (the rollout wait then fails with the pods' events, never a silently uneven spread);
 * - nodeAffinityPolicy left nil "is equivalent to the Honor policy: only nodes matching nodeAffinity/nodeSelector are
 *   included in the calculations", so the unlabelled (and tainted) control-plane node is no empty domain holding the
 *   minimum at 0 (nodeTaintsPolicy nil is Ignore: a taint alone would not exclude it);
 * - topologyKey kubernetes.io/hostname: one domain per node;
 * - matchLabelKeys [pod-template-hash]: only pods of the incoming pod's ReplicaSet revision are counted. Without it the
 *   scale change's rolling update counts the outgoing revision's pod too: with it on worker B, the first new pod goes
 *   to A, the second ties 1–1 and may go to A as well, and once the old pod ends the spread is 2–0 (seen on the real
 *   control plane). KEP-3243 "Respect PodTopologySpread after rolling upgrades"
 *   (https://www.kubernetes.dev/resources/keps/3243/); MatchLabelKeysInPodTopologySpread is on by default since 1.27.
 * Server-side apply removes the nodeSelector the step Deployment had: a field the same manager applied before and
 * omits now is removed when no other manager owns it (https://kubernetes.io/docs/reference/using-api/server-side-apply/).
 */
export function spreadOverWorkers(spec: V1PodSpec, name: string): V1PodSpec {
  const rest: V1PodSpec = { ...spec };
  delete rest.nodeSelector;
  return {
    ...rest,
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: NODE_ROLE_LABEL, operator: 'Exists' }] }],
        },
      },
    },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: HOSTNAME_LABEL,
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: selectorOf(name) },
        matchLabelKeys: ['pod-template-hash'],
      },
    ],
  };
}

/** The well-known node label holding the node's name (one topology domain per node). */
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

function podSpec(container: V1Container, nodeRole: string): V1PodSpec {
  return {
    // Client and servers on different nodes (see clusters/kind/*.yaml), so every request crosses the node network.
    nodeSelector: { [NODE_ROLE_LABEL]: nodeRole },
    terminationGracePeriodSeconds: 10,
    // No service environment variables: with many hops they are noise in every container's environment.
    enableServiceLinks: false,
    containers: [container],
  };
}

function benchContainer(name: string, image: string, command: string[], resources: ResourceSpec): V1Container {
  if (image.length === 0) throw new Error(`${name}: image must not be empty`);
  return {
    name,
    image,
    // The image is loaded into the kind nodes (`kind load`), never pulled: a content-hash tag, never `latest`.
    imagePullPolicy: 'IfNotPresent',
    command,
    workingDir: '/app',
    resources: {
      requests: { ...resources.requests },
      limits: { ...resources.limits },
    },
    securityContext: restrictedSecurityContext(),
  };
}

/**
 * Container-level, so injected sidecars and init containers (which may need capabilities) keep their own settings.
 * Numeric uid: runAsNonRoot cannot verify a user name.
 */
function restrictedSecurityContext(): V1SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_UID,
    runAsGroup: RUN_AS_UID,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

function assertDnsLabel(value: string, what: string): void {
  if (value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw new Error(`${what} ${JSON.stringify(value)} is not a DNS-1123 label (lowercase alphanumerics and '-', at most 63)`);
  }
}

function assertInt(value: number, what: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${what} must be an integer in [${min}, ${max}], got ${value}`);
  }
}
