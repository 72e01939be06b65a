import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { V1DaemonSet } from '@kubernetes/client-node';
import type { ProcessRunner } from '../core/deps.js';
import type { KubeClient } from '../core/kube.js';
import type { ContainerClassifier } from '../metrics/roles.js';
import type { Operation } from '../platform/operations.js';
import type { MeshContext } from './mesh-adapter.js';
import { parseCiliumVersion } from './cilium-output.js';
import { controlPlaneNodeSelector, controlPlaneTolerations, type Toleration } from './placement.js';

/**
 * What the three Cilium systems (cilium, cilium-wireguard, cilium-l7) share: the Helm values, the install and
 * readiness operations, the argv of every cilium-cli call, the names of Cilium's objects and containers, and the
 * installed versions. Sources for every name and value are cited where they are used; "cilium-cli v0.19.7" means
 * github.com/cilium/cilium-cli at tag v0.19.7 (commit 7ca7fc53), whose vendor/ tree holds the CLI's own code
 * (vendor/github.com/cilium/cilium/cilium-cli/…) and the Cilium API models it parses.
 */

/** Where cilium-cli installs Cilium: its `--namespace` default (cilium-cli v0.19.7 cli/cmd.go). */
export const CILIUM_NAMESPACE = 'kube-system';

/**
 * Object and container names of the 1.20 chart. cilium-cli v0.19.7 defaults/defaults.go (AgentDaemonSetName "cilium",
 * AgentContainerName "cilium-agent", AgentPodSelector "k8s-app=cilium", EnvoyDaemonSetName "cilium-envoy",
 * OperatorDeploymentName "cilium-operator"); the same names in the chart templates (cilium-agent/daemonset.yaml,
 * cilium-envoy/daemonset.yaml, cilium-operator/deployment.yaml, hubble-relay/deployment.yaml, hubble-ui/deployment.yaml)
 * of cilium-1.20.0-pre.3.tgz as embedded in cilium-cli v0.19.7 (vendor/github.com/cilium/charts); the chart's
 * `name: cilium` default is unchanged in 1.20.0's values.yaml (cilium/charts cilium-1.20.0.tgz; reference file
 * cilium/1.20.0/values.yaml in test/reference/sources.json).
 */
export const AGENT_DAEMONSET = 'cilium';
export const AGENT_CONTAINER = 'cilium-agent';
export const AGENT_POD_SELECTOR = 'k8s-app=cilium';
export const ENVOY_DAEMONSET = 'cilium-envoy';
export const ENVOY_CONTAINER = 'cilium-envoy';
export const OPERATOR_DEPLOYMENT = 'cilium-operator';
export const OPERATOR_CONTAINER = 'cilium-operator';
export const RELAY_DEPLOYMENT = 'hubble-relay';
export const RELAY_CONTAINER = 'hubble-relay';

/** The API server port inside a kind cluster (kubeadm's default, which kind keeps). */
export const KIND_API_SERVER_PORT = 6443;

const INSTALL_TIMEOUT_MS = 10 * 60_000;
/** `cilium status --wait-duration`; the operation's own timeout is a minute longer so the CLI reports first. */
const STATUS_WAIT = '10m';
const STATUS_TIMEOUT_MS = 11 * 60_000;
const ROLLOUT_TIMEOUT_MS = 5 * 60_000;
const NODES_READY_TIMEOUT_MS = 5 * 60_000;

/**
 * The chart values mesh-bench sets, typed so a misspelt key does not compile; test/mesh-cilium-helm-values.test.ts
 * also checks every key against the 1.20.0 chart's values.yaml and the merged result against its values.schema.json.
 */
