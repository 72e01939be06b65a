import type { V1Pod } from '@kubernetes/client-node';
import type { ProcessRunner } from '../core/deps.js';
import { CommandError } from '../core/errors.js';
import type { KubeClient } from '../core/kube.js';
import { SERVER_PORT } from '../platform/manifests.js';
import {
  AGENT_CONTAINER,
  AGENT_DAEMONSET,
  AGENT_POD_SELECTOR,
  CILIUM_NAMESPACE,
  ENVOY_DAEMONSET,
  OPERATOR_DEPLOYMENT,
  ciliumCli,
  kubectl,
} from './cilium-common.js';
import { CiliumOutputError, parseCiliumStatus, parseEncryptStatus, type CiliumStatusReport } from './cilium-output.js';
import { verificationOf, type MeshContext, type Verification } from './mesh-adapter.js';

/**
 * Proof that the workload is really handled by Cilium, from what the cluster reports (never from what we asked for).
 * Each check returns what it saw and what is wrong; `verification` folds them into the adapter's answer, so a failed
 * run names every missing piece at once.
 */

export interface CheckResult {
  evidence: string[];
  problems: string[];
}

const STATUS_TIMEOUT_MS = 2 * 60_000;
const EXEC_TIMEOUT_MS = 30_000;
/** Run in the agent container; `cilium-dbg` is the agent-side CLI (docs.cilium.io cmdref/cilium-dbg). */
const ENCRYPT_STATUS = ['cilium-dbg', 'encrypt', 'status', '-o', 'json'];

export function verification(results: readonly CheckResult[]): Verification {
  return verificationOf(
    results.flatMap((r) => r.evidence),
    results.flatMap((r) => r.problems),
  );
}

/** Pods of the benchmark namespace that are not on their way out. */
export async function workloadPods(kube: KubeClient, namespace: string): Promise<V1Pod[]> {
  return (await kube.listPods(namespace)).filter((p) => !p.metadata?.deletionTimestamp);
}

/**
 * `cilium status -o json` without --wait: one snapshot. cilium-cli exits non-zero only when it could not collect the
 * status (cli/status.go), which is a problem of its own.
 */
export async function readCiliumStatus(
  ctx: MeshContext,
  runner: ProcessRunner,
): Promise<{ report: CiliumStatusReport } | { problem: string }> {
  let stdout: string;
  try {
    stdout = (await runner.run(ciliumCli(ctx, ['status', '--output', 'json']), { timeoutMs: STATUS_TIMEOUT_MS })).stdout;
  } catch (error) {
    return { problem: `cilium status failed: ${describe(error)}` };
  }
  try {
    return { report: parseCiliumStatus(stdout) };
  } catch (error) {
    if (error instanceof CiliumOutputError) return { problem: error.message };
    throw error;
  }
}

/**
 * The agent DaemonSet and the operator are fully ready, no Cilium component reports an error, and every agent says
 * Cilium is Ok with the kube-proxy replacement on (what kubeproxy-free.rst's "Validate the Setup" checks with
 * `cilium-dbg status`).
 */
export function checkCiliumHealthy(status: CiliumStatusReport): CheckResult {
  const evidence: string[] = [];
  const problems: string[] = [];
  for (const name of [AGENT_DAEMONSET, OPERATOR_DEPLOYMENT]) {
    const state = status.podStates[name];
    if (!state) {
      problems.push(`cilium status reports no ${name} pods`);
      continue;
    }
    const line = `${name}: ${state.ready}/${state.desired} ready`;
    if (state.desired < 1 || state.ready < state.desired) problems.push(`${line} (every pod must be ready)`);
    else evidence.push(line);
  }
  for (const e of status.errors) {
    if (e.errors.length > 0) problems.push(`cilium status: ${e.component} ${e.pod}: ${e.errors.join(', ')}`);
  }
  if (status.agents.length === 0) problems.push('cilium status reports no agent status');
  for (const a of status.agents) {
    if (a.ciliumState !== 'Ok') {
      problems.push(`agent ${a.pod}: Cilium state ${a.ciliumState ?? 'unknown'}${a.ciliumMessage ? ` (${a.ciliumMessage})` : ''}`);
    } else if (a.kubeProxyReplacement !== 'True') {
      problems.push(`agent ${a.pod}: kube-proxy replacement is ${a.kubeProxyReplacement ?? 'not reported'}, expected True`);
    } else {
      evidence.push(`agent ${a.pod}: Cilium Ok, kube-proxy replacement True`);
    }
  }
  return { evidence, problems };
}

