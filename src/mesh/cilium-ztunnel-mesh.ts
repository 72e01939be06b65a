import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import type { ProcessRunner } from '../core/deps.js';
import type { KubeClient } from '../core/kube.js';
import type { ContainerClassifier } from '../metrics/roles.js';
import type { Operation } from '../platform/operations.js';
import { CILIUM_NAMESPACE, ciliumHelmValues, ciliumInstallOperations, classifyCiliumContainer, imageTag, type CiliumHelmValues } from './cilium-common.js';
import { CiliumMesh } from './cilium-mesh.js';
import type { CiliumStatusReport } from './cilium-output.js';
import type { CheckResult } from './cilium-verify.js';
import { ciliumZtunnelEvidence } from './cilium-ztunnel-evidence.js';
import {
  checkNamespaceEnrolled,
  checkZtunnelEnabled,
  checkZtunnelReady,
  MTLS_ENROL_LABEL,
  ZTUNNEL_CONTAINER,
  ZTUNNEL_DAEMONSET,
} from './cilium-ztunnel-verify.js';
import type { MeshContext, ToolName } from './mesh-adapter.js';
import type { MeshEvidence } from './traffic-evidence.js';

/**
 * `cilium-ztunnel`: Cilium with its ztunnel transparent encryption (beta in 1.20), following the upstream guide at
 * the pinned version: Documentation/security/network/encryption-ztunnel.rst at tag v1.20.0
 * (https://github.com/cilium/cilium/blob/v1.20.0/Documentation/security/network/encryption-ztunnel.rst, read in the
 * v1.20.0 module of the Go module proxy, commit 450c5314). The guide is present at v1.20.0 and the chart
 * 1.20.0 has the values (encryption.type ztunnel, encryption.ztunnel.*), so the shared Cilium pin serves this system
 * too. What the guide asks, and where it is done here:
 * 1. "Generating secrets for authentication": a bootstrap key pair (TLS between ztunnel and the agent's xDS and
 *    certificate server) and a CA key pair (root of the workload certificates the agent issues), in Secret
 *    kube-system/cilium-ztunnel-secrets with keys bootstrap-private.key, bootstrap-root.crt, ca-private.key,
 *    ca-root.crt, created "prior to deploying Cilium" by the guide's script (examples/kubernetes-ztunnel/
 *    generate-secrets.sh at v1.20.0). Done with the same openssl commands, as argv arrays, into the run's private
 *    work directory (never the repository), then `kubectl create secret generic` with the same four keys:
 *    ztunnelSecretOperations.
 * 2. "Enable ztunnel in Cilium": `--set encryption.enabled=true --set encryption.type=ztunnel`, in the values file
 *    the other Cilium systems use (cilium-common.ts), every other value at its chart default
 *    (encryption.ztunnel.ca.type `internal`: Cilium's built-in CA, which uses the ca-* keys above). Cluster Mesh,
 *    which the guide says is incompatible, stays off (chart default).
 * 3. "Enrolling Namespaces": the label `io.cilium/mtls-enabled=true` on the namespace, set when it is created,
 *    before any workload pod (the guide: "Future pods created in the namespace are automatically enrolled"). The
 *    unmeshed namespace gets no label. The guide's first limitation, "Communication between an enrolled workload
 *    and a non-enrolled workload is not supported", holds: each variant's load client and servers share their
 *    namespace.
 * 4. "Validate the Setup": enable-ztunnel in cilium-config, the namespace labelled and Done in the agent's
 *    `mtls-enrolled-namespaces` StateDB table (cilium-ztunnel-verify.ts), and the traffic on port 15008 (HBONE),
 *    read from Hubble for the burst of the proof by traffic instead of a tcpdump (cilium-ztunnel-evidence.ts).
 * The chart deploys ztunnel as DaemonSet kube-system/ztunnel-cilium (templates/ztunnel/daemonset.yaml, chart
 * 1.20.0; image quay.io/cilium/ztunnel v1.0.0 pinned by digest in values.yaml), waited for after the install.
 */

