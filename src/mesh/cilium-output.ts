import { z } from 'zod';

/**
 * Parsers for what the Cilium CLIs print, reduced to the fields the harness checks. The shapes are the Go structs
 * behind the output, as vendored by cilium-cli v0.19.7 (github.com/cilium/cilium-cli, tag v0.19.7):
 * - `cilium status -o json`: status.Status in vendor/github.com/cilium/cilium/cilium-cli/status/status.go (also
 *   reference file cli-samples/cilium/status-json.shape.json in test/reference/sources.json); `cilium_status` values
 *   are the agent's models.StatusResponse and `cilium_endpoints` values lists of models.Endpoint (vendor/github.com/cilium/cilium/
 *   api/v1/models: status_response.go, endpoint*.go, proxy_statistics.go, address_pair.go);
 * - `cilium-dbg encrypt status -o json` (run in an agent): models.EncryptionStatus (encryption_status.go,
 *   wireguard_*.go), printed by cilium-dbg/cmd/encrypt_status.go;
 * - `cilium version`: the Printf lines of cli/version.go.
 * Every key is omitempty in Go, so every field is optional here; unknown fields are ignored.
 */

export class CiliumOutputError extends Error {}

const podStateSchema = z.looseObject({
  Desired: z.number().optional(),
  Ready: z.number().optional(),
  Available: z.number().optional(),
  Unavailable: z.number().optional(),
});

/** ErrorCount's custom MarshalJSON turns its errors into strings; Disabled is a plain bool (status.go). */
const errorCountSchema = z.looseObject({
  Errors: z.array(z.string()).nullish(),
  Warnings: z.array(z.string()).nullish(),
  Disabled: z.boolean().optional(),
});

/** models.Status: `state` is one of Ok, Warning, Failure, Disabled. */
const componentStatusSchema = z.looseObject({ state: z.string().optional(), msg: z.string().optional() });

const agentStatusSchema = z.looseObject({
  cilium: componentStatusSchema.optional(),
  /** models.KubeProxyReplacement: `mode` is "True" or "False". */
  'kube-proxy-replacement': z.looseObject({ mode: z.string().optional() }).optional(),
  encryption: z.looseObject({ mode: z.string().optional() }).optional(),
  /** models.ProxyStatus: `envoy-deployment-mode` is "embedded" or "external" (the cilium-envoy DaemonSet). */
  proxy: z.looseObject({ 'envoy-deployment-mode': z.string().optional() }).optional(),
});

/** models.ProxyStatistics: a redirect of `port` to the L7 proxy; `protocol` is the policy's L7 parser ("http"). */
const proxyStatisticsSchema = z.looseObject({
  location: z.string().optional(),
  port: z.number().optional(),
  protocol: z.string().optional(),
  'allocated-proxy-port': z.number().optional(),
});

