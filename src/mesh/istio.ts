import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ProcessRunner } from '../core/deps.js';
import type { KubeClient, KubeObject } from '../core/kube.js';
import type { ContainerClassifier } from '../metrics/roles.js';
import type { Operation } from '../platform/operations.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../platform/manifests.js';
import { gatewayApiInstallOperations } from './gateway-api.js';
import { ciliumForIstioAmbientOperations } from './istio-cilium.js';
import { CILIUM_NAMESPACE, classifyCiliumContainer } from './cilium-common.js';
import { GATEWAY_NAME_LABEL, ISTIO_NAMESPACE, ISTIO_PROXY_CONTAINER, verifyIstioAmbient, verifyIstioSidecar } from './istio-verify.js';
import { istioInstalledVersions } from './istio-versions.js';
import type { MeshAdapter, MeshContext, ToolName, Verification } from './mesh-adapter.js';
import { controlPlaneNodeSelector, controlPlaneTolerations } from './placement.js';
import { istioAmbientEvidence } from './istio-evidence.js';
import { headerEvidence, XFCC, type MeshEvidence } from './traffic-evidence.js';

/**
 * Istio 1.30 in its two data-plane modes, installed with the pinned `istioctl` (which carries the charts and images of
 * its own version, so the CLI pin is the mesh pin).
 *
 * Profiles (istio/istio manifests/profiles/ at 1.30.3, reference files istio/1.30.3/profiles/ in
 * test/reference/sources.json; istioctl renders every profile as an overlay on default.yaml,
 * operator/pkg/render/manifest.go):
 * - sidecar mode uses `minimal`, not `default`: default = base + istiod + istio-ingressgateway, and minimal is default
 *   with the ingress gateway disabled ("will install just the core control plane"). No benchmark request goes through
 *   an ingress gateway, so it would only add an idle Envoy whose resources no role should carry; the ambient profile
 *   disables it too, so both Istio variants install the same control plane.
 * - ambient mode uses `ambient`: default + istio-cni + ztunnel, ingress gateway off, `values.profile: ambient`, whose
 *   Helm overlay (helm-profiles/ambient.yaml) turns on PILOT_ENABLE_AMBIENT, HBONE and the CNI's ambient mode.
 * - kind needs no `values.global.platform`: istio.io docs/ambient/install/platform-prerequisites lists GKE, EKS, k3d,
 *   K3s, MicroK8s, minikube and OpenShift, not kind. The command is the one of docs/ambient/install/istioctl
 *   (`istioctl install --set profile=ambient --skip-confirmation`), with the long flag for -y so plans read plainly.
 *
 * Readiness: `istioctl verify-install` is gone in 1.30 (no such command under istioctl/ at 1.30.3); `istioctl install`
 * itself waits for its components (install.go: SkipWait false, --readiness-timeout default 300 s), and the
 * wait-rollout operations after it make the readiness explicit in the plan and in the failure message.
 *
 * Flags (istioctl 1.30.3 source): `install` has --skip-confirmation/-y, --set/-s, --readiness-timeout
 * (operator/cmd/mesh/install.go addInstallFlags); --kubeconfig/-c and --context are root persistent flags
 * (istioctl/pkg/cli/option.go AddRootFlags).
 */

export type IstioVariant = 'sidecar' | 'ambient' | 'ambient-waypoint' | 'ambient-cilium';

/** Namespace waypoint name: `istioctl waypoint` defaults to it (constants.DefaultNamespaceWaypoint), and so do the docs. */
export const WAYPOINT_NAME = 'waypoint';
/** Waypoint GatewayClass that istiod provides when ambient is on (constants.WaypointGatewayClassName). */
export const WAYPOINT_GATEWAY_CLASS = 'istio-waypoint';

export const ISTIO_INJECTION_LABEL = 'istio-injection';
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
export const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
export const WAYPOINT_FOR_LABEL = 'istio.io/waypoint-for';

const ISTIOCTL_INSTALL_TIMEOUT_MS = 10 * 60_000;
const ROLLOUT_TIMEOUT_MS = 5 * 60_000;

/** `--kubeconfig <file> [--context <name>]`, for istioctl and kubectl alike. */
export function kubeFlags(ctx: MeshContext): string[] {
  return ['--kubeconfig', ctx.kubeconfig, ...(ctx.context ? ['--context', ctx.context] : [])];
}