/**
 * Every workload pod is a Cilium endpoint in state ready whose address is the pod's IP: Cilium is the CNI that wired
 * the pod, so its traffic crosses Cilium's datapath. cilium status gathers the endpoints of every agent
 * (`cilium endpoint list -o json` in each: k8s/client.go CiliumDbgEndpoints).
 */
export function checkWorkloadEndpoints(status: CiliumStatusReport, pods: readonly V1Pod[], namespace: string): CheckResult {
  const evidence: string[] = [];
  const problems: string[] = [];
  if (pods.length === 0) return { evidence, problems: [`no workload pods in namespace ${namespace}`] };
  if (status.podsCount) {
    const line = `pods managed by Cilium: ${status.podsCount.byCilium} of ${status.podsCount.all}`;
    if (status.podsCount.byCilium < pods.length) problems.push(`${line}, fewer than the ${pods.length} workload pods`);
    else evidence.push(line);
  }
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '?';
    const ip = pod.status?.podIP;
    const ep = status.endpoints.find((e) => e.namespace === namespace && e.podName === name);
    if (!ep) {
      problems.push(`pod ${name} is not a Cilium endpoint`);
    } else if (ep.state !== 'ready') {
      problems.push(`pod ${name}: Cilium endpoint ${ep.id ?? '?'} is ${ep.state ?? 'in no state'}, not ready`);
    } else if (!ip || ![...ep.ipv4, ...ep.ipv6].includes(ip)) {
      const addresses = [...ep.ipv4, ...ep.ipv6].join(', ') || 'none';
      problems.push(`pod ${name}: pod IP ${ip ?? 'unset'} is not the Cilium endpoint's address (${addresses})`);
    } else {
      evidence.push(`pod ${name}: Cilium endpoint ${ep.id ?? '?'} on agent ${ep.agentPod}, ready, address ${ip}`);
    }
  }
  return { evidence, problems };
}

/**
 * WireGuard is on and has peers on the nodes that carry the measured traffic: `cilium-dbg encrypt status -o json` in
 * the agent of every node that runs a workload pod (docs.cilium.io cmdref/cilium-dbg_encrypt_status: `-o json`;
 * cilium-cli v0.19.7 encrypt/status.go runs the same command in the same container). encryption-wireguard.rst: the
 * number of peers is the number of other nodes, so a node without peers cannot encrypt to the other worker.
 */
export async function checkWireguardPeers(kube: KubeClient, pods: readonly V1Pod[]): Promise<CheckResult> {
  const evidence: string[] = [];
  const problems: string[] = [];
  const agents = await kube.listPods(CILIUM_NAMESPACE, AGENT_POD_SELECTOR);
  const nodes = [...new Set(pods.map((p) => p.spec?.nodeName).filter((n): n is string => !!n))].sort();
  if (nodes.length === 0) problems.push('no workload pod is scheduled on a node');
  for (const node of nodes) {
    const agent = agents.find((a) => a.spec?.nodeName === node && a.metadata?.name);
    const agentName = agent?.metadata?.name;
    if (!agentName) {
      problems.push(`no Cilium agent pod on node ${node}`);
      continue;
    }
    const out = await kube.exec(CILIUM_NAMESPACE, agentName, AGENT_CONTAINER, ENCRYPT_STATUS, EXEC_TIMEOUT_MS);
    if (out.exitCode !== 0) {
      problems.push(`cilium-dbg encrypt status on ${agentName} exited ${out.exitCode}: ${firstLine(out.stderr || out.stdout)}`);
      continue;
    }
    let report;
    try {
      report = parseEncryptStatus(out.stdout);
    } catch (error) {
      if (!(error instanceof CiliumOutputError)) throw error;
      problems.push(`${agentName}: ${error.message}`);
      continue;
    }
    const peers = report.wireguardInterfaces.reduce((n, i) => n + i.peers, 0);
    const interfaces = report.wireguardInterfaces.map((i) => `${i.name} ${i.peers} peers`).join(', ');
    if (report.mode !== 'Wireguard') {
      problems.push(`agent ${agentName} (node ${node}): encryption ${report.mode ?? 'not reported'}, expected Wireguard`);
    } else if (peers < 1) {
      problems.push(`agent ${agentName} (node ${node}): WireGuard has no peers (${interfaces || 'no interface'})`);
    } else {
      evidence.push(`agent ${agentName} (node ${node}): encryption Wireguard, ${interfaces}`);
    }
  }
  return { evidence, problems };
}

