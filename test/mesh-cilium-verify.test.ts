import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { V1DaemonSet, V1Deployment, V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { ExecResult, KubeClient } from '../src/core/kube.js';
import { CiliumL7Mesh, L7_POLICY_NAME } from '../src/mesh/cilium-l7-mesh.js';
import { CiliumMesh } from '../src/mesh/cilium-mesh.js';
import { CiliumWireguardMesh } from '../src/mesh/cilium-wireguard-mesh.js';
import { parseCiliumStatus, parseCiliumVersion, parseEncryptStatus } from '../src/mesh/cilium-output.js';
import type { MeshContext } from '../src/mesh/mesh-adapter.js';
import { parseVersions } from '../src/platform/versions.js';
import { FakeRunner } from './helpers/fake-cluster.js';
import { referenceFiles } from './helpers/reference.js';

/**
 * verify() and installedVersions() against fakes that answer like the real tools. The JSON follows the Go types that
 * produce it (cilium-cli v0.19.7 status.Status with the agent's models.StatusResponse and models.Endpoint; models.
 * EncryptionStatus for `cilium-dbg encrypt status -o json`; shared/reference/cli-samples/cilium/status-json.shape.json);
 * no literal sample exists upstream, so values (IPs, IDs, keys, digests) are made up in the real formats.
 */

const VERSIONS = parseVersions(readFileSync(new URL('../clusters/versions.yaml', import.meta.url), 'utf8'), 'clusters/versions.yaml');
const NS = 'bench';
const ctx: MeshContext = {
  clusterName: 'bench-cilium',
  kubeconfig: '/tmp/mesh-bench/run-1/kubeconfig',
  workDir: '/tmp/mesh-bench/run-1/work',
  versions: VERSIONS,
  namespace: NS,
};

const NODE = { cp: 'bench-cilium-control-plane', load: 'bench-cilium-worker', server: 'bench-cilium-worker2' };
const AGENTS: Record<string, string> = { [NODE.cp]: 'cilium-x2k9p', [NODE.load]: 'cilium-7xk2p', [NODE.server]: 'cilium-q8v4n' };
const AGENT_IMAGE = 'quay.io/cilium/cilium:v1.20.0@sha256:383968cd5e8873f7976fa76aa6196045643558f4cc9518a207b9335cb24a0e93';
const ENVOY_IMAGE =
  'quay.io/cilium/cilium-envoy:v1.37.5-1782911245-7cffc778c923f68a77954a53b1a98d6b5353f004@sha256:583057dd4f7d54cd41efff3c413aa0b148ac201f522e2c3336851fa89c78b039';

interface WorkloadPod {
  name: string;
  component: 'server' | 'load-client';
  deployment: string;
  node: string;
  ip: string;
  endpointId: number;
}

const WORKLOAD: WorkloadPod[] = [
  { name: 'load-client-5f6d7c8b9-fghij', component: 'load-client', deployment: 'load-client', node: NODE.load, ip: '10.244.1.37', endpointId: 412 },
  { name: 'server-1-6d9f8b7c5-abcde', component: 'server', deployment: 'server-1', node: NODE.server, ip: '10.244.2.81', endpointId: 1834 },
  { name: 'server-2-7c8d9e6f4-klmno', component: 'server', deployment: 'server-2', node: NODE.server, ip: '10.244.2.112', endpointId: 2907 },
];

function pod(namespace: string, name: string, node: string, ip: string, labels: Record<string, string>): V1Pod {
  return {
    metadata: { name, namespace, labels },
    spec: { nodeName: node, containers: [] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function workloadPods(): V1Pod[] {
  return WORKLOAD.map((w) =>
    pod(NS, w.name, w.node, w.ip, {
      'app.kubernetes.io/name': w.deployment,
      'app.kubernetes.io/component': w.component,
      'app.kubernetes.io/part-of': 'mesh-bench',
      'app.kubernetes.io/managed-by': 'mesh-bench',
      'pod-template-hash': w.name.split('-').at(-2) ?? '',
    }),
  );
}

function agentPods(): V1Pod[] {
  // The agent runs in the host network namespace: its pod IP is the node's.
  return Object.entries(AGENTS).map(([node, name], i) => pod('kube-system', name, node, `172.18.0.${i + 2}`, { 'k8s-app': 'cilium' }));
}

type Json = Record<string, unknown>;

/** One agent's models.StatusResponse, abridged to what a kind node reports. */
function agentStatus(opts: { encryption?: Json } = {}): Json {
  return {
    cilium: { state: 'Ok', msg: 'Ok   1.20.0 (v1.20.0-450c5314)' },
    kubernetes: { state: 'Ok', msg: '1.36 (v1.36.1) [linux/amd64]' },
    'kube-proxy-replacement': { mode: 'True', devices: ['eth0'], directRoutingDevice: 'eth0' },
    'cni-file': { state: 'Ok', msg: '/host/etc/cni/net.d/05-cilium.conflist' },
    encryption: opts.encryption ?? { mode: 'Disabled' },
    proxy: { 'envoy-deployment-mode': 'external', ip: '10.244.2.201', 'port-range': '10000-20000', redirects: null },
    hubble: { state: 'Ok', msg: 'Current/Max Flows: 4095/4095 (100.00%), Flows/s: 11.52   Metrics: Disabled' },
    routing: { 'intra-host-routing-mode': 'BPF', 'inter-host-routing-mode': 'Tunnel', 'tunnel-protocol': 'VXLAN' },
  };
}

/** models.Endpoint as `cilium endpoint list -o json` prints it. */
function endpoint(w: WorkloadPod, opts: { state?: string; ip?: string; proxyStatistics?: Json[]; policyEnabled?: string } = {}): Json {
  return {
    id: w.endpointId,
    spec: { options: { Conntrack: 'Enabled', Debug: 'Disabled', Policy: 'Enabled' } },
    status: {
      state: opts.state ?? 'ready',
      'external-identifiers': {
        'cni-attachment-id': `5f1e0c2a9b7d:eth0`,
        'container-id': '5f1e0c2a9b7d4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f',
        'k8s-namespace': NS,
        'k8s-pod-name': w.name,
        'pod-name': `${NS}/${w.name}`,
      },
      identity: { id: 47102 + w.endpointId, labels: [`k8s:app.kubernetes.io/component=${w.component}`, `k8s:io.kubernetes.pod.namespace=${NS}`] },
      networking: { addressing: [{ ipv4: opts.ip ?? w.ip }], 'interface-name': `lxc${w.endpointId}a7e`, mac: '8e:1f:3c:52:aa:01' },
      policy: {
        'proxy-statistics': opts.proxyStatistics ?? [],
        realized: { 'policy-enabled': opts.policyEnabled ?? 'none', 'allowed-ingress-identities': [], 'denied-ingress-identities': null },
      },
      health: { overallHealth: 'OK', bpf: 'OK', policy: 'OK', connected: true },
    },
  };
}

/** The endpoints every agent has besides the workload: the host and the health endpoint carry no pod identifiers. */
function reservedEndpoints(id: number): Json[] {
  return [
    { id, status: { state: 'ready', identity: { id: 1, labels: ['reserved:host'] }, networking: { addressing: [{}] } } },
    { id: id + 1, status: { state: 'ready', identity: { id: 4, labels: ['reserved:health'] }, networking: { addressing: [{ ipv4: '10.244.0.191' }] } } },
  ];
}

/** `allocated: null`: the redirect was removed, and allocated-proxy-port (0, omitempty) is gone from the JSON. */
function l7Redirect(allocated: number | null = 15431): Json {
  return {
    ...(allocated !== null ? { 'allocated-proxy-port': allocated } : {}),
    location: 'ingress',
    port: 8080,
    protocol: 'http',
    statistics: { requests: {}, responses: {} },
  };
}

interface StatusOptions {
  endpointFor?: (w: WorkloadPod) => Json | null;
  agentState?: Record<string, Json | null>;
  podState?: Record<string, Json>;
  errors?: Json;
  podsCount?: Json;
}

/** `cilium status -o json` of a healthy three-node kind cluster (json.MarshalIndent with one-space indent). */
function ciliumStatusJson(opts: StatusOptions = {}): string {
  const endpoints: Record<string, Json[]> = {};
  Object.values(AGENTS).forEach((agent, i) => (endpoints[agent] = reservedEndpoints(100 + 10 * i)));
  for (const w of WORKLOAD) {
    const ep = opts.endpointFor ? opts.endpointFor(w) : endpoint(w);
    if (ep) endpoints[AGENTS[w.node]!]!.push(ep);
  }
  const coredns = { ...WORKLOAD[0]!, name: 'coredns-7c65d6cfc9-8r7nq', endpointId: 2230 };
  endpoints[AGENTS[NODE.cp]!]!.push({ ...endpoint(coredns), status: { ...(endpoint(coredns).status as Json), 'external-identifiers': { 'k8s-namespace': 'kube-system', 'k8s-pod-name': coredns.name } } });
  const status = {
    image_count: {
      cilium: { [AGENT_IMAGE]: 3 },
      'cilium-envoy': { [ENVOY_IMAGE]: 3 },
      'cilium-operator': { 'quay.io/cilium/operator-generic:v1.20.0@sha256:80744a8cc7c91c2f9e6347629406844eb35d79b30a732c6d41c15b17232a74f3': 1 },
      'hubble-relay': { 'quay.io/cilium/hubble-relay:v1.20.0@sha256:2ca16981c7eb98df0ba9c9d18896bb9ca628b5cbd40dc9801339f4741f91ee94': 1 },
    },
    phase_count: { cilium: { Running: 3 }, 'cilium-envoy': { Running: 3 }, 'cilium-operator': { Running: 1 }, 'hubble-relay': { Running: 1 } },
    pod_state: {
      cilium: { Type: 'DaemonSet', Desired: 3, Ready: 3, Available: 3, Unavailable: 0 },
      'cilium-envoy': { Type: 'DaemonSet', Desired: 3, Ready: 3, Available: 3, Unavailable: 0 },
      'cilium-operator': { Type: 'Deployment', Desired: 1, Ready: 1, Available: 1, Unavailable: 0 },
      'hubble-relay': { Type: 'Deployment', Desired: 1, Ready: 1, Available: 1, Unavailable: 0 },
      ...opts.podState,
    },
    pods_count: opts.podsCount ?? { all: 6, by_cilium: 6 },
    cilium_status: Object.fromEntries(Object.values(AGENTS).map((a) => [a, opts.agentState && a in opts.agentState ? opts.agentState[a] : agentStatus()])),
    cilium_endpoints: endpoints,
    errors: opts.errors ?? {
      'cilium-envoy': { 'cilium-envoy': { Errors: [], Warnings: [], Disabled: false } },
      'cilium-operator': { 'cilium-operator': { Errors: [], Warnings: [], Disabled: false } },
      'hubble-relay': { 'hubble-relay': { Errors: [], Warnings: [], Disabled: false } },
      'hubble-ui': { 'hubble-ui': { Errors: [], Warnings: [], Disabled: true } },
      'clustermesh-apiserver': { 'clustermesh-apiserver': { Errors: [], Warnings: [], Disabled: true } },
    },
    helm_chart_version: '1.20.0',
  };
  return `${JSON.stringify(status, null, 1)}\n`;
}

/** models.EncryptionStatus as cilium-dbg prints it for WireGuard (peer-count is omitempty). */
function wireguardStatus(peers: number): string {
  const iface: Json = { name: 'cilium_wg0', 'public-key': 'RcYfs/GEkcnnv6moK5A1pKnd+YYUue21jO9I08Bv0zo=' };
  if (peers > 0) iface['peer-count'] = peers;
  return `${JSON.stringify({ mode: 'Wireguard', wireguard: { interfaces: [iface] } }, null, 2)}\n`;
}

function daemonSet(name: string, container: string, image: string, ready = 3): V1DaemonSet {
  return {
    metadata: { name, namespace: 'kube-system', generation: 1 },
    spec: {
      selector: { matchLabels: { 'k8s-app': name } },
      template: { metadata: { labels: { 'k8s-app': name } }, spec: { containers: [{ name: container, image }] } },
    },
    status: { observedGeneration: 1, desiredNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 0, numberReady: ready, updatedNumberScheduled: 3, numberAvailable: ready },
  };
}

/** The Kubernetes seam for these checks: pods by namespace and selector, DaemonSets, exec into agent pods. */
class FakeKube implements KubeClient {
  readonly execCalls: string[] = [];
  pods: V1Pod[] = [...workloadPods(), ...agentPods()];
  daemonSets = new Map<string, V1DaemonSet>([
    ['cilium', daemonSet('cilium', 'cilium-agent', AGENT_IMAGE)],
    ['cilium-envoy', daemonSet('cilium-envoy', 'cilium-envoy', ENVOY_IMAGE)],
  ]);
  /** Answers by agent pod name. */
  execAnswers = new Map<string, ExecResult>();

  async listPods(namespace: string, labelSelector?: string): Promise<V1Pod[]> {
    const [key, value] = labelSelector ? labelSelector.split('=') : [];
    return this.pods.filter((p) => p.metadata?.namespace === namespace && (key === undefined || p.metadata?.labels?.[key] === value));
  }
  async readDaemonSet(namespace: string, name: string): Promise<V1DaemonSet | null> {
    return namespace === 'kube-system' ? (this.daemonSets.get(name) ?? null) : null;
  }
  async exec(namespace: string, pod: string, container: string, argv: readonly string[]): Promise<ExecResult> {
    this.execCalls.push(`${namespace}/${pod}/${container}: ${argv.join(' ')}`);
    return this.execAnswers.get(pod) ?? { stdout: '', stderr: `error: unable to upgrade connection: container not found ("${container}")`, exitCode: 1 };
  }
  async apply(): Promise<void> {
    throw new Error('not used');
  }
  async delete(): Promise<void> {
    throw new Error('not used');
  }
  async namespaceLabels(): Promise<Record<string, string> | null> {
    throw new Error('not used');
  }
  async deleteNamespace(): Promise<void> {
    throw new Error('not used');
  }
  async readDeployment(): Promise<V1Deployment | null> {
    throw new Error('not used');
  }
  async listAllPods(): Promise<V1Pod[]> {
    throw new Error('not used by verify');
  }
  async listNodes(): Promise<V1Node[]> {
    throw new Error('not used');
  }
  async events(): Promise<string[]> {
    throw new Error('not used');
  }
  async nodeProxyGet(): Promise<string> {
    throw new Error('not used');
  }
  async serverVersion(): Promise<string> {
    throw new Error('not used');
  }
}

const STATUS_CMD = ['cilium', 'status', '--output', 'json'];
const POLICY_CMD = ['kubectl', 'get', 'ciliumnetworkpolicies.cilium.io', L7_POLICY_NAME];

function runnerWith(statusJson: string): FakeRunner {
  return new FakeRunner().on(STATUS_CMD, statusJson);
}

describe('cilium verify', () => {
  it('passes when every workload pod is a ready Cilium endpoint with the pod IP, on a healthy Cilium', async () => {
    const runner = runnerWith(ciliumStatusJson());
    const result = await new CiliumMesh().verify(ctx, new FakeKube(), runner);
    expect(result.problem).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.evidence).toContain('cilium: 3/3 ready');
    expect(result.evidence).toContain('cilium-operator: 1/1 ready');
    expect(result.evidence).toContain('agent cilium-q8v4n: Cilium Ok, kube-proxy replacement True');
    expect(result.evidence).toContain('pod server-1-6d9f8b7c5-abcde: Cilium endpoint 1834 on agent cilium-q8v4n, ready, address 10.244.2.81');
    expect(result.evidence).toContain('pod load-client-5f6d7c8b9-fghij: Cilium endpoint 412 on agent cilium-7xk2p, ready, address 10.244.1.37');
  });

  it('asks cilium status with the run kubeconfig', async () => {
    const runner = runnerWith(ciliumStatusJson());
    await new CiliumMesh().verify(ctx, new FakeKube(), runner);
    expect(runner.transcript).toContain(`$ cilium status --output json --kubeconfig ${ctx.kubeconfig}`);
  });

  it('fails when an agent is not ready', async () => {
    const status = ciliumStatusJson({
      podState: { cilium: { Type: 'DaemonSet', Desired: 3, Ready: 2, Available: 2, Unavailable: 1 } },
      agentState: { 'cilium-q8v4n': null },
      errors: { cilium: { cilium: { Errors: ['1 pods of DaemonSet cilium are not ready'], Warnings: [], Disabled: false } } },
    });
    const result = await new CiliumMesh().verify(ctx, new FakeKube(), runnerWith(status));
    expect(result.ok).toBe(false);
    expect(result.problem).toContain('cilium: 2/3 ready');
    expect(result.problem).toContain('1 pods of DaemonSet cilium are not ready');
    expect(result.problem).toContain('agent cilium-q8v4n: Cilium state unknown');
  });

  it('fails when an agent reports Cilium in failure', async () => {
    const failing = { ...agentStatus(), cilium: { state: 'Failure', msg: 'Kubernetes service is not ready' } };
    const result = await new CiliumMesh().verify(ctx, new FakeKube(), runnerWith(ciliumStatusJson({ agentState: { 'cilium-7xk2p': failing } })));
    expect(result.ok).toBe(false);
    expect(result.problem).toContain('agent cilium-7xk2p: Cilium state Failure (Kubernetes service is not ready)');
  });

  it('fails when kube-proxy replacement is off', async () => {
    const off = { ...agentStatus(), 'kube-proxy-replacement': { mode: 'False' } };
    const result = await new CiliumMesh().verify(ctx, new FakeKube(), runnerWith(ciliumStatusJson({ agentState: { 'cilium-x2k9p': off } })));
    expect(result.ok).toBe(false);
    expect(result.problem).toContain('agent cilium-x2k9p: kube-proxy replacement is False');
  });

  it('fails when a workload pod is not a Cilium endpoint', async () => {
    const status = ciliumStatusJson({ endpointFor: (w) => (w.component === 'load-client' ? null : endpoint(w)), podsCount: { all: 6, by_cilium: 5 } });
    const result = await new CiliumMesh().verify(ctx, new FakeKube(), runnerWith(status));
    expect(result.ok).toBe(false);
    expect(result.problem).toContain('pod load-client-5f6d7c8b9-fghij is not a Cilium endpoint');
  });

  it('fails when a workload endpoint is not ready or has another address than the pod', async () => {
    const status = ciliumStatusJson({
      endpointFor: (w) =>
        w.deployment === 'server-1' ? endpoint(w, { state: 'waiting-for-identity' }) : w.deployment === 'server-2' ? endpoint(w, { ip: '10.244.2.9' }) : endpoint(w),
    });
    const result = await new CiliumMesh().verify(ctx, new FakeKube(), runnerWith(status));
    expect(result.ok).toBe(false);
    expect(result.problem).toContain('pod server-1-6d9f8b7c5-abcde: Cilium endpoint 1834 is waiting-for-identity, not ready');
    expect(result.problem).toContain('pod server-2-7c8d9e6f4-klmno: pod IP 10.244.2.112 is not the Cilium endpoint\'s address (10.244.2.9)');
  });

  it('fails when there is no workload to verify', async () => {
    const kube = new FakeKube();
    kube.pods = agentPods();
    const result = await new CiliumMesh().verify(ctx, kube, runnerWith(ciliumStatusJson()));
    expect(result.ok).toBe(false);
    expect(result.problem).toContain(`no workload pods in namespace ${NS}`);
  });

  it('fails, keeping the reason, when cilium status cannot collect the status', async () => {
    const runner = new FakeRunner().fail(STATUS_CMD, 'Error: Unable to determine status:  unable to create Kubernetes client: stat /tmp/kc: no such file or directory\n');
    const result = await new CiliumMesh().verify(ctx, new FakeKube(), runner);
    expect(result.ok).toBe(false);
    expect(result.problem).toMatch(/^cilium status failed: command failed \(exit code 1\): cilium status/);
    expect(result.problem).toContain('unable to create Kubernetes client');
  });

  it('fails when cilium status prints something that is not its JSON', async () => {
    const result = await new CiliumMesh().verify(ctx, new FakeKube(), runnerWith('KubeProxyReplacement:   True\n'));
    expect(result.ok).toBe(false);
    expect(result.problem).toContain('cilium status -o json: not JSON');
  });
});

describe('cilium-wireguard verify', () => {
  const wireguardStatusJson = () =>
    ciliumStatusJson({ agentState: Object.fromEntries(Object.values(AGENTS).map((a) => [a, agentStatus({ encryption: { mode: 'Wireguard' } })])) });

  it('passes when the agents on the workload nodes have WireGuard peers', async () => {
    const kube = new FakeKube();
    kube.execAnswers.set('cilium-7xk2p', { stdout: wireguardStatus(2), stderr: '', exitCode: 0 });
    kube.execAnswers.set('cilium-q8v4n', { stdout: wireguardStatus(2), stderr: '', exitCode: 0 });
    const result = await new CiliumWireguardMesh().verify(ctx, kube, runnerWith(wireguardStatusJson()));
    expect(result.problem).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.evidence).toContain(`agent cilium-7xk2p (node ${NODE.load}): encryption Wireguard, cilium_wg0 2 peers`);
    expect(result.evidence).toContain(`agent cilium-q8v4n (node ${NODE.server}): encryption Wireguard, cilium_wg0 2 peers`);
    // Only the nodes that carry the measured traffic, once each, in the agent container.
    expect(kube.execCalls.sort()).toEqual([
      'kube-system/cilium-7xk2p/cilium-agent: cilium-dbg encrypt status -o json',
      'kube-system/cilium-q8v4n/cilium-agent: cilium-dbg encrypt status -o json',
    ]);
  });

  it('fails when a node has no WireGuard peer', async () => {
    const kube = new FakeKube();
    kube.execAnswers.set('cilium-7xk2p', { stdout: wireguardStatus(2), stderr: '', exitCode: 0 });
    kube.execAnswers.set('cilium-q8v4n', { stdout: wireguardStatus(0), stderr: '', exitCode: 0 });
    const result = await new CiliumWireguardMesh().verify(ctx, kube, runnerWith(wireguardStatusJson()));
    expect(result.ok).toBe(false);
    expect(result.problem).toBe(`agent cilium-q8v4n (node ${NODE.server}): WireGuard has no peers (cilium_wg0 0 peers)`);
  });

  it('fails when encryption is not WireGuard', async () => {
    const kube = new FakeKube();
    const disabled = { stdout: '{\n  "mode": "Disabled"\n}\n', stderr: '', exitCode: 0 };
    kube.execAnswers.set('cilium-7xk2p', disabled);
    kube.execAnswers.set('cilium-q8v4n', disabled);
    const result = await new CiliumWireguardMesh().verify(ctx, kube, runnerWith(ciliumStatusJson()));
    expect(result.ok).toBe(false);
    expect(result.problem).toContain('agent cilium-7xk2p (node bench-cilium-worker): encryption Disabled, expected Wireguard');
  });

  it('fails when the encryption status cannot be read from an agent', async () => {
    const kube = new FakeKube();
    kube.execAnswers.set('cilium-7xk2p', { stdout: wireguardStatus(2), stderr: '', exitCode: 0 });
    const result = await new CiliumWireguardMesh().verify(ctx, kube, runnerWith(wireguardStatusJson()));
    expect(result.ok).toBe(false);
    expect(result.problem).toContain('cilium-dbg encrypt status on cilium-q8v4n exited 1');
  });

  it('fails when no agent runs on a workload node', async () => {
    const kube = new FakeKube();
    kube.pods = kube.pods.filter((p) => p.metadata?.name !== 'cilium-q8v4n');
    kube.execAnswers.set('cilium-7xk2p', { stdout: wireguardStatus(2), stderr: '', exitCode: 0 });
    const result = await new CiliumWireguardMesh().verify(ctx, kube, runnerWith(wireguardStatusJson()));
    expect(result.ok).toBe(false);
    expect(result.problem).toContain(`no Cilium agent pod on node ${NODE.server}`);
  });
});

describe('cilium-l7 verify', () => {
  const policyJson = (conditions: Json[] = [{ type: 'Valid', status: 'True', lastTransitionTime: '2026-08-20T10:00:00Z', message: 'Policy validation succeeded' }]) =>
    JSON.stringify({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: L7_POLICY_NAME, namespace: NS, uid: '0b8c7f3e-2a41-4c1d-9b6e-5d2f7a8e9c10', generation: 1 },
      spec: {},
      status: { conditions },
    });
  const l7Status = (redirect: (w: WorkloadPod) => Json[] = () => [l7Redirect()]) =>
    ciliumStatusJson({
      endpointFor: (w) => (w.component === 'server' ? endpoint(w, { proxyStatistics: redirect(w), policyEnabled: 'ingress' }) : endpoint(w)),
    });

  it('passes when the policy exists, Envoy is ready and every server has an HTTP redirect to the proxy', async () => {
    const runner = runnerWith(l7Status()).on(POLICY_CMD, policyJson());
    const result = await new CiliumL7Mesh().verify(ctx, new FakeKube(), runner);
    expect(result.problem).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.evidence).toContain(`ciliumnetworkpolicy ${NS}/${L7_POLICY_NAME} exists (Valid True)`);
    expect(result.evidence).toContain('cilium-envoy: 3/3 ready');
    expect(result.evidence).toContain('pod server-1-6d9f8b7c5-abcde: ingress 8080/http redirected to L7 proxy port 15431, policy enforcement ingress');
    expect(result.evidence).toContain('pod server-2-7c8d9e6f4-klmno: ingress 8080/http redirected to L7 proxy port 15431, policy enforcement ingress');
    expect(runner.transcript).toContain(
      `$ kubectl get ciliumnetworkpolicies.cilium.io ${L7_POLICY_NAME} --namespace ${NS} --output json --kubeconfig ${ctx.kubeconfig}`,
    );
  });

  it('fails when the policy is missing', async () => {
    const runner = runnerWith(ciliumStatusJson()).fail(
      POLICY_CMD,
      `Error from server (NotFound): ciliumnetworkpolicies.cilium.io "${L7_POLICY_NAME}" not found\n`,
    );
    const result = await new CiliumL7Mesh().verify(ctx, new FakeKube(), runner);
    expect(result.ok).toBe(false);
    expect(result.problem).toContain(`ciliumnetworkpolicy ${NS}/${L7_POLICY_NAME} could not be read`);
    expect(result.problem).toContain('NotFound');
    expect(result.problem).toContain('pod server-1-6d9f8b7c5-abcde: no HTTP redirect of ingress port 8080 to the L7 proxy');
  });

  it('fails when Cilium marked the policy invalid', async () => {
    const runner = runnerWith(l7Status()).on(
      POLICY_CMD,
      policyJson([{ type: 'Valid', status: 'False', message: 'Invalid CiliumNetworkPolicy spec: rule.http.path: invalid regex' }]),
    );
    const result = await new CiliumL7Mesh().verify(ctx, new FakeKube(), runner);
    expect(result.ok).toBe(false);
    expect(result.problem).toContain('is not valid: Invalid CiliumNetworkPolicy spec');
  });

  it('fails when a server redirect was removed (allocated proxy port back to 0)', async () => {
    const status = l7Status((w) => (w.deployment === 'server-2' ? [l7Redirect(null)] : [l7Redirect()]));
    const result = await new CiliumL7Mesh().verify(ctx, new FakeKube(), runnerWith(status).on(POLICY_CMD, policyJson()));
    expect(result.ok).toBe(false);
    expect(result.problem).toBe(
      'pod server-2-7c8d9e6f4-klmno: no HTTP redirect of ingress port 8080 to the L7 proxy (the L7 policy is not enforced)',
    );
  });

  it('fails when the cilium-envoy DaemonSet is not ready', async () => {
    const kube = new FakeKube();
    kube.daemonSets.set('cilium-envoy', daemonSet('cilium-envoy', 'cilium-envoy', ENVOY_IMAGE, 2));
    const result = await new CiliumL7Mesh().verify(ctx, kube, runnerWith(l7Status()).on(POLICY_CMD, policyJson()));
    expect(result.ok).toBe(false);
    expect(result.problem).toBe('cilium-envoy: 2/3 ready (every pod must be ready)');
  });
});

