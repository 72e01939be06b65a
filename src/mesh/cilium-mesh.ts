import type { V1Pod } from '@kubernetes/client-node';
import type { ProcessRunner } from '../core/deps.js';
import type { KubeClient, KubeObject } from '../core/kube.js';
import type { Operation } from '../platform/operations.js';
import { CILIUM_NAMESPACE, ciliumCli, ciliumInstallOperations, ciliumInstalledVersions, classifyCiliumContainer } from './cilium-common.js';
import type { CiliumStatusReport } from './cilium-output.js';
import {
  checkCiliumHealthy,
  checkWorkloadEndpoints,
  readCiliumStatus,
  verification,
  workloadPods,
  type CheckResult,
} from './cilium-verify.js';
import type { MeshAdapter, MeshContext, ToolName, Verification } from './mesh-adapter.js';
import { ciliumEvidence } from './cilium-evidence.js';
import type { MeshEvidence } from './traffic-evidence.js';

/**
 * `cilium`: Cilium as the CNI with its eBPF kube-proxy replacement and Hubble. Every pod is enrolled by being wired by
 * the CNI, so there is no namespace label and nothing beside the workload. The WireGuard and L7 systems extend this
 * one (cilium-wireguard-mesh.ts, cilium-l7-mesh.ts) and differ only where they override it.
 */
export class CiliumMesh implements MeshAdapter {
  readonly id: string = 'cilium';
  readonly description: string = 'Cilium CNI: eBPF datapath with kube-proxy replacement and Hubble, no proxy on the request path';
  readonly kindConfig = 'no-cni' as const;
  /** cilium-cli installs the chart itself (Helm as a library), so the helm binary is not needed. */
  readonly tools: ToolName[] = ['cilium'];
  readonly classify = classifyCiliumContainer;
  readonly evidence: MeshEvidence = ciliumEvidence('datapath');
  /** Diagnostics of a failed run: Cilium's pods and `cilium status` (its summary of every component and endpoint). */
  readonly diagnostics = {
    namespaces: [CILIUM_NAMESPACE],
    commands: (ctx: MeshContext) => [{ file: 'mesh-cilium-status.txt', argv: ciliumCli(ctx, ['status', '--interactive=false']) }],
  };
  protected readonly wireguard: boolean = false;

  installOperations(ctx: MeshContext): Operation[] {
    return ciliumInstallOperations(ctx, { wireguard: this.wireguard });
  }

  namespaceLabels(_ctx: MeshContext): Record<string, string> {
    return {};
  }

  workloadObjects(_ctx: MeshContext): KubeObject[] {
    return [];
  }

  postDeployOperations(_ctx: MeshContext): Operation[] {
    return [];
  }

  async verify(ctx: MeshContext, kube: KubeClient, runner: ProcessRunner): Promise<Verification> {
    const status = await readCiliumStatus(ctx, runner);
    if ('problem' in status) return { ok: false, evidence: [], problem: status.problem };
    const pods = await workloadPods(kube, ctx.namespace);
    return verification([
      checkCiliumHealthy(status.report),
      checkWorkloadEndpoints(status.report, pods, ctx.namespace),
      ...(await this.systemChecks(ctx, kube, runner, status.report, pods)),
    ]);
  }

  /** What a variant proves beyond "the workload pods are healthy Cilium endpoints". */
  protected async systemChecks(
    _ctx: MeshContext,
    _kube: KubeClient,
    _runner: ProcessRunner,
    _status: CiliumStatusReport,
    _pods: readonly V1Pod[],
  ): Promise<CheckResult[]> {
    return [];
  }

  installedVersions(ctx: MeshContext, kube: KubeClient, runner: ProcessRunner): Promise<Record<string, string>> {
    return ciliumInstalledVersions(ctx, kube, runner);
  }
}

export const ciliumMesh = new CiliumMesh();