const endpointSchema = z.looseObject({
  id: z.number().optional(),
  status: z
    .looseObject({
      /** models.EndpointState: "ready", "regenerating", "waiting-for-identity", … */
      state: z.string().nullish(),
      'external-identifiers': z
        .looseObject({ 'k8s-namespace': z.string().optional(), 'k8s-pod-name': z.string().optional() })
        .optional(),
      networking: z
        .looseObject({
          addressing: z.array(z.looseObject({ ipv4: z.string().optional(), ipv6: z.string().optional() }).nullable()).nullish(),
        })
        .optional(),
      policy: z
        .looseObject({
          'proxy-statistics': z.array(proxyStatisticsSchema.nullable()).nullish(),
          realized: z.looseObject({ 'policy-enabled': z.string().optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
});

const ciliumStatusSchema = z.looseObject({
  pod_state: z.record(z.string(), podStateSchema).optional(),
  pods_count: z.looseObject({ all: z.number().optional(), by_cilium: z.number().optional() }).optional(),
  cilium_status: z.record(z.string(), agentStatusSchema.nullable()).optional(),
  cilium_endpoints: z.record(z.string(), z.array(endpointSchema.nullable()).nullable()).optional(),
  errors: z.record(z.string(), z.record(z.string(), errorCountSchema.nullable())).optional(),
});

export interface PodStateCount {
  desired: number;
  ready: number;
  available: number;
  unavailable: number;
}

export interface AgentReport {
  /** The agent pod (cilium_status is keyed by it). */
  pod: string;
  /** null: the agent could not be asked (its container is not running, or exec failed). */
  ciliumState: string | null;
  ciliumMessage: string;
  kubeProxyReplacement: string | null;
  encryptionMode: string | null;
  envoyDeploymentMode: string | null;
}

export interface ProxyRedirect {
  location: string;
  port: number;
  protocol: string;
  /** 0 when the redirect was removed again (the agent keeps the statistics entry). */
  allocatedProxyPort: number;
}

export interface EndpointReport {
  /** The agent pod that manages the endpoint. */
  agentPod: string;
  id: number | null;
  namespace: string | null;
  podName: string | null;
  state: string | null;
  ipv4: string[];
  ipv6: string[];
  proxyRedirects: ProxyRedirect[];
  policyEnabled: string | null;
}

export interface ComponentErrors {
  /** Deployment or DaemonSet name (`cilium`, `cilium-operator`, `hubble-relay`…). */
  component: string;
  /** A pod, or the component's own name for errors about the object itself. */
  pod: string;
  errors: string[];
  warnings: string[];
  disabled: boolean;
}

export interface CiliumStatusReport {
  podStates: Record<string, PodStateCount>;
  podsCount: { all: number; byCilium: number } | null;
  agents: AgentReport[];
  endpoints: EndpointReport[];
  errors: ComponentErrors[];
}

/** `cilium status -o json`, reduced. Throws CiliumOutputError when the text is not JSON of that shape. */
export function parseCiliumStatus(text: string): CiliumStatusReport {
  const data = ciliumStatusSchema.safeParse(parseJson(text, 'cilium status -o json'));
  if (!data.success) throw new CiliumOutputError(`cilium status -o json: unexpected shape: ${data.error.issues[0]?.message ?? ''}`);
  const s = data.data;
  const podStates: Record<string, PodStateCount> = {};
  for (const [name, p] of Object.entries(s.pod_state ?? {})) {
    podStates[name] = { desired: p.Desired ?? 0, ready: p.Ready ?? 0, available: p.Available ?? 0, unavailable: p.Unavailable ?? 0 };
  }
  const agents: AgentReport[] = Object.entries(s.cilium_status ?? {}).map(([pod, a]) => ({
    pod,
    ciliumState: a?.cilium?.state ?? null,
    ciliumMessage: a?.cilium?.msg ?? '',
    kubeProxyReplacement: a?.['kube-proxy-replacement']?.mode ?? null,
    encryptionMode: a?.encryption?.mode ?? null,
    envoyDeploymentMode: a?.proxy?.['envoy-deployment-mode'] ?? null,
  }));
  const endpoints: EndpointReport[] = [];
  for (const [agentPod, list] of Object.entries(s.cilium_endpoints ?? {})) {
    for (const ep of list ?? []) {
      if (ep === null) continue;
      const addressing = (ep.status?.networking?.addressing ?? []).filter((a) => a !== null);
      endpoints.push({
        agentPod,
        id: ep.id ?? null,
        namespace: ep.status?.['external-identifiers']?.['k8s-namespace'] ?? null,
        podName: ep.status?.['external-identifiers']?.['k8s-pod-name'] ?? null,
        state: ep.status?.state ?? null,
        ipv4: addressing.flatMap((a) => (a.ipv4 ? [a.ipv4] : [])),
        ipv6: addressing.flatMap((a) => (a.ipv6 ? [a.ipv6] : [])),
        proxyRedirects: (ep.status?.policy?.['proxy-statistics'] ?? []).flatMap((p) =>
          p === null
            ? []
            : [
                {
                  location: p.location ?? '',
                  port: p.port ?? 0,
                  protocol: p.protocol ?? '',
                  allocatedProxyPort: p['allocated-proxy-port'] ?? 0,
                },
              ],
        ),
        policyEnabled: ep.status?.policy?.realized?.['policy-enabled'] ?? null,
      });
    }
  }
  const errors: ComponentErrors[] = [];
  for (const [component, pods] of Object.entries(s.errors ?? {})) {
    for (const [pod, e] of Object.entries(pods)) {
      if (e === null) continue;
      errors.push({ component, pod, errors: e.Errors ?? [], warnings: e.Warnings ?? [], disabled: e.Disabled ?? false });
    }
  }
  const podsCount = s.pods_count ? { all: s.pods_count.all ?? 0, byCilium: s.pods_count.by_cilium ?? 0 } : null;
  return { podStates, podsCount, agents, endpoints, errors };
}

const encryptionStatusSchema = z.looseObject({
  /** models.EncryptionStatus mode: Disabled, IPsec, Wireguard or Ztunnel. */
  mode: z.string().optional(),
  msg: z.string().optional(),
  wireguard: z
    .looseObject({
      interfaces: z
        .array(
          z
            .looseObject({ name: z.string().optional(), 'peer-count': z.number().optional(), 'public-key': z.string().optional() })
            .nullable(),
        )
        .nullish(),
    })
    .optional(),
});

export interface EncryptionReport {
  mode: string | null;
  message: string;
  /** WireGuard interfaces with their peer counts (`peer-count` is omitempty: absent means 0). */
  wireguardInterfaces: Array<{ name: string; peers: number }>;
}

/** `cilium-dbg encrypt status -o json`, reduced. Throws CiliumOutputError when the text is not JSON of that shape. */
export function parseEncryptStatus(text: string): EncryptionReport {
  const data = encryptionStatusSchema.safeParse(parseJson(text, 'cilium-dbg encrypt status -o json'));
  if (!data.success) {
    throw new CiliumOutputError(`cilium-dbg encrypt status -o json: unexpected shape: ${data.error.issues[0]?.message ?? ''}`);
  }
  const e = data.data;
  return {
    mode: e.mode ?? null,
    message: e.msg ?? '',
    wireguardInterfaces: (e.wireguard?.interfaces ?? []).flatMap((i) =>
      i === null ? [] : [{ name: i.name ?? '', peers: i['peer-count'] ?? 0 }],
    ),
  };
}

export interface CiliumVersionReport {
  /** `cilium-cli: v0.19.7 compiled with go1.26.5 on linux/amd64` → `v0.19.7`. */
  cli: string | null;
  /** `cilium image (running): 1.20.0`: the Helm release's chart version; null when the CLI printed "unknown…". */
  running: string | null;
}

/** `cilium version` (cilium-cli v0.19.7 cli/version.go prints one `label: value` line each). */
export function parseCiliumVersion(text: string): CiliumVersionReport {
  const cli = /^cilium-cli: (\S+)/m.exec(text)?.[1] ?? null;
  const running = /^cilium image \(running\): (\S+)\s*$/m.exec(text)?.[1] ?? null;
  return { cli, running: running === null || running === 'unknown' ? null : running };
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CiliumOutputError(`${what}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}
