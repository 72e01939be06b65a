import { join } from 'node:path';
import { stringify } from 'yaml';
import type { V1Container } from '@kubernetes/client-node';
import type { ProcessRunner } from '../core/deps.js';
import type { KubeClient, KubeObject } from '../core/kube.js';
import type { ContainerClassifier } from '../metrics/roles.js';
import type { Operation } from '../platform/operations.js';
import { imageTag } from './cilium-common.js';
import { gatewayApiInstallOperations } from './gateway-api.js';
import { LINKERD_PROXY_CONTAINER, verifyLinkerd } from './linkerd-verify.js';
import type { MeshAdapter, MeshContext, ToolName, Verification } from './mesh-adapter.js';
import { controlPlaneNodeSelector, controlPlaneTolerations } from './placement.js';
import { headerEvidence, L5D_CLIENT_ID, type MeshEvidence } from './traffic-evidence.js';

/**
 * `linkerd`: Linkerd edge with its proxy injected beside every benchmark pod, installed the documented way with the
 * pinned CLI (linkerd.io 2-edge tasks/install: `linkerd install --crds | kubectl apply -f -`, then
 * `linkerd install | kubectl apply -f -`, then `linkerd check`). The CLI carries the charts and image tags of its own
 * version, so the CLI pin is the mesh pin.
 *
 * - Gateway API CRDs first: edge-26.8.3 refuses to render its CRDs without them (cli/cmd/install.go
 *   validateFinalValues → healthcheck.GatewayAPICRDsMissingError, which names Gateway API v1.5.1), and with CRDs
 *   installed by someone else it leaves them alone (updateDefaultValues: GatewayAPIExternal → installGatewayAPI false).
 *   linkerd.io 2-edge features/gateway-api gives 1.2.1–1.5.1 as compatible with Linkerd 2.20.
 * - `run-apply`: the executor applies what the command prints, server-side, in order (the Namespace first, as
 *   `linkerd install` prints it).
 * - Readiness: the three control-plane Deployments (install_default.golden at edge-26.8.3: linkerd-identity,
 *   linkerd-destination, linkerd-proxy-injector, labelled `linkerd.io/control-plane-component`), then
 *   `linkerd check --wait 5m` (cli/cmd/check.go: --wait "Maximum allowed time for all tests to pass", default 300 s),
 *   which also checks certificates, webhooks and that the control plane's own proxies are healthy.
 * - Flags: --kubeconfig and --context are root persistent flags (cli/cmd/root.go), so every command gets them.
 */
export const LINKERD_NAMESPACE = 'linkerd';
/** Namespace annotation the proxy injector acts on (linkerd.io 2-edge features/proxy-injection; pkg/k8s/labels.go ProxyInjectAnnotation). */
export const LINKERD_INJECT_ANNOTATION = 'linkerd.io/inject';

const CONTROL_PLANE_DEPLOYMENTS = [
  ['linkerd-identity', 'identity'],
  ['linkerd-destination', 'destination'],
  ['linkerd-proxy-injector', 'proxy-injector'],
] as const;

const RENDER_TIMEOUT_MS = 2 * 60_000;
const ROLLOUT_TIMEOUT_MS = 5 * 60_000;
const CHECK_WAIT = '5m';
const CHECK_TIMEOUT_MS = 6 * 60_000;

function kubeFlags(ctx: MeshContext): string[] {
  return ['--kubeconfig', ctx.kubeconfig, ...(ctx.context ? ['--context', ctx.context] : [])];
}

/**
 * Helm values for `linkerd install --values` (linkerd.io reference/cli/install: "configured by using the --set, --values,
 * --set-string and --set-file flags"): the control plane on the control-plane node (placement.ts), through the
 * chart's top-level `nodeSelector` (default `kubernetes.io/os: linux`, kept) and `tolerations` (commented out by
 * default), which every control-plane workload uses (charts/linkerd-control-plane/values.yaml at edge-26.8.3).
 */
export function linkerdPlacementValues(): string {
  return stringify({ nodeSelector: { 'kubernetes.io/os': 'linux', ...controlPlaneNodeSelector() }, tolerations: controlPlaneTolerations() });
}

export function linkerdValuesPath(ctx: MeshContext): string {
  return join(ctx.workDir, 'linkerd-values.yaml');
}

export function linkerdInstallOperations(ctx: MeshContext): Operation[] {
  const version = ctx.versions.meshes.linkerd.version;
  const values = linkerdValuesPath(ctx);
  return [
    ...gatewayApiInstallOperations(ctx),
    { op: 'run-apply', title: `Installing Linkerd ${version} CRDs`, argv: ['linkerd', 'install', '--crds', ...kubeFlags(ctx)], timeoutMs: RENDER_TIMEOUT_MS },
    {
      op: 'write-file',
      title: 'Writing Linkerd values (control plane on the control-plane node)',
      path: values,
      content: `# from mesh-bench src/mesh/linkerd.ts\n${linkerdPlacementValues()}`,
    },
    {
      op: 'run-apply',
      title: `Installing the Linkerd ${version} control plane`,
      argv: ['linkerd', 'install', '--values', values, ...kubeFlags(ctx)],
      timeoutMs: RENDER_TIMEOUT_MS,
    },
    ...CONTROL_PLANE_DEPLOYMENTS.map(
      ([name, component]): Operation => ({
        op: 'wait-rollout',
        title: `Waiting for ${name} (Deployment ${LINKERD_NAMESPACE}/${name})`,
        kind: 'Deployment',
        namespace: LINKERD_NAMESPACE,
        name,
        selector: `linkerd.io/control-plane-component=${component}`,
        timeoutMs: ROLLOUT_TIMEOUT_MS,
      }),
    ),
    { op: 'run', title: 'Checking Linkerd (linkerd check)', argv: ['linkerd', 'check', '--wait', CHECK_WAIT, ...kubeFlags(ctx)], timeoutMs: CHECK_TIMEOUT_MS },
  ];
}

