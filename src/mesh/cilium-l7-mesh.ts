import type { V1Pod } from '@kubernetes/client-node';
import type { ProcessRunner } from '../core/deps.js';
import type { KubeClient, KubeObject } from '../core/kube.js';
import { COMPONENT_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, PART_OF_LABEL, PART_OF_VALUE, SERVER_PORT } from '../platform/manifests.js';
import { CiliumMesh } from './cilium-mesh.js';
import type { CiliumStatusReport } from './cilium-output.js';
import { checkEnvoyReady, checkL7Redirects, checkPolicyExists, type CheckResult } from './cilium-verify.js';
import type { MeshContext } from './mesh-adapter.js';
import { ciliumEvidence } from './cilium-evidence.js';
import type { MeshEvidence } from './traffic-evidence.js';

/**
 * The fields of a CiliumNetworkPolicy that mesh-bench writes, as typed data. Field names and types are those of the
 * Go API (github.com/cilium/cilium pkg/policy/api as vendored by cilium-cli v0.19.7: rule.go Rule, ingress.go
 * IngressRule, l4.go PortRule/PortProtocol/L7Rules, http.go PortRuleHTTP; pkg/k8s/apis/cilium.io/v2/cnp_types.go):
 * `port` is a string, `protocol` an enum (TCP…), `method` and `path` are regular expressions.
 * The same structure as the documented L7 examples: cilium/cilium examples/minikube/sw_l3_l4_l7_policy.yaml and
 * cilium-cli's connectivity test policy echo-ingress-l7-http.yaml (an ingress `rules.http` list of method/path on
 * port "8080"/TCP).
 */
export type EndpointSelector = { matchLabels: Record<string, string> };
export type PortRuleHTTP = { method: string; path: string };
export type PortRule = {
  ports: Array<{ port: string; protocol: 'TCP' }>;
  rules: { http: PortRuleHTTP[] };
};
export type IngressRule = { fromEndpoints: EndpointSelector[]; toPorts: PortRule[] };
export type CiliumNetworkPolicy = {
  apiVersion: 'cilium.io/v2';
  kind: 'CiliumNetworkPolicy';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { description: string; endpointSelector: EndpointSelector; ingress: IngressRule[] };
};

export const L7_POLICY_NAME = 'mesh-bench-server-http';

/**
 * The workload's request path, `/`, as Cilium wants it: an extended POSIX regular expression matched against the path
 * (http.go PortRuleHTTP.Path). Anchored, so it means exactly `/` whether the proxy matches the whole path or a part.
 * Everything the load client and the hops send is `GET /` (src/load/engine.ts, src/platform/manifests.ts serverUrl).
 */
export const WORKLOAD_PATH_REGEX = '^/$';

/**
 * Pod labels the policy selects: what src/platform/manifests.ts puts on the server and load-client pods
 * (`app.kubernetes.io/component` server / load-client). test/mesh-cilium-l7-policy.test.ts checks these selectors
 * against the real pod templates.
 */
/** A fresh object per use: the policy is plain data that callers may serialize or change. */
function componentSelector(component: 'server' | 'load-client'): EndpointSelector {
  return { matchLabels: { [COMPONENT_LABEL]: component, [PART_OF_LABEL]: PART_OF_VALUE } };
}

/**
 * Allows `GET /` on the server port from the load client and from the other hops (a multi-hop chain calls server-2
 * from server-1), with an L7 rule, so Cilium redirects every such connection through the node's cilium-envoy
 * (Documentation/security/policy/layer7.rst). A namespaced policy's `fromEndpoints` selects in its own namespace only.
 * Anything else sent to the servers is denied: the benchmark's traffic is exactly what is allowed.
 */
export function serverL7Policy(ctx: MeshContext): CiliumNetworkPolicy {
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: { name: L7_POLICY_NAME, namespace: ctx.namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
    spec: {
      description: 'mesh-bench: HTTP GET / to the servers, enforced at L7 by cilium-envoy',
      endpointSelector: componentSelector('server'),
      ingress: [
        {
          fromEndpoints: [componentSelector('load-client'), componentSelector('server')],
          toPorts: [
            {
              ports: [{ port: String(SERVER_PORT), protocol: 'TCP' }],
              rules: { http: [{ method: 'GET', path: WORKLOAD_PATH_REGEX }] },
            },
          ],
        },
      ],
    },
  };
}

/**
 * `cilium-l7`: `cilium` plus an L7 HTTP policy on the servers, so each request crosses the cilium-envoy of the
 * server's node (the standalone DaemonSet; cilium-common.ts sets envoy.enabled for all Cilium systems, so this one
 * differs from `cilium` by the policy alone).
 */
export class CiliumL7Mesh extends CiliumMesh {
  override readonly id: string = 'cilium-l7';
  override readonly description: string =
    "Cilium with an L7 HTTP policy on the servers: every request crosses the node's cilium-envoy";
  override readonly evidence: MeshEvidence = ciliumEvidence('l7');

  override workloadObjects(ctx: MeshContext): KubeObject[] {
    return [serverL7Policy(ctx)];
  }

  protected override async systemChecks(
    ctx: MeshContext,
    kube: KubeClient,
    runner: ProcessRunner,
    status: CiliumStatusReport,
    pods: readonly V1Pod[],
  ): Promise<CheckResult[]> {
    const servers = pods.filter((p) => p.metadata?.labels?.[COMPONENT_LABEL] === 'server');
    return [
      await checkPolicyExists(ctx, runner, L7_POLICY_NAME),
      await checkEnvoyReady(kube),
      checkL7Redirects(status, servers, ctx.namespace),
    ];
  }
}

export const ciliumL7Mesh = new CiliumL7Mesh();
