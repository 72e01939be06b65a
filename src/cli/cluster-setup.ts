import os from 'node:os';
import { join } from 'node:path';
import type { Deps } from '../core/deps.js';
import { InputError } from '../core/errors.js';
import type { KubeClientFactory } from '../core/kube.js';
import { MESH_ADAPTERS_BY_ID } from '../mesh/registry.js';
import { loadKindConfig } from '../platform/kind-config.js';
import { loadVersions } from '../platform/versions.js';
import { loadEstimates } from '../platform/estimates.js';
import { computeImageTag } from '../platform/image-build.js';
import type { ClusterPlatformOptions } from '../platform/cluster-platform.js';

/**
 * kind's limit on a cluster's name (pkg/cluster/internal/create/create.go at v0.32.0: clusterNameMax = 50, "Typical
 * host name max limit is 64 characters … We append -control-plane (14 characters)"; longer names fail at `docker run`
 * with "sethostname: invalid argument", kubernetes-sigs/kind#619). Clusters are `<prefix>-<system>`, so the prefix
 * leaves room for the longest system id.
 */
export const KIND_CLUSTER_NAME_MAX = 50;
export const MAX_CLUSTER_PREFIX = KIND_CLUSTER_NAME_MAX - 1 - Math.max(...[...MESH_ADAPTERS_BY_ID.keys()].map((id) => id.length));

/** Flags shared by `bench run`, `bench plan` and `bench down` for cluster targets. */
export interface ClusterFlags {
  target: 'kind' | 'existing';
  context?: string;
  kubeconfig?: string;
  keepCluster?: boolean;
  clusterPrefix: string;
  /** Existing clusters cannot be `kind load`ed into: an image they can pull, built from this repo's Dockerfile. */
  image?: string;
}

export function validateClusterFlags(f: ClusterFlags): void {
  const problems = [];
  if (f.target === 'existing' && !f.context) {
    problems.push({ source: '--context', field: '', message: 'required with --target existing (the kubeconfig context of the cluster to use)' });
  }
  if (f.target === 'existing' && !f.image) {
    problems.push({
      source: '--image',
      field: '',
      message: "required with --target existing: an image the cluster can pull, built from this repo's Dockerfile and pushed to your registry",
    });
  }
  if (f.target === 'kind' && (f.context || f.kubeconfig)) {
    problems.push({ source: f.context ? '--context' : '--kubeconfig', field: '', message: 'only with --target existing (kind clusters get a run-private kubeconfig)' });
  }
  if (f.image && (/:latest$/.test(f.image) || !/[:@]/.test(f.image.split('/').pop() ?? ''))) {
    problems.push({ source: '--image', field: '', message: `must be pinned by a version tag or a digest; the "latest" tag is refused (got ${f.image})` });
  }
  if (!/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/.test(f.clusterPrefix)) {
    problems.push({ source: '--cluster-prefix', field: '', message: `must be a short DNS label (a-z, 0-9, -), got ${f.clusterPrefix}` });
  } else if (f.target === 'kind' && f.clusterPrefix.length > MAX_CLUSTER_PREFIX) {
    problems.push({
      source: '--cluster-prefix',
      field: '',
      message: `at most ${MAX_CLUSTER_PREFIX} characters (got ${f.clusterPrefix.length}): kind names a node <prefix>-<system>-control-plane, which must fit a hostname`,
    });
  }
  if (problems.length) throw new InputError(problems);
}

/** The user's kubeconfig for an existing cluster: read (never written) from --kubeconfig, $KUBECONFIG or ~/.kube/config. */
export function existingKubeconfig(f: ClusterFlags, env: Deps['env']): string {
  return f.kubeconfig ?? env.KUBECONFIG?.split(':')[0] ?? join(os.homedir(), '.kube', 'config');
}

export async function clusterPlatformOptions(
  f: ClusterFlags,
  deps: Deps,
  p: { repoDir: string; workRoot: string; kubeFactory: KubeClientFactory },
): Promise<ClusterPlatformOptions> {
  validateClusterFlags(f);
  const clusters = join(p.repoDir, 'clusters');
  const [versions, defaultConfig, noCni, estimates] = await Promise.all([
    loadVersions(join(clusters, 'versions.yaml'), deps),
    loadKindConfig(join(clusters, 'kind', 'default.yaml'), deps),
    loadKindConfig(join(clusters, 'kind', 'no-cni.yaml'), deps),
    loadEstimates(join(clusters, 'estimates.yaml'), deps),
  ]);
  const image = f.image ?? (await computeImageTag(p.repoDir, deps));
  return {
    target: f.target,
    deps,
    kubeFactory: p.kubeFactory,
    versions,
    adapters: MESH_ADAPTERS_BY_ID,
    repoDir: p.repoDir,
    workRoot: p.workRoot,
    clusterPrefix: f.clusterPrefix,
    keepCluster: Boolean(f.keepCluster),
    image,
    kindConfigs: { default: defaultConfig, 'no-cni': noCni },
    cores: Math.max(1, os.availableParallelism()),
    imagePlatform: dockerPlatform(os.arch()),
    estimates,
    ...(f.target === 'existing' ? { existing: { kubeconfig: existingKubeconfig(f, deps.env), context: f.context! } } : {}),
  };
}

/**
 * `linux/<arch>` in Docker's platform notation (OCI image-spec GOARCH names) for node's `os.arch()`: the kind nodes run
 * on this machine's Docker engine, so they have its architecture.
 */
export function dockerPlatform(nodeArch: string): string {
  const goarch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return `linux/${goarch[nodeArch] ?? nodeArch}`;
}
