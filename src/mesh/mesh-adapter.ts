import type { KubeClient, KubeObject } from '../core/kube.js';
import type { ProcessRunner } from '../core/deps.js';
import type { ContainerClassifier } from '../metrics/roles.js';
import type { Versions } from '../platform/versions.js';
import type { Operation } from '../platform/operations.js';
import type { MeshEvidence } from './traffic-evidence.js';

/**
 * One adapter per system (STYLE.md: MeshAdapter by role, CiliumMesh/IstioMesh… by technology). An adapter is data
 * and pure functions of its context: the operations that install the mesh, how to enrol a namespace, the objects
 * the mesh needs next to the workload, how to prove the workload is really meshed, and which containers are the
 * mesh's. The kind platform runs what the adapter returns; `bench plan` prints it.
 */
export interface MeshContext {
  /** kind cluster name (`bench-<system>`), or the existing cluster's context name. */
  clusterName: string;
  /** Run-private kubeconfig every command gets via --kubeconfig. */
  kubeconfig: string;
  /** Context inside the kubeconfig (existing clusters); undefined for kind. */
  context?: string;
  /** Run-private directory for generated files (values, configs). */
  workDir: string;
  versions: Versions;
  /** Benchmark namespace (meshed). */
  namespace: string;
}

export type ToolName = 'kind' | 'kubectl' | 'helm' | 'docker' | 'istioctl' | 'linkerd' | 'cilium' | 'openssl';

export interface Verification {
  ok: boolean;
  /** What was seen, one line each: "server-1-6d…: istio-proxy (init, restartPolicy Always) ready". */
  evidence: string[];
  /** Why it is not meshed, when ok is false. */
  problem?: string;
}

/** ok when nothing was found wrong; every problem joined into one line. */
export function verificationOf(evidence: string[], problems: readonly string[]): Verification {
  return problems.length === 0 ? { ok: true, evidence } : { ok: false, evidence, problem: problems.join('; ') };
}

export interface MeshAdapter {
  id: string;
  /** One line for the systems table. */
  description: string;
  /** Which kind config in clusters/kind/ the system needs. */
  kindConfig: 'default' | 'no-cni';
  /** Commands the system needs besides kind, kubectl and docker (for doctor and preflight). */
  tools: ToolName[];
  /** Install the mesh and wait for it to be ready, in order (empty for baseline). */
  installOperations(ctx: MeshContext): Operation[];
  /** Labels that enrol the benchmark namespace (set when it is created, before any workload pod). */
  namespaceLabels(ctx: MeshContext): Record<string, string>;
  /** Annotations that enrol the benchmark namespace (Linkerd's `linkerd.io/inject: enabled`). */
  namespaceAnnotations?(ctx: MeshContext): Record<string, string>;
  /** Objects the mesh needs beside the workload (PeerAuthentication, waypoint, L7 policy…), applied before it. */
  workloadObjects(ctx: MeshContext): KubeObject[];
  /** Operations after the workload is ready and before measuring (e.g. wait for a waypoint). */
  postDeployOperations(ctx: MeshContext): Operation[];
  /** Proof the workload is meshed; a mesh run on an unmeshed workload must fail here. */
  verify(ctx: MeshContext, kube: KubeClient, runner: ProcessRunner): Promise<Verification>;
  /**
   * What a burst through the measured path must show for the mesh to have handled it (traffic-evidence.ts). Absent for
   * the baseline: then only "no mesh header on any request" is required.
   */
  evidence?: MeshEvidence;
  /**
   * What a failed run collects about the mesh (diagnostics bundle, src/platform/diagnostics.ts): the namespaces its
   * pods run in (described, with their events) and its CLI's own status commands, each written to `file`.
   */
  diagnostics?: { namespaces: string[]; commands(ctx: MeshContext): Array<{ file: string; argv: string[] }> };
  /** Containers the mesh adds, by role (workload and load client are classified by the platform). */
  classify: ContainerClassifier;
  /** Versions as installed, asked of the CLI and the cluster (not the pins). */
  installedVersions(ctx: MeshContext, kube: KubeClient, runner: ProcessRunner): Promise<Record<string, string>>;
}
