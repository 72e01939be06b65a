import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseVersions } from '../../src/platform/versions.js';

/**
 * Where test/control-plane/build-tools.sh put the upstream binaries of the control-plane test platform: the
 * git-ignored cache .cache/tools/<name>-<version>/bin (MESH_BENCH_TOOLS_CACHE overrides), at the versions of
 * clusters/versions.yaml `testTools`. A tool counts only with the stamp its build writes last.
 */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const TOOLS_CACHE = process.env.MESH_BENCH_TOOLS_CACHE ?? join(REPO, '.cache', 'tools');

export interface ControlPlaneBinaries {
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubectl: string;
  kwok: string;
  /** kwok's own stage and metric files at the same version, copied from its module by the build script. */
  kwokUpstream: string;
  /** Cilium's CiliumNetworkPolicy CRD at the pinned chart version (from the cilium module; not a release file). */
  ciliumNetworkPolicyCrd: string;
  versions: { kubernetes: string; etcd: string; kwok: string };
}

export type ToolLookup = { ok: true; binaries: ControlPlaneBinaries } | { ok: false; reason: string };

export function findControlPlaneBinaries(cache = TOOLS_CACHE): ToolLookup {
  const pins = parseVersions(readFileSync(join(REPO, 'clusters', 'versions.yaml'), 'utf8'), 'clusters/versions.yaml');
  const versions = pins.testTools;
  const ciliumCrds = join(cache, `cilium-crds-v${pins.meshes.cilium.chartVersion}`);
  const bin = (tool: string, version: string): string => join(cache, `${tool}-${version}`, 'bin');
  const k8s = bin('kubernetes', versions.kubernetes);
  const binaries: ControlPlaneBinaries = {
    etcd: join(bin('etcd', versions.etcd), 'etcd'),
    kubeApiserver: join(k8s, 'kube-apiserver'),
    kubeControllerManager: join(k8s, 'kube-controller-manager'),
    kubeScheduler: join(k8s, 'kube-scheduler'),
    kubectl: join(k8s, 'kubectl'),
    kwok: join(bin('kwok', versions.kwok), 'kwok'),
    kwokUpstream: join(cache, `kwok-${versions.kwok}`, 'upstream'),
    ciliumNetworkPolicyCrd: join(ciliumCrds, 'ciliumnetworkpolicies.yaml'),
    versions: { kubernetes: versions.kubernetes, etcd: versions.etcd, kwok: versions.kwok },
  };
  const checks: Array<[string, boolean]> = [
    [`kubernetes-${versions.kubernetes}`, existsSync(join(k8s, '.stamp')) && [binaries.kubeApiserver, binaries.kubeControllerManager, binaries.kubeScheduler, binaries.kubectl].every((f) => existsSync(f))],
    [`etcd-${versions.etcd}`, existsSync(join(bin('etcd', versions.etcd), '.stamp')) && existsSync(binaries.etcd)],
    [`kwok-${versions.kwok}`, existsSync(join(bin('kwok', versions.kwok), '.stamp')) && existsSync(binaries.kwok) && existsSync(join(binaries.kwokUpstream, '.complete'))],
    [`cilium-crds-v${pins.meshes.cilium.chartVersion}`, existsSync(join(ciliumCrds, '.complete'))],
  ];
  const missing = checks.filter(([, ok]) => !ok).map(([name]) => name);
  if (missing.length) {
    return { ok: false, reason: `control-plane tools not built (${missing.join(', ')} missing in ${cache}); run test/control-plane/build-tools.sh (needs Go)` };
  }
  return { ok: true, binaries };
}
