import { createHash } from 'node:crypto';
import type { Operation } from '../platform/operations.js';
import type { MeshContext } from './mesh-adapter.js';

/**
 * Gateway API standard-channel CRDs, for the systems that need them before the mesh: Linkerd edge-26.8.3 refuses to
 * install without them (pkg/healthcheck/healthcheck.go GatewayAPICRDsMissingError, which names v1.5.1 and
 * `kubectl apply --server-side`), and an Istio waypoint is a Gateway object (istio.io
 * docs/ambient/usage/waypoint: "Waypoint proxies are deployed using Kubernetes Gateway resources").
 *
 * Where the files come from, and why not the release asset. Upstream's install command
 * (gateway-api site-src/guides/getting-started/index.md at v1.5.1) is
 * `kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/<v>/standard-install.yaml`.
 * That asset is not in the repository (it is the files of config/crd/standard/ concatenated in
 * config/crd/kustomization.yaml order) and upstream publishes no checksum for it, so it cannot be verified against
 * upstream material, and a release asset can be replaced under the same tag. Instead we pin the same nine files at the
 * tag's commit: raw.githubusercontent.com URLs with the commit id in the path are content-addressed by git, and each
 * file's git blob id (read with `git ls-tree` at the tag, i.e. upstream's own record of the content) is kept below so
 * the bytes are checked before they are applied: each file is one `apply-url` operation, which downloads it, compares
 * its git blob id with the pinned one and applies nothing on a mismatch (src/platform/execute-operations.ts). The
 * pinned ids themselves are checked in tests against the upstream files (reference files gateway-api/v1.5.1/standard/*
 * in test/reference/sources.json: kubernetes-sigs/gateway-api config/crd/standard/ at v1.5.1).
 */
export interface GatewayApiFile {
  /** File name under config/crd/standard/. */
  name: string;
  /** `git hash-object` of the file: its blob id in upstream's tree at the tag commit. */
  gitBlobSha1: string;
}

export interface GatewayApiRelease {
  version: string;
  /** The commit the tag points at. */
  commit: string;
  /** In config/crd/kustomization.yaml order (the order of standard-install.yaml). */
  files: readonly GatewayApiFile[];
  /** Every CRD the files define (the ValidatingAdmissionPolicy file defines none). */
  crds: readonly string[];
}

/** kubernetes-sigs/gateway-api tag v1.5.1 = commit e7677b70ae75d14a4448fba94870e7deea6cf0ad (`git rev-parse v1.5.1^{commit}`). */
export const GATEWAY_API_RELEASES: Readonly<Record<string, GatewayApiRelease>> = {
  'v1.5.1': {
    version: 'v1.5.1',
    commit: 'e7677b70ae75d14a4448fba94870e7deea6cf0ad',
    files: [
      { name: 'gateway.networking.k8s.io_gatewayclasses.yaml', gitBlobSha1: '699ed71baf0c6551129d599b7e0658bb0b821be1' },
      { name: 'gateway.networking.k8s.io_gateways.yaml', gitBlobSha1: 'ebcd948aa2e9dd7d8dd438c9fbdc693306f517eb' },
      { name: 'gateway.networking.k8s.io_grpcroutes.yaml', gitBlobSha1: 'bcccdeccf2096a5f53b0a47307ea2cea92da4c52' },
      { name: 'gateway.networking.k8s.io_httproutes.yaml', gitBlobSha1: '9439f4e5855d347a26675839530c57daa5072bbd' },
      { name: 'gateway.networking.k8s.io_referencegrants.yaml', gitBlobSha1: '761a65cf7ff51352ab4123a9de59ac4393e1e540' },
      { name: 'gateway.networking.k8s.io_backendtlspolicies.yaml', gitBlobSha1: '11ba0fd7d00b5c805f61b01b7a69141b78abd6a6' },
      { name: 'gateway.networking.k8s.io_listenersets.yaml', gitBlobSha1: '1bf150772ebdeb68ed43ba79004339bc3564ba08' },
      { name: 'gateway.networking.k8s.io_tlsroutes.yaml', gitBlobSha1: '746cd262d5f99c99b7c666fd2c697654bed0df9b' },
      { name: 'gateway.networking.k8s.io_vap_safeupgrades.yaml', gitBlobSha1: 'e2c8c8a4c9adc0aee328ae1a932760489d6bc14d' },
    ],
    crds: [
      'gatewayclasses.gateway.networking.k8s.io',
      'gateways.gateway.networking.k8s.io',
      'grpcroutes.gateway.networking.k8s.io',
      'httproutes.gateway.networking.k8s.io',
      'referencegrants.gateway.networking.k8s.io',
      'backendtlspolicies.gateway.networking.k8s.io',
      'listenersets.gateway.networking.k8s.io',
      'tlsroutes.gateway.networking.k8s.io',
    ],
  },
};

