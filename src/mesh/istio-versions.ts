import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { ProcessRunner } from '../core/deps.js';
import type { KubeClient } from '../core/kube.js';
import { ciliumInstalledVersions, imageTag } from './cilium-common.js';
import type { IstioVariant } from './istio.js';
import { ISTIO_NAMESPACE, ISTIO_PROXY_CONTAINER, WORKLOAD_POD_SELECTOR } from './istio-verify.js';
import type { MeshContext } from './mesh-adapter.js';

/**
 * What Istio reports about itself. `istioctl version -o json` prints `json.MarshalIndent` of pkg/version/cobra.go's
 * Version struct (istio 1.30.3; shape in reference file cli-samples/istio/version-json.shape.json,
 * test/reference/sources.json): lowercase `clientVersion` / `meshVersion` / `dataPlaneVersion`, but ServerInfo and
 * ProxyInfo have no json tags, so their keys are the Go field names (`Component`, `Info`, `IstioVersion`). `--remote`
 * defaults to true for `istioctl version` (istioctl/pkg/version/version.go); without a reachable istiod, meshVersion is
 * simply absent.
 */
export interface IstioctlVersion {
  client: string;
  /** Versions reported by the control plane pods (`Component` is the istiod pods' `istio` label, `pilot`). */
  controlPlane: string[];
  /** Distinct proxy versions seen by istiod. */
  dataPlane: string[];
}

export function parseIstioctlVersionJson(text: string): IstioctlVersion {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`istioctl version -o json: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isObject(data)) throw new Error('istioctl version -o json: not a JSON object');
  const client = isObject(data.clientVersion) ? data.clientVersion.version : undefined;
  if (typeof client !== 'string' || client === '') throw new Error('istioctl version -o json: no clientVersion.version');
  const controlPlane = Array.isArray(data.meshVersion)
    ? data.meshVersion.flatMap((m) => (isObject(m) && isObject(m.Info) && typeof m.Info.version === 'string' ? [m.Info.version] : []))
    : [];
  const dataPlane = Array.isArray(data.dataPlaneVersion)
    ? data.dataPlaneVersion.flatMap((p) => (isObject(p) && typeof p.IstioVersion === 'string' ? [p.IstioVersion] : []))
    : [];
  return { client, controlPlane: distinct(controlPlane), dataPlane: distinct(dataPlane) };
}

/**
 * Versions as installed: the CLI's and the control plane's own report, plus the tags of the images actually running
 * (with their variant, e.g. `1.30.3-distroless`). Keys in the style of cilium-common's ciliumInstalledVersions.
 */
export async function istioInstalledVersions(
  ctx: MeshContext,
  kube: KubeClient,
  runner: ProcessRunner,
  variant: IstioVariant,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const argv = ['istioctl', 'version', '-o', 'json', '--kubeconfig', ctx.kubeconfig, ...(ctx.context ? ['--context', ctx.context] : [])];
  const reported = parseIstioctlVersionJson((await runner.run(argv, { timeoutMs: 60_000 })).stdout);
  out['istioctl'] = reported.client;
  if (reported.controlPlane.length > 0) out['istio-control-plane'] = reported.controlPlane.join(', ');
  if (reported.dataPlane.length > 0) out['istio-data-plane'] = reported.dataPlane.join(', ');

  const istiod = await kube.readDeployment(ISTIO_NAMESPACE, 'istiod');
  setImage(out, 'istiod', istiod?.spec?.template.spec?.containers, 'discovery');
  if (variant === 'sidecar') {
    const pod = (await kube.listPods(ctx.namespace, WORKLOAD_POD_SELECTOR))[0];
    setImage(out, 'istio-proxy', proxyContainers(pod), ISTIO_PROXY_CONTAINER);
  } else {
    const ztunnel = await kube.readDaemonSet(ISTIO_NAMESPACE, 'ztunnel');
    setImage(out, 'ztunnel', ztunnel?.spec?.template.spec?.containers, ISTIO_PROXY_CONTAINER);
    const cni = await kube.readDaemonSet(ISTIO_NAMESPACE, 'istio-cni-node');
    setImage(out, 'istio-cni', cni?.spec?.template.spec?.containers, 'install-cni');
  }
  if (variant === 'ambient-waypoint') {
    const waypoint = await kube.readDeployment(ctx.namespace, 'waypoint');
    setImage(out, 'waypoint', waypoint?.spec?.template.spec?.containers, ISTIO_PROXY_CONTAINER);
  }
  if (variant === 'ambient-cilium') Object.assign(out, await ciliumInstalledVersions(ctx, kube, runner));
  return out;
}

function proxyContainers(pod: V1Pod | undefined): V1Container[] {
  return [...(pod?.spec?.initContainers ?? []), ...(pod?.spec?.containers ?? [])];
}

function setImage(out: Record<string, string>, key: string, containers: V1Container[] | undefined, name: string): void {
  const tag = imageTag(containers?.find((c) => c.name === name)?.image ?? null);
  if (tag !== null) out[key] = tag;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}