/**
 * Linkerd's containers by role. Everything in the `linkerd` namespace is the control plane, including the
 * linkerd-proxy and linkerd-init containers of its own pods (install_default.golden: linkerd-identity has
 * identity + linkerd-proxy, linkerd-destination destination/sp-validator/policy + native linkerd-proxy,
 * linkerd-proxy-injector proxy-injector + native linkerd-proxy; the heartbeat CronJob): those proxies carry
 * control-plane traffic, and counting them as sidecars would charge the per-pod data-plane overhead with the cost of
 * running Linkerd at all. Elsewhere, the injected containers (charts/partials at edge-26.8.3: _proxy.tpl
 * `linkerd-proxy`, _proxy-init.tpl `linkerd-init`, _network-validator.tpl `linkerd-network-validator` with the CNI
 * plugin) are the sidecar; the init ones exit and then drop out of the kubelet's metrics.
 */
export const linkerdClassifier: ContainerClassifier = (c) => {
  if (c.namespace === LINKERD_NAMESPACE) return 'control-plane';
  if (c.container === LINKERD_PROXY_CONTAINER || c.container === 'linkerd-init' || c.container === 'linkerd-network-validator') return 'sidecar-proxy';
  return undefined;
};

/** `linkerd version`: "Client version: <v>" and "Server version: <v>" (cli/cmd/version.go; "unavailable" when unknown). */
export function parseLinkerdVersion(text: string): { client: string | null; server: string | null } {
  const find = (label: string): string | null => {
    const match = new RegExp(`^${label} version: (\\S+)\\s*$`, 'm').exec(text);
    return match?.[1] && match[1] !== 'unavailable' ? match[1] : null;
  };
  return { client: find('Client'), server: find('Server') };
}

export class LinkerdMesh implements MeshAdapter {
  readonly id = 'linkerd';
  readonly description = 'Linkerd edge: Rust micro-proxy injected beside every pod (native sidecar), mTLS by default';
  readonly kindConfig = 'default' as const;
  readonly tools: ToolName[] = ['linkerd'];
  readonly classify = linkerdClassifier;
  readonly evidence: MeshEvidence = headerEvidence(L5D_CLIENT_ID, "the server's Linkerd proxy");
  /** Diagnostics of a failed run: the control plane's pods and `linkerd check` (every check with its hint). */
  readonly diagnostics = {
    namespaces: [LINKERD_NAMESPACE],
    commands: (ctx: MeshContext) => [{ file: 'mesh-linkerd-check.txt', argv: ['linkerd', 'check', ...kubeFlags(ctx)] }],
  };

  installOperations(ctx: MeshContext): Operation[] {
    return linkerdInstallOperations(ctx);
  }

  /** Linkerd enrols by annotation, not label (see namespaceAnnotations). */
  namespaceLabels(_ctx: MeshContext): Record<string, string> {
    return {};
  }

  /** linkerd.io 2-edge features/proxy-injection: "the `linkerd.io/inject: enabled` annotation is present on a namespace". */
  namespaceAnnotations(_ctx: MeshContext): Record<string, string> {
    return { [LINKERD_INJECT_ANNOTATION]: 'enabled' };
  }

  /** Linkerd's mTLS between meshed pods needs no object (on by default, no STRICT knob like Istio's). */
  workloadObjects(_ctx: MeshContext): KubeObject[] {
    return [];
  }

  postDeployOperations(_ctx: MeshContext): Operation[] {
    return [];
  }

  verify(ctx: MeshContext, kube: KubeClient, runner: ProcessRunner): Promise<Verification> {
    return verifyLinkerd(ctx, kube, runner);
  }

  async installedVersions(ctx: MeshContext, kube: KubeClient, runner: ProcessRunner): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const reported = parseLinkerdVersion((await runner.run(['linkerd', 'version', ...kubeFlags(ctx)], { timeoutMs: 60_000 })).stdout);
    if (reported.client !== null) out['linkerd-cli'] = reported.client;
    if (reported.server !== null) out['linkerd-control-plane'] = reported.server;
    const spec = (await kube.readDeployment(LINKERD_NAMESPACE, 'linkerd-destination'))?.spec?.template.spec;
    const all: V1Container[] = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
    const controller = imageTag(all.find((c) => c.name === 'destination')?.image ?? null);
    if (controller !== null) out['linkerd-controller'] = controller;
    const proxy = imageTag(all.find((c) => c.name === LINKERD_PROXY_CONTAINER)?.image ?? null);
    if (proxy !== null) out['linkerd-proxy'] = proxy;
    return out;
  }
}

export const linkerdMesh = new LinkerdMesh();