/**
 * The IstioOperator overlay istioctl gets with `--filename` (istioctl 1.30.3 operator/cmd/mesh/install.go: -f/--filename
 * "Path to file containing IstioOperator custom resource"; `--set profile=…` still picks the profile): istiod on the
 * control-plane node (placement.ts), through the istio-discovery chart's `pilot.nodeSelector` and `pilot.tolerations`
 * (manifests/charts/istio-control/istio-discovery/values.yaml at 1.30.3, both empty by default; istioctl hands
 * `spec.values.pilot` to that chart as its root: operator/pkg/component/component.go, ToHelmValuesTreeRoot "pilot"). ztunnel and istio-cni are DaemonSets: one per node by design.
 */
export function istioOperatorOverlay(): string {
  return stringify({
    apiVersion: 'install.istio.io/v1alpha1',
    kind: 'IstioOperator',
    spec: { values: { pilot: { nodeSelector: controlPlaneNodeSelector(), tolerations: controlPlaneTolerations() } } },
  });
}

export function istioOperatorPath(ctx: MeshContext): string {
  return join(ctx.workDir, 'istio-operator.yaml');
}

/** `istioctl install` with a profile, then explicit readiness of what that profile deploys. */
export function istioInstallOperations(ctx: MeshContext, profile: 'minimal' | 'ambient'): Operation[] {
  const version = ctx.versions.meshes.istio.version;
  const overlay = istioOperatorPath(ctx);
  const ops: Operation[] = [
    {
      op: 'write-file',
      title: 'Writing the IstioOperator overlay (istiod on the control-plane node)',
      path: overlay,
      content: `# from mesh-bench src/mesh/istio.ts\n${istioOperatorOverlay()}`,
    },
    {
      op: 'run',
      title: `Installing Istio ${version} (profile ${profile})`,
      argv: ['istioctl', 'install', '--skip-confirmation', '--set', `profile=${profile}`, '--filename', overlay, ...kubeFlags(ctx)],
      timeoutMs: ISTIOCTL_INSTALL_TIMEOUT_MS,
    },
    // Names and labels: operator/pkg/component/component.go (istiod/discovery, istio-cni-node/install-cni,
    // ztunnel/istio-proxy) and the charts' pod labels (istiod `app: istiod`, istio-cni `k8s-app: istio-cni-node`,
    // ztunnel `app: ztunnel`), all in istio-system.
    rollout('Deployment', 'istiod', 'app=istiod'),
  ];
  if (profile === 'ambient') {
    ops.push(rollout('DaemonSet', 'istio-cni-node', 'k8s-app=istio-cni-node'), rollout('DaemonSet', 'ztunnel', 'app=ztunnel'));
  }
  return ops;
}

function rollout(kind: 'Deployment' | 'DaemonSet', name: string, selector: string): Operation {
  return {
    op: 'wait-rollout',
    title: `Waiting for ${name} (${kind} ${ISTIO_NAMESPACE}/${name})`,
    kind,
    namespace: ISTIO_NAMESPACE,
    name,
    selector,
    timeoutMs: ROLLOUT_TIMEOUT_MS,
  };
}

/**
 * Namespace-wide STRICT mTLS: the `default` PeerAuthentication without selector in the workload's namespace, the
 * namespace example of istio/api security/v1beta1/peer_authentication.proto ("Policy to require mTLS traffic for all
 * workloads under namespace `foo`"). In the benchmark namespace rather than the root namespace so that it goes away
 * with the namespace and covers exactly the workload.
 */
export function strictPeerAuthentication(namespace: string): KubeObject {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
    spec: { mtls: { mode: 'STRICT' } },
  };
}

/**
 * The namespace waypoint as a Gateway object: what `istioctl waypoint generate --for service` prints (istio.io
 * docs/ambient/usage/waypoint "Deploy a waypoint proxy": "Or, you can deploy the generated Gateway resource", and
 * istioctl/pkg/waypoint/waypoint.go makeGateway at 1.30.3: listener `mesh`, port 15008, protocol HBONE). Declarative
 * rather than `istioctl waypoint apply --enroll-namespace --wait`, because the namespace does not exist yet when the
 * mesh is installed, and because its enrolment label is then set when the namespace is created (namespaceLabels),
 * before any workload pod, like every other system. The Gateway's labels are copied to the waypoint's Deployment and
 * pods (InfrastructureLabels), so the managed-by label marks them too.
 */