export interface CiliumHelmValues {
  /**
   * Set explicitly: left unset, cilium-cli names the cluster after the kube context (`kind-<prefix>-<system>`), and
   * Cilium refuses names over 32 characters. values.yaml 1.20.0 `cluster.name`: "at most 32 characters; begin and
   * end with a lower case alphanumeric character; may contain lower case alphanumeric characters and dashes between".
   * See ciliumClusterName.
   */
  cluster: { name: string };
  /**
   * kind runs without kube-proxy (clusters/kind/no-cni.yaml), so Cilium must replace it and be told where the API
   * server is: Documentation/network/kubernetes/kubeproxy-free.rst ("--set kubeProxyReplacement=true --set
   * k8sServiceHost=${API_SERVER_IP} --set k8sServicePort=${API_SERVER_PORT}"). A boolean, as `--set` would give:
   * the schema allows string or boolean and the templates compare `toString` of it. On kind this needs the host to
   * run cgroup v2 with a private cgroup namespace per node container (Documentation/installation/kind.rst, note on
   * Socket LB).
   */
  kubeProxyReplacement: boolean;
  /**
   * `<cluster>-control-plane`: kind's name for the control-plane node container (kind
   * pkg/cluster/internal/providers/common MakeNodeNamer), resolvable on kind's Docker network.
   */
  k8sServiceHost: string;
  k8sServicePort: number;
  /** Documentation/installation/kind.rst installs with `ipam.mode=kubernetes` (pod CIDRs from kubeadm's node allocation). */
  ipam: { mode: 'kubernetes' };
  /**
   * Default 2; one is enough on a three-node cluster. cilium-cli v0.19.7 install/helm.go sets operator.replicas=1 for
   * every install and ipam.mode=kubernetes on kind anyway; written out so the plan shows them and Helm validates them.
   */
  operator: { replicas: number; nodeSelector: Record<string, string> };
  /** Hubble on with relay (values.yaml: hubble.enabled true, hubble.relay.enabled false by default). */
  hubble: {
    enabled: boolean;
    relay: { enabled: boolean; nodeSelector: Record<string, string>; tolerations: Toleration[] };
  };
  /**
   * The standalone cilium-envoy DaemonSet. values.yaml 1.20.0 leaves `envoy.enabled: ~`, documented as "`true` for new
   * installation" (in the 1.20.0-pre.3 chart embedded in cilium-cli v0.19.7, _helpers.tpl envoyDaemonSetEnabled turns
   * null into true when l7Proxy is on, as it is by default, and upgradeCompatibility is unset or ≥ 1.16). Set
   * explicitly in all three systems, so every Cilium system runs the same components and cilium-l7 differs from cilium
   * by its policy alone.
   */
  envoy: { enabled: boolean };
  /**
   * Documentation/security/network/encryption-wireguard.rst: `--set encryption.enabled=true --set encryption.type=wireguard`;
   * encryption-ztunnel.rst (v1.20.0): the same two keys with `type=ztunnel` (cilium-ztunnel-mesh.ts).
   */
  encryption?: { enabled: boolean; type: 'wireguard' | 'ztunnel' };
}

/** Cilium's limit on `cluster.name` (values.yaml 1.20.0). */
export const CILIUM_CLUSTER_NAME_MAX = 32;

/**
 * The kind cluster's name when it fits Cilium's rules, else a deterministic shortening: its first characters and 6
 * hex digits of its SHA-256, so two long prefixes never collide by truncation alone.
 */
export function ciliumClusterName(kindCluster: string): string {
  const clean = kindCluster.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '');
  if (clean.length > 0 && clean.length <= CILIUM_CLUSTER_NAME_MAX) return clean;
  const hash = createHash('sha256').update(kindCluster).digest('hex').slice(0, 6);
  const head = clean.slice(0, CILIUM_CLUSTER_NAME_MAX - hash.length - 1).replace(/-+$/, '');
  return head ? `${head}-${hash}` : hash;
}

export interface CiliumInstallOptions {
  wireguard: boolean;
}

/**
 * Routing mode and tunnel protocol are left at the chart's defaults (routingMode "" = tunnel, tunnelProtocol "" =
 * vxlan: values.yaml 1.20.0); neither kind.rst nor kubeproxy-free.rst asks for anything else on kind.
 */
export function ciliumHelmValues(ctx: MeshContext, opts: CiliumInstallOptions): CiliumHelmValues {
  const values: CiliumHelmValues = {
    cluster: { name: ciliumClusterName(ctx.clusterName) },
    kubeProxyReplacement: true,
    k8sServiceHost: `${ctx.clusterName}-control-plane`,
    k8sServicePort: KIND_API_SERVER_PORT,
    ipam: { mode: 'kubernetes' },
    // Placement (placement.ts): the operator's default tolerations already include the control-plane taint (values.yaml 1.20.0
    // operator.tolerations); hubble-relay's default is none, so it gets the toleration here.
    operator: { replicas: 1, nodeSelector: controlPlaneNodeSelector() },
    hubble: {
      enabled: true,
      relay: { enabled: true, nodeSelector: controlPlaneNodeSelector(), tolerations: controlPlaneTolerations() },
    },
    envoy: { enabled: true },
  };
  if (opts.wireguard) values.encryption = { enabled: true, type: 'wireguard' };
  return values;
}