/** The guide's Secret: name, namespace and the four keys (generate-secrets.sh, v1.20.0). */
export const ZTUNNEL_SECRET = 'cilium-ztunnel-secrets';
export const ZTUNNEL_SECRET_KEYS = ['bootstrap-private.key', 'bootstrap-root.crt', 'ca-private.key', 'ca-root.crt'] as const;

const OPENSSL_TIMEOUT_MS = 60_000;
const KUBECTL_TIMEOUT_MS = 60_000;
const ZTUNNEL_ROLLOUT_TIMEOUT_MS = 5 * 60_000;

/**
 * The two openssl request configs of generate-secrets.sh (v1.20.0), field for field: both self-signed with subject
 * O=cluster.local; the bootstrap certificate is a leaf for `localhost` (the agent's xDS/CA server is reached at
 * https://localhost:15012 by ztunnel: XDS_ADDRESS and caAddress in the chart), the CA certificate a CA.
 */
const REQ_HEADER = ['[ req ]', 'distinguished_name = req_distinguished_name', 'x509_extensions = v3_ca', 'prompt = no', '', '[ req_distinguished_name ]', 'O = cluster.local', '', '[ v3_ca ]'];
export const BOOTSTRAP_OPENSSL_CONFIG = [
  ...REQ_HEADER,
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid:always,issuer',
  'basicConstraints = CA:FALSE',
  'keyUsage = digitalSignature, keyEncipherment',
  'extendedKeyUsage = serverAuth, clientAuth',
  'subjectAltName = @alt_names',
  '',
  '[alt_names]',
  'DNS.1 = localhost',
  '',
].join('\n');
export const CA_OPENSSL_CONFIG = [
  ...REQ_HEADER,
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid:always,issuer',
  'basicConstraints = critical, CA:true',
  'keyUsage = critical, digitalSignature, cRLSign, keyCertSign',
  '',
].join('\n');

/** Run-private path of one generated file (key, certificate or config). */
export function ztunnelSecretPath(ctx: MeshContext, file: string): string {
  return join(ctx.workDir, `ztunnel-${file}`);
}

/**
 * The guide's secret generation as operations: per key pair, the config file, `openssl genrsa -out <key> 2048` and
 * `openssl req -x509 -new -nodes -key <key> -sha256 -days 3650 -out <crt> -config <conf>` (the script's exact
 * flags), then the Secret from the four files. kube-system exists as soon as the cluster does (the API server runs
 * before any CNI), so this runs before `cilium install`, as the guide orders.
 */
export function ztunnelSecretOperations(ctx: MeshContext): Operation[] {
  const pair = (name: 'bootstrap' | 'ca', what: string, config: string): Operation[] => {
    const conf = ztunnelSecretPath(ctx, `${name}-openssl.conf`);
    const key = ztunnelSecretPath(ctx, `${name}-private.key`);
    const crt = ztunnelSecretPath(ctx, `${name}-root.crt`);
    return [
      { op: 'write-file', title: `Writing the openssl config of the ztunnel ${what}`, path: conf, content: config },
      { op: 'run', title: `Generating the ztunnel ${what} key`, argv: ['openssl', 'genrsa', '-out', key, '2048'], timeoutMs: OPENSSL_TIMEOUT_MS },
      {
        op: 'run',
        title: `Self-signing the ztunnel ${what} certificate`,
        argv: ['openssl', 'req', '-x509', '-new', '-nodes', '-key', key, '-sha256', '-days', '3650', '-out', crt, '-config', conf],
        timeoutMs: OPENSSL_TIMEOUT_MS,
      },
    ];
  };
  return [
    ...pair('bootstrap', 'bootstrap (xDS and CA server TLS)', BOOTSTRAP_OPENSSL_CONFIG),
    ...pair('ca', 'CA (workload certificates)', CA_OPENSSL_CONFIG),
    {
      op: 'run',
      title: `Creating Secret ${CILIUM_NAMESPACE}/${ZTUNNEL_SECRET}`,
      argv: [
        'kubectl',
        '--kubeconfig',
        ctx.kubeconfig,
        ...(ctx.context !== undefined ? ['--context', ctx.context] : []),
        '--namespace',
        CILIUM_NAMESPACE,
        'create',
        'secret',
        'generic',
        ZTUNNEL_SECRET,
        ...ZTUNNEL_SECRET_KEYS.map((k) => `--from-file=${k}=${ztunnelSecretPath(ctx, k)}`),
      ],
      timeoutMs: KUBECTL_TIMEOUT_MS,
    },
  ];
}