export function waypointGateway(namespace: string, name = WAYPOINT_NAME): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {
      name,
      namespace,
      // `service` is also what istiod assumes without the label; written out so the plan says what the waypoint takes.
      labels: { [WAYPOINT_FOR_LABEL]: 'service', [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    },
    spec: {
      gatewayClassName: WAYPOINT_GATEWAY_CLASS,
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    },
  };
}

/**
 * Istio's containers by role. ContainerRef carries no pod labels, so pods are told apart by name: the DaemonSet and
 * Deployment names fix the pod name prefixes (`ztunnel-…`, `istio-cni-node-…`, `istiod-…`, and the waypoint's
 * Deployment is named after its Gateway with no suffix for the istio-waypoint class, gatewaycommon/classinfo.go
 * DisableNameSuffix). Init containers that exit (`istio-init`, `istio-validation`) are counted with the sidecar,
 * though the kubelet stops reporting a container once it has exited.
 */
export const istioClassifier: ContainerClassifier = (c) => {
  if (c.namespace === ISTIO_NAMESPACE) {
    if (c.pod.startsWith('istiod-')) return 'control-plane';
    // ztunnel's one container is also called istio-proxy (component.go ContainerName), so the pod decides.
    if (c.pod.startsWith('ztunnel-') || c.pod.startsWith('istio-cni-node-')) return 'node-agent';
    return undefined;
  }
  if (c.container === ISTIO_PROXY_CONTAINER) return c.pod.startsWith(`${WAYPOINT_NAME}-`) ? 'waypoint' : 'sidecar-proxy';
  if (c.container === 'istio-init' || c.container === 'istio-validation') return 'sidecar-proxy';
  return undefined;
};

const DESCRIPTIONS: Record<IstioVariant, string> = {
  sidecar: 'Istio sidecar mode (Envoy beside every pod), namespace-wide STRICT mTLS',
  ambient: 'Istio ambient mode: ztunnel per node, L4 mTLS (HBONE), no sidecars',
  'ambient-waypoint': 'Istio ambient mode with a namespace waypoint (Envoy) for L7',
  'ambient-cilium': 'Istio ambient mode on Cilium as the CNI (chained, not exclusive)',
};

export class IstioMesh implements MeshAdapter {
  readonly id: string;
  readonly description: string;
  readonly kindConfig: 'default' | 'no-cni';
  readonly tools: ToolName[];
  readonly evidence: MeshEvidence;
  readonly diagnostics: NonNullable<MeshAdapter['diagnostics']>;

  constructor(readonly variant: IstioVariant) {
    this.id = variant === 'sidecar' ? 'istio' : `istio-${variant}`;
    this.description = DESCRIPTIONS[variant];
    this.kindConfig = variant === 'ambient-cilium' ? 'no-cni' : 'default';
    // cilium-common installs Cilium with cilium-cli (`cilium install`), not helm.
    this.tools = variant === 'ambient-cilium' ? ['istioctl', 'cilium'] : ['istioctl'];
    // Diagnostics of a failed run (istioctl 1.30.3: `proxy-status` lists every proxy and its xDS sync state;
    // `ztunnel-config workloads` what ztunnel knows of each workload, with its protocol HBONE or TCP).
    this.diagnostics = {
      namespaces: variant === 'ambient-cilium' ? [ISTIO_NAMESPACE, CILIUM_NAMESPACE] : [ISTIO_NAMESPACE],
      commands: (ctx: MeshContext) => [
        { file: 'mesh-istioctl-proxy-status.txt', argv: ['istioctl', 'proxy-status', ...kubeFlags(ctx)] },
        ...(variant === 'sidecar' ? [] : [{ file: 'mesh-istioctl-ztunnel-workloads.txt', argv: ['istioctl', 'ztunnel-config', 'workloads', ...kubeFlags(ctx)] }]),
      ],
    };
    this.evidence =
      variant === 'sidecar'
        ? headerEvidence(XFCC, "the server's Istio sidecar")
        : istioAmbientEvidence(variant === 'ambient-waypoint' ? WAYPOINT_NAME : null);
  }