export function ciliumValuesPath(ctx: MeshContext): string {
  return join(ctx.workDir, 'cilium-values.yaml');
}

/**
 * `cilium <args…> --kubeconfig <file> [--context <name>]`. cilium-cli has both as persistent root flags (cilium-cli
 * v0.19.7 cli/cmd.go: `--kubeconfig` "Path to the kubeconfig file", `--context` "Kubernetes configuration context";
 * docs.cilium.io cmdref/cilium), and uses the same kubeconfig for its Helm actions (k8s/client.go NewClient), so no
 * KUBECONFIG environment variable is needed.
 */
export function ciliumCli(ctx: MeshContext, args: readonly string[]): string[] {
  return ['cilium', ...args, ...kubeconfigFlags(ctx)];
}

/** kubectl's own `--kubeconfig`/`--context` flags, for the one kubectl call the Cilium verification makes. */
export function kubectl(ctx: MeshContext, args: readonly string[]): string[] {
  return ['kubectl', ...args, ...kubeconfigFlags(ctx)];
}

function kubeconfigFlags(ctx: MeshContext): string[] {
  return ['--kubeconfig', ctx.kubeconfig, ...(ctx.context !== undefined ? ['--context', ctx.context] : [])];
}

/**
 * Install, then wait. Flags (cilium-cli v0.19.7 cli/install.go, docs.cilium.io cmdref/cilium_install):
 * - `--version`: without it cilium-cli installs its default, the newest release chart it embeds (1.19.5 in v0.19.7:
 *   internal/helm GetDefaultVersionString over vendor/github.com/cilium/charts), not our pin;
 * - `--repository`: the chart repository; 1.20.0 is not embedded in v0.19.7, so it is downloaded from there
 *   (internal/helm resolveChartVersion → newChartFromRemoteWithCache);
 * - `--values`: cilium-cli's `--helm-values`/`-f`, which its normalizeFlags maps to the name `values`.
 * Readiness: `cilium status --wait --wait-duration` (cli/status.go) waits until no component reports an error or a
 * warning; `--interactive=false` stops it redrawing the summary with terminal escapes into our captured output.
 * The rollout waits after it name the object that is not ready when something is wrong.
 */
export function ciliumInstallOperations(
  ctx: MeshContext,
  opts: CiliumInstallOptions,
  /** A system that needs more values (Cilium under Istio ambient) passes ciliumHelmValues(ctx, opts) plus its own. */
  values: CiliumHelmValues = ciliumHelmValues(ctx, opts),
): Operation[] {
  const pins = ctx.versions.meshes.cilium;
  const valuesPath = ciliumValuesPath(ctx);
  return [
    {
      op: 'write-file',
      title: 'Writing Cilium Helm values',
      path: valuesPath,
      content: `# Cilium ${pins.chartVersion} Helm values, from mesh-bench src/mesh/cilium-common.ts\n${stringify(values)}`,
    },
    {
      op: 'run',
      title: `Installing Cilium ${pins.chartVersion}`,
      argv: ciliumCli(ctx, ['install', '--version', pins.chartVersion, '--repository', pins.chartRepository, '--values', valuesPath]),
      timeoutMs: INSTALL_TIMEOUT_MS,
    },
    {
      op: 'run',
      title: 'Waiting for Cilium to report ready',
      argv: ciliumCli(ctx, ['status', '--wait', '--wait-duration', STATUS_WAIT, '--interactive=false']),
      timeoutMs: STATUS_TIMEOUT_MS,
    },
    // Cilium is the CNI: only now can the nodes become Ready, and nothing else can be scheduled before they are.
    { op: 'wait-nodes', title: 'Waiting for every node to be Ready (Cilium is the CNI)', minNodes: 1, timeoutMs: NODES_READY_TIMEOUT_MS },
    rollout('DaemonSet', AGENT_DAEMONSET, 'Cilium agent'),
    rollout('Deployment', OPERATOR_DEPLOYMENT, 'Cilium operator'),
    rollout('DaemonSet', ENVOY_DAEMONSET, 'Cilium Envoy'),
    rollout('Deployment', RELAY_DEPLOYMENT, 'Hubble Relay'),
  ];
}