describe('Cilium output parsers', () => {
  const STATUS_SHAPE = 'cli-samples/cilium/status-json.shape.json';
  const statusShape = referenceFiles('the test against the derived cilium status -o json shape', [STATUS_SHAPE]);

  it.skipIf(!statusShape.available)('are tested on fake output of the shape derived from cilium-cli v0.19.7 (shared/reference/cli-samples/cilium)', () => {
    const shape = JSON.parse(statusShape.read(STATUS_SHAPE)) as Record<string, unknown>;
    // Not strict: the shape file carries descriptive keys (`DERIVED`, `note`) that are not JSON Schema keywords.
    const validate = new Ajv({ strict: false, allErrors: true }).compile(shape);
    const statuses = [
      ciliumStatusJson(),
      ciliumStatusJson({ errors: { cilium: { cilium: { Errors: ['1 pods of DaemonSet cilium are not ready'], Warnings: [], Disabled: false } } } }),
    ];
    for (const text of statuses) {
      expect(validate(JSON.parse(text)), JSON.stringify(validate.errors)).toBe(true);
    }
    const topLevel = Object.keys(shape.properties as Record<string, unknown>);
    for (const key of Object.keys(JSON.parse(statuses[0]!) as Record<string, unknown>)) expect(topLevel).toContain(key);
    // And the check can fail: a pod_state count as a string is not of that shape.
    expect(validate({ pod_state: { cilium: { Type: 'DaemonSet', Desired: '3' } } })).toBe(false);
  });

  it('read the endpoints, redirects and agent states out of cilium status -o json', () => {
    const report = parseCiliumStatus(ciliumStatusJson({ endpointFor: (w) => endpoint(w, { proxyStatistics: [l7Redirect()] }) }));
    expect(report.podStates['cilium-operator']).toEqual({ desired: 1, ready: 1, available: 1, unavailable: 0 });
    expect(report.podsCount).toEqual({ all: 6, byCilium: 6 });
    expect(report.agents.map((a) => a.pod).sort()).toEqual(['cilium-7xk2p', 'cilium-q8v4n', 'cilium-x2k9p']);
    expect(report.agents[0]).toMatchObject({ ciliumState: 'Ok', kubeProxyReplacement: 'True', encryptionMode: 'Disabled', envoyDeploymentMode: 'external' });
    const server = report.endpoints.find((e) => e.podName === 'server-1-6d9f8b7c5-abcde');
    expect(server).toMatchObject({ agentPod: 'cilium-q8v4n', id: 1834, namespace: NS, state: 'ready', ipv4: ['10.244.2.81'], ipv6: [] });
    expect(server?.proxyRedirects).toEqual([{ location: 'ingress', port: 8080, protocol: 'http', allocatedProxyPort: 15431 }]);
    // Reserved endpoints (host, health) have no pod identifiers.
    expect(report.endpoints.filter((e) => e.podName === null)).toHaveLength(6);
    expect(report.errors.find((e) => e.component === 'hubble-ui')).toMatchObject({ disabled: true, errors: [] });
  });

  it('accept the status of an agent that could not be asked (null) and a status with every key omitted', () => {
    expect(parseCiliumStatus('{"cilium_status": {"cilium-7xk2p": null}, "cilium_endpoints": {"cilium-7xk2p": null}}').agents).toEqual([
      { pod: 'cilium-7xk2p', ciliumState: null, ciliumMessage: '', kubeProxyReplacement: null, encryptionMode: null, envoyDeploymentMode: null },
    ]);
    expect(parseCiliumStatus('{}')).toEqual({ podStates: {}, podsCount: null, agents: [], endpoints: [], errors: [] });
  });

  it('reject JSON of another shape', () => {
    expect(() => parseCiliumStatus('{"pod_state": {"cilium": {"Desired": "three"}}}')).toThrow(/unexpected shape/);
    expect(() => parseEncryptStatus('{"mode": 3}')).toThrow(/unexpected shape/);
  });

  it('read WireGuard peers, counting an omitted peer-count as none', () => {
    expect(parseEncryptStatus(wireguardStatus(2))).toEqual({ mode: 'Wireguard', message: '', wireguardInterfaces: [{ name: 'cilium_wg0', peers: 2 }] });
    expect(parseEncryptStatus(wireguardStatus(0)).wireguardInterfaces).toEqual([{ name: 'cilium_wg0', peers: 0 }]);
  });

  it('read the CLI and release versions from cilium version, and no release when the CLI could not tell', () => {
    const out =
      'cilium-cli: v0.19.7 compiled with go1.26.5 on linux/amd64\ncilium image (default): v1.19.5\ncilium image (stable): v1.20.0\ncilium image (running): 1.20.0\n';
    expect(parseCiliumVersion(out)).toEqual({ cli: 'v0.19.7', running: '1.20.0' });
    const unknown =
      'cilium-cli: v0.19.7 compiled with go1.26.5 on linux/amd64\ncilium image (default): v1.19.5\ncilium image (stable): unknown\n' +
      'cilium image (running): unknown. Unable to obtain cilium version. Reason: release: not found\n';
    expect(parseCiliumVersion(unknown)).toEqual({ cli: 'v0.19.7', running: null });
  });
});