  installOperations(ctx: MeshContext): Operation[] {
    switch (this.variant) {
      case 'sidecar':
        return istioInstallOperations(ctx, 'minimal');
      case 'ambient':
        return istioInstallOperations(ctx, 'ambient');
      case 'ambient-waypoint':
        // The CRDs first, as in docs/ambient/install/istioctl ("Install or upgrade the Kubernetes Gateway API CRDs"
        // before "Install Istio using the ambient profile"). Plain ambient (L4 only) uses no Gateway API object, so
        // the other ambient systems go without.
        return [...gatewayApiInstallOperations(ctx), ...istioInstallOperations(ctx, 'ambient')];
      case 'ambient-cilium':
        return [...ciliumForIstioAmbientOperations(ctx), ...istioInstallOperations(ctx, 'ambient')];
    }
  }

  namespaceLabels(_ctx: MeshContext): Record<string, string> {
    switch (this.variant) {
      case 'sidecar':
        // istio.io docs (setup/additional-setup/sidecar-injection): `kubectl label namespace … istio-injection=enabled`.
        return { [ISTIO_INJECTION_LABEL]: 'enabled' };
      case 'ambient':
      case 'ambient-cilium':
        // istio/api label/labels.yaml: istio.io/dataplane-mode, values `ambient` | `none`.
        return { [DATAPLANE_MODE_LABEL]: 'ambient' };
      case 'ambient-waypoint':
        // docs/ambient/usage/waypoint "Use a waypoint proxy": the namespace label names the waypoint.
        return { [DATAPLANE_MODE_LABEL]: 'ambient', [USE_WAYPOINT_LABEL]: WAYPOINT_NAME };
    }
  }

  workloadObjects(ctx: MeshContext): KubeObject[] {
    if (this.variant === 'sidecar') return [strictPeerAuthentication(ctx.namespace)];
    // Ambient: traffic between enrolled pods is always mTLS over HBONE (peer_authentication.proto: "In ambient mode,
    // security is transparently enabled for a pod by the ztunnel node agent").
    if (this.variant === 'ambient-waypoint') return [waypointGateway(ctx.namespace)];
    return [];
  }

  postDeployOperations(ctx: MeshContext): Operation[] {
    if (this.variant !== 'ambient-waypoint') return [];
    return [
      {
        op: 'wait-rollout',
        title: `Waiting for the waypoint (Deployment ${ctx.namespace}/${WAYPOINT_NAME})`,
        kind: 'Deployment',
        namespace: ctx.namespace,
        name: WAYPOINT_NAME,
        selector: `${GATEWAY_NAME_LABEL}=${WAYPOINT_NAME}`,
        timeoutMs: ROLLOUT_TIMEOUT_MS,
      },
    ];
  }

  verify(ctx: MeshContext, kube: KubeClient, _runner: ProcessRunner): Promise<Verification> {
    const labels = this.namespaceLabels(ctx);
    if (this.variant === 'sidecar') return verifyIstioSidecar(ctx, kube, labels);
    return verifyIstioAmbient(ctx, kube, this.variant === 'ambient-waypoint' ? { labels, waypoint: WAYPOINT_NAME } : { labels });
  }

  readonly classify: ContainerClassifier = (c) => {
    if (this.variant === 'ambient-cilium') return istioClassifier(c) ?? classifyCiliumContainer(c);
    return istioClassifier(c);
  };

  installedVersions(ctx: MeshContext, kube: KubeClient, runner: ProcessRunner): Promise<Record<string, string>> {
    return istioInstalledVersions(ctx, kube, runner, this.variant);
  }
}

export const istioSidecar = new IstioMesh('sidecar');
export const istioAmbient = new IstioMesh('ambient');
export const istioAmbientWaypoint = new IstioMesh('ambient-waypoint');
export const istioAmbientCilium = new IstioMesh('ambient-cilium');
/** Every Istio system, by id. */
export const istioMeshes: readonly IstioMesh[] = [istioSidecar, istioAmbient, istioAmbientWaypoint, istioAmbientCilium];