/** The shared Cilium values plus the guide's two keys. */
export function ciliumZtunnelValues(ctx: MeshContext): CiliumHelmValues {
  return { ...ciliumHelmValues(ctx, { wireguard: false }), encryption: { enabled: true, type: 'ztunnel' } };
}

/**
 * ztunnel's container (`istio-proxy` in pods `ztunnel-cilium-<5 characters>` of kube-system) is a per-node proxy: a
 * node agent, like Istio ambient's ztunnel. Everything else as for the other Cilium systems.
 */
const ZTUNNEL_POD = /^ztunnel-cilium-[a-z0-9]{5}$/;
export const classifyCiliumZtunnelContainer: ContainerClassifier = (c) => {
  if (c.namespace === CILIUM_NAMESPACE && c.container === ZTUNNEL_CONTAINER && ZTUNNEL_POD.test(c.pod)) return 'node-agent';
  return classifyCiliumContainer(c);
};

export class CiliumZtunnelMesh extends CiliumMesh {
  override readonly id: string = 'cilium-ztunnel';
  override readonly description: string =
    'Cilium with ztunnel transparent encryption (beta): enrolled pods’ TCP redirected to a per-node ztunnel, mTLS over HBONE';
  /** openssl makes the guide's keys and certificates on this machine. */
  override readonly tools: ToolName[] = ['cilium', 'openssl'];
  override readonly classify = classifyCiliumZtunnelContainer;
  override readonly evidence: MeshEvidence = ciliumZtunnelEvidence;

  override installOperations(ctx: MeshContext): Operation[] {
    const install = ciliumInstallOperations(ctx, { wireguard: false }, ciliumZtunnelValues(ctx));
    // The values file first (as for every Cilium system), then the Secret the chart's ztunnel pods mount, then Cilium.
    const [values, ...rest] = install;
    return [
      ...(values ? [values] : []),
      ...ztunnelSecretOperations(ctx),
      ...rest,
      {
        op: 'wait-rollout',
        title: `Waiting for ztunnel (DaemonSet ${CILIUM_NAMESPACE}/${ZTUNNEL_DAEMONSET})`,
        kind: 'DaemonSet',
        namespace: CILIUM_NAMESPACE,
        name: ZTUNNEL_DAEMONSET,
        timeoutMs: ZTUNNEL_ROLLOUT_TIMEOUT_MS,
      },
    ];
  }

  override namespaceLabels(_ctx: MeshContext): Record<string, string> {
    return { [MTLS_ENROL_LABEL]: 'true' };
  }

  protected override async systemChecks(
    ctx: MeshContext,
    kube: KubeClient,
    runner: ProcessRunner,
    _status: CiliumStatusReport,
    pods: readonly V1Pod[],
  ): Promise<CheckResult[]> {
    return [await checkZtunnelEnabled(ctx, runner), await checkZtunnelReady(kube, pods), await checkNamespaceEnrolled(ctx, kube, pods)];
  }

  override async installedVersions(ctx: MeshContext, kube: KubeClient, runner: ProcessRunner): Promise<Record<string, string>> {
    const versions = await super.installedVersions(ctx, kube, runner);
    const ds = await kube.readDaemonSet(CILIUM_NAMESPACE, ZTUNNEL_DAEMONSET);
    const tag = imageTag(ds?.spec?.template.spec?.containers.find((c) => c.name === ZTUNNEL_CONTAINER)?.image ?? null);
    if (tag !== null) versions['cilium-ztunnel'] = tag;
    return versions;
  }
}

export const ciliumZtunnelMesh = new CiliumZtunnelMesh();