/**
 * The L7 policy is realized on every server pod: its endpoint has an ingress redirect of the server port to the L7
 * proxy with the HTTP parser. The agent adds this entry (models.ProxyStatistics: location, port, protocol = the L7
 * parser, allocated-proxy-port) when it installs the redirect, and zeroes allocated-proxy-port when it removes it
 * (pkg/endpoint/bpf.go: "report that Cilium manages a redirect for that port"; parser "http" in pkg/policy/l4.go).
 */
export function checkL7Redirects(status: CiliumStatusReport, serverPods: readonly V1Pod[], namespace: string): CheckResult {
  const evidence: string[] = [];
  const problems: string[] = [];
  if (serverPods.length === 0) problems.push(`no server pods in namespace ${namespace}`);
  for (const pod of serverPods) {
    const name = pod.metadata?.name ?? '?';
    const ep = status.endpoints.find((e) => e.namespace === namespace && e.podName === name);
    const redirect = ep?.proxyRedirects.find(
      (r) => r.location === 'ingress' && r.port === SERVER_PORT && r.protocol === 'http' && r.allocatedProxyPort > 0,
    );
    if (!redirect) {
      problems.push(`pod ${name}: no HTTP redirect of ingress port ${SERVER_PORT} to the L7 proxy (the L7 policy is not enforced)`);
    } else {
      const enabled = ep?.policyEnabled ? `, policy enforcement ${ep.policyEnabled}` : '';
      evidence.push(`pod ${name}: ingress ${SERVER_PORT}/http redirected to L7 proxy port ${redirect.allocatedProxyPort}${enabled}`);
    }
  }
  const modes = [...new Set(status.agents.map((a) => a.envoyDeploymentMode).filter((m) => m !== null))];
  if (modes.length > 0) evidence.push(`Envoy deployment mode: ${modes.join(', ')}`);
  return { evidence, problems };
}

/** The per-node cilium-envoy DaemonSet that serves the L7 redirects is scheduled and ready on every node. */
export async function checkEnvoyReady(kube: KubeClient): Promise<CheckResult> {
  const ds = await kube.readDaemonSet(CILIUM_NAMESPACE, ENVOY_DAEMONSET);
  if (!ds) return { evidence: [], problems: [`DaemonSet ${CILIUM_NAMESPACE}/${ENVOY_DAEMONSET} does not exist`] };
  const desired = ds.status?.desiredNumberScheduled ?? 0;
  const ready = ds.status?.numberReady ?? 0;
  const line = `${ENVOY_DAEMONSET}: ${ready}/${desired} ready`;
  if (desired < 1 || ready < desired) return { evidence: [], problems: [`${line} (every pod must be ready)`] };
  return { evidence: [line], problems: [] };
}

/**
 * The CiliumNetworkPolicy exists, and Cilium has not marked it invalid (the CRD's printer column reads
 * `.status.conditions[?(@.type=='Valid')]`: pkg/k8s/apis/cilium.io/v2/cnp_types.go).
 */
export async function checkPolicyExists(ctx: MeshContext, runner: ProcessRunner, name: string): Promise<CheckResult> {
  const ref = `ciliumnetworkpolicy ${ctx.namespace}/${name}`;
  const argv = kubectl(ctx, ['get', 'ciliumnetworkpolicies.cilium.io', name, '--namespace', ctx.namespace, '--output', 'json']);
  let stdout: string;
  try {
    stdout = (await runner.run(argv, { timeoutMs: STATUS_TIMEOUT_MS })).stdout;
  } catch (error) {
    return { evidence: [], problems: [`${ref} could not be read: ${describe(error)}`] };
  }
  let policy: { metadata?: { name?: string }; status?: { conditions?: Array<{ type?: string; status?: string; message?: string }> } };
  try {
    policy = JSON.parse(stdout) as typeof policy;
  } catch {
    return { evidence: [], problems: [`${ref}: kubectl printed no JSON`] };
  }
  if (policy.metadata?.name !== name) return { evidence: [], problems: [`${ref} does not exist`] };
  const valid = policy.status?.conditions?.find((c) => c.type === 'Valid');
  if (valid?.status === 'False') return { evidence: [], problems: [`${ref} is not valid: ${valid.message ?? 'no message'}`] };
  return { evidence: [`${ref} exists${valid ? ` (Valid ${valid.status ?? '?'})` : ''}`], problems: [] };
}

function describe(error: unknown): string {
  if (error instanceof CommandError) return `${error.message}${error.output ? `: ${firstLine(lastLines(error.output))}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' ');
}

function firstLine(text: string): string {
  return text.trim().split('\n', 1)[0] ?? '';
}