const INSTALL_TIMEOUT_MS = 2 * 60_000;
const ESTABLISHED_TIMEOUT_S = 60;

/** The pinned release for `version`; a version without pins is a programming error (add its pins above). */
export function gatewayApiRelease(version: string): GatewayApiRelease {
  const release = GATEWAY_API_RELEASES[version];
  if (!release) {
    throw new Error(`no pinned files for Gateway API ${version} (src/mesh/gateway-api.ts has ${Object.keys(GATEWAY_API_RELEASES).join(', ')})`);
  }
  return release;
}

/** Commit-pinned URL of one file. */
export function gatewayApiFileUrl(release: GatewayApiRelease, file: GatewayApiFile): string {
  return `https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/${release.commit}/config/crd/standard/${file.name}`;
}

/** Git's blob id of some bytes: sha1 over `blob <length>\0<content>` (what `git hash-object` prints). */
export function gitBlobSha1(content: string | Uint8Array): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Throws unless `content` is exactly the pinned file `name` of `release`. */
export function verifyGatewayApiFile(release: GatewayApiRelease, name: string, content: string | Uint8Array): void {
  const file = release.files.find((f) => f.name === name);
  if (!file) throw new Error(`${name} is not a file of Gateway API ${release.version}'s standard channel`);
  const actual = gitBlobSha1(content);
  if (actual !== file.gitBlobSha1) {
    throw new Error(`${name}: git blob id ${actual} does not match the pinned ${file.gitBlobSha1} (Gateway API ${release.version})`);
  }
}

/**
 * Server-side apply of the standard channel at `ctx.versions.gatewayApi.version` (server-side because the CRDs are
 * too large for client-side apply's last-applied annotation, and because upstream says so), then wait until every
 * CRD is Established so that the next step (a mesh install that looks for them, or a Gateway object) can use them.
 */
export function gatewayApiInstallOperations(ctx: MeshContext): Operation[] {
  const release = gatewayApiRelease(ctx.versions.gatewayApi.version);
  const kubectl = ['kubectl', '--kubeconfig', ctx.kubeconfig, ...(ctx.context ? ['--context', ctx.context] : [])];
  return [
    ...release.files.map(
      (f): Operation => ({
        op: 'apply-url',
        title: `Installing Gateway API ${release.version} ${f.name}`,
        url: gatewayApiFileUrl(release, f),
        digest: { algorithm: 'git-blob-sha1', value: f.gitBlobSha1 },
        timeoutMs: INSTALL_TIMEOUT_MS,
      }),
    ),
    {
      op: 'run',
      title: 'Waiting for the Gateway API CRDs to be established',
      argv: [
        ...kubectl,
        'wait',
        '--for=condition=Established',
        `--timeout=${ESTABLISHED_TIMEOUT_S}s`,
        ...release.crds.map((name) => `crd/${name}`),
      ],
      timeoutMs: (ESTABLISHED_TIMEOUT_S + 30) * 1000,
    },
  ];
}
