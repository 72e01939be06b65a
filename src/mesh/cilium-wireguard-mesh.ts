import type { V1Pod } from '@kubernetes/client-node';
import type { ProcessRunner } from '../core/deps.js';
import type { KubeClient } from '../core/kube.js';
import { CiliumMesh } from './cilium-mesh.js';
import type { CiliumStatusReport } from './cilium-output.js';
import { checkWireguardPeers, type CheckResult } from './cilium-verify.js';
import type { MeshContext } from './mesh-adapter.js';
import { ciliumEvidence } from './cilium-evidence.js';
import type { MeshEvidence } from './traffic-evidence.js';

/**
 * `cilium-wireguard`: `cilium` plus transparent WireGuard encryption. Cilium encrypts pod traffic between nodes only,
 * never on one node (Documentation/security/network/encryption-wireguard.rst: "Packets are not encrypted when they are
 * destined to the same node"); the load client and the servers run on different workers (node labels in
 * clusters/kind/*.yaml), so the measured hop is encrypted. The node kernel needs WireGuard (Linux ≥ 5.6).
 */
export class CiliumWireguardMesh extends CiliumMesh {
  override readonly id: string = 'cilium-wireguard';
  override readonly description: string = 'Cilium with transparent WireGuard encryption of pod traffic between nodes';
  protected override readonly wireguard: boolean = true;
  override readonly evidence: MeshEvidence = ciliumEvidence('wireguard');

  protected override async systemChecks(
    _ctx: MeshContext,
    kube: KubeClient,
    _runner: ProcessRunner,
    _status: CiliumStatusReport,
    pods: readonly V1Pod[],
  ): Promise<CheckResult[]> {
    return [await checkWireguardPeers(kube, pods)];
  }
}

export const ciliumWireguardMesh = new CiliumWireguardMesh();