function rollout(kind: 'Deployment' | 'DaemonSet', name: string, what: string): Operation {
  return {
    op: 'wait-rollout',
    title: `Waiting for ${what} (${kind} ${CILIUM_NAMESPACE}/${name})`,
    kind,
    namespace: CILIUM_NAMESPACE,
    name,
    timeoutMs: ROLLOUT_TIMEOUT_MS,
  };
}

/** DaemonSet pods are `<daemonset>-<5 random characters>`, so an agent pod is `cilium-xxxxx` (not `cilium-envoy-…`). */
const AGENT_POD = /^cilium-[a-z0-9]{5}$/;
/**
 * The agent pod's containers besides cilium-agent, by the names in cilium-agent/daemonset.yaml (1.20.0-pre.3 chart):
 * the optional cilium-monitor sidecar and the init containers. Their names are generic, so they count only in an
 * agent pod.
 */
const AGENT_HELPER_CONTAINERS = new Set([
  'cilium-monitor',
  'config',
  'mount-cgroup',
  'apply-sysctl-overwrites',
  'mount-bpf-fs',
  'wait-for-node-init',
  'clean-cilium-state',
  'wait-for-kube-proxy',
  'install-cni-binaries',
]);

/**
 * Cilium's containers: the per-node agent and Envoy are node agents; the operator and Hubble's relay and UI are the
 * control plane. Workload pods get no container from Cilium (the datapath is eBPF in the kernel, outside any
 * container), so a Cilium run's per-pod overhead shows up on the node agents.
 */
export const classifyCiliumContainer: ContainerClassifier = (c) => {
  if (c.namespace !== CILIUM_NAMESPACE) return undefined;
  switch (c.container) {
    case AGENT_CONTAINER:
    case ENVOY_CONTAINER:
      return 'node-agent';
    case OPERATOR_CONTAINER:
    case RELAY_CONTAINER:
      return 'control-plane';
  }
  if (AGENT_POD.test(c.pod) && AGENT_HELPER_CONTAINERS.has(c.container)) return 'node-agent';
  // cilium-envoy/daemonset.yaml's init container.
  if (c.pod.startsWith(`${ENVOY_DAEMONSET}-`) && c.container === 'lookup-bootstrap-locality') return 'node-agent';
  // hubble-ui/deployment.yaml: containers `frontend` and `backend`.
  if (c.pod.startsWith('hubble-ui-') && (c.container === 'frontend' || c.container === 'backend')) return 'control-plane';
  return undefined;
};

/**
 * The versions as installed: cilium-cli's own and the Helm release's (from `cilium version`), and the image tags the
 * agent and Envoy DaemonSets actually run.
 */
export async function ciliumInstalledVersions(
  ctx: MeshContext,
  kube: KubeClient,
  runner: ProcessRunner,
): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  const out = await runner.run(ciliumCli(ctx, ['version']), { timeoutMs: 60_000 });
  const reported = parseCiliumVersion(out.stdout);
  if (reported.cli !== null) versions['cilium-cli'] = reported.cli;
  if (reported.running !== null) versions['cilium-chart'] = reported.running;
  const agent = imageTag(containerImage(await kube.readDaemonSet(CILIUM_NAMESPACE, AGENT_DAEMONSET), AGENT_CONTAINER));
  if (agent !== null) versions['cilium-agent'] = agent;
  const envoy = imageTag(containerImage(await kube.readDaemonSet(CILIUM_NAMESPACE, ENVOY_DAEMONSET), ENVOY_CONTAINER));
  if (envoy !== null) versions['cilium-envoy'] = envoy;
  return versions;
}

function containerImage(ds: V1DaemonSet | null, container: string): string | null {
  return ds?.spec?.template.spec?.containers.find((c) => c.name === container)?.image ?? null;
}

/** `quay.io/cilium/cilium:v1.20.0@sha256:…` → `v1.20.0`; an image pinned by digest alone → its digest. */
export function imageTag(image: string | null): string | null {
  if (image === null) return null;
  const [name = image, digest] = image.split('@', 2);
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) return name.slice(colon + 1);
  return digest ?? null;
}