describe('Cilium installed versions', () => {
  const versionOutput =
    'cilium-cli: v0.19.7 compiled with go1.26.5 on linux/amd64\ncilium image (default): v1.19.5\ncilium image (stable): unknown\ncilium image (running): 1.20.0\n';

  it('come from cilium version and the images the DaemonSets run', async () => {
    const runner = new FakeRunner().on(['cilium', 'version'], versionOutput);
    const versions = await new CiliumL7Mesh().installedVersions(ctx, new FakeKube(), runner);
    expect(versions).toEqual({
      'cilium-cli': 'v0.19.7',
      'cilium-chart': '1.20.0',
      'cilium-agent': 'v1.20.0',
      'cilium-envoy': 'v1.37.5-1782911245-7cffc778c923f68a77954a53b1a98d6b5353f004',
    });
    expect(runner.transcript).toContain(`$ cilium version --kubeconfig ${ctx.kubeconfig}`);
  });

  it('leave out what the cluster does not have', async () => {
    const kube = new FakeKube();
    kube.daemonSets.delete('cilium-envoy');
    const runner = new FakeRunner().on(['cilium', 'version'], versionOutput.replace('running): 1.20.0', 'running): unknown. Unable to obtain cilium version. Reason: not found'));
    expect(await new CiliumMesh().installedVersions(ctx, kube, runner)).toEqual({ 'cilium-cli': 'v0.19.7', 'cilium-agent': 'v1.20.0' });
  });
});
