import type { Operation } from '../platform/operations.js';
import { ciliumHelmValues, ciliumInstallOperations, type CiliumHelmValues } from './cilium-common.js';
import type { MeshContext } from './mesh-adapter.js';

/**
 * Cilium as the CNI under Istio ambient (istio-ambient-cilium): the Cilium install of src/mesh/cilium-common.ts (same
 * chart pin, same base values as the Cilium systems, kube-proxy replacement because clusters/kind/no-cni.yaml has no
 * kube-proxy), plus the values Istio needs:
 * - `cni.exclusive: false`: istio.io docs/ambient/install/platform-prerequisites, "Cilium": Cilium "defaults to
 *   proactively deleting other CNI plugins and their config, and must be configured with cni.exclusive = false to
 *   properly support chaining" (istio-cni adds itself to the node's CNI config). istioctl 1.30.3 warns otherwise:
 *   operator/pkg/apis/validation/validation.go detectCniIncompatibility, "detected Cilium CNI with
 *   'cni-exclusive=true'".
 * - `bpf.masquerade: false`: same doc, "Enabling BPF masquerading via bpf.masquerade=true is not currently supported,
 *   and results in non-functional pod health checks in Istio ambient"; validation.go warns on
 *   'enable-bpf-masquerade=true' when ztunnel is enabled (istio/istio#52208). False is the chart's effective default
 *   (values.yaml 1.20.0: `bpf.masquerade: ~`, "@default -- false"); written out so the plan shows it.
 * - `socketLB.hostNamespaceOnly: true`: kube-proxy replacement turns on socket-level load balancing, which would
 *   translate a Service address to a pod address inside the pod's own namespace, before Istio's redirection sees it.
 *   docs.cilium.io network/servicemesh/istio ("Cilium must be deployed with … the socketLB.hostNamespaceOnly Helm
 *   value"), values.yaml 1.20.0 ("Disable socket lb for non-root ns. This is used to enable Istio routing rules"), and
 *   validation.go: "detected Cilium CNI with 'bpf-lb-sock=true'; this requires 'bpf-lb-sock-hostns-only=true'".
 */
export interface CiliumForIstioAmbientValues extends CiliumHelmValues {
  cni: { exclusive: false };
  bpf: { masquerade: false };
  socketLB: { hostNamespaceOnly: true };
}

export function ciliumForIstioAmbientValues(ctx: MeshContext): CiliumForIstioAmbientValues {
  return {
    ...ciliumHelmValues(ctx, { wireguard: false }),
    cni: { exclusive: false },
    bpf: { masquerade: false },
    socketLB: { hostNamespaceOnly: true },
  };
}

/** Cilium's install operations (cilium-common) with the values Istio ambient needs. */
export function ciliumForIstioAmbientOperations(ctx: MeshContext): Operation[] {
  return ciliumInstallOperations(ctx, { wireguard: false }, ciliumForIstioAmbientValues(ctx));
}
