import type { V1Pod } from '@kubernetes/client-node';
import type { ProcessRunner } from '../core/deps.js';
import type { KubeClient } from '../core/kube.js';
import { AGENT_CONTAINER, AGENT_POD_SELECTOR, CILIUM_NAMESPACE, kubectl } from './cilium-common.js';
import type { CheckResult } from './cilium-verify.js';
import type { MeshContext } from './mesh-adapter.js';

/**
 * The static half of `cilium-ztunnel`'s proof (the traffic half is cilium-ztunnel-evidence.ts): the three checks of
 * the upstream guide's "Validate the Setup", read from what the cluster reports. Guide:
 * Documentation/security/network/encryption-ztunnel.rst at tag v1.20.0
 * (https://github.com/cilium/cilium/blob/v1.20.0/Documentation/security/network/encryption-ztunnel.rst).
 */

/** Chart 1.20.0 templates/ztunnel/daemonset.yaml: DaemonSet `ztunnel-cilium`, pods `app: ztunnel-cilium`, container `istio-proxy`. */
export const ZTUNNEL_DAEMONSET = 'ztunnel-cilium';
export const ZTUNNEL_POD_SELECTOR = 'app=ztunnel-cilium';
export const ZTUNNEL_CONTAINER = 'istio-proxy';
/** The guide's "Enrolling Namespaces": `kubectl label namespace <namespace-name> io.cilium/mtls-enabled=true`. */
export const MTLS_ENROL_LABEL = 'io.cilium/mtls-enabled';
/** pkg/ztunnel/table/enrolled_namespaces.go (v1.20.0): the StateDB table the enrolment reconciler writes. */
export const ENROLLED_NAMESPACES_TABLE = 'mtls-enrolled-namespaces';
/** The guide's command, run in the agent container: `cilium-dbg statedb dump` (cilium-dbg/cmd/statedb.go, v1.20.0). */
export const STATEDB_DUMP = ['cilium-dbg', 'statedb', 'dump'];

const READ_TIMEOUT_MS = 2 * 60_000;
const EXEC_TIMEOUT_MS = 60_000;

/**
 * Guide step 1, "Check that ztunnel has been enabled": `enable-ztunnel` in ConfigMap kube-system/cilium-config. The
 * chart writes `enable-ztunnel: "true"` when encryption.enabled and encryption.type=ztunnel
 * (templates/cilium-configmap.yaml, 1.20.0), and the agent reads that key (pkg/ztunnel/config/config.go).
 */
export async function checkZtunnelEnabled(ctx: MeshContext, runner: ProcessRunner): Promise<CheckResult> {
  const argv = kubectl(ctx, ['get', 'configmap', 'cilium-config', '--namespace', CILIUM_NAMESPACE, '--output', 'json']);
  let stdout: string;
  try {
    stdout = (await runner.run(argv, { timeoutMs: READ_TIMEOUT_MS })).stdout;
  } catch (error) {
    return { evidence: [], problems: [`configmap ${CILIUM_NAMESPACE}/cilium-config could not be read: ${error instanceof Error ? error.message : String(error)}`] };
  }
  return ztunnelEnabledIn(stdout);
}

/** Pure: the check on `kubectl get configmap cilium-config -o json`'s output. */
export function ztunnelEnabledIn(configMapJson: string): CheckResult {
  let data: Record<string, unknown> | undefined;
  try {
    data = (JSON.parse(configMapJson) as { data?: Record<string, unknown> }).data;
  } catch {
    return { evidence: [], problems: ['configmap cilium-config: kubectl printed no JSON'] };
  }
  const value = data?.['enable-ztunnel'];
  if (value !== 'true') return { evidence: [], problems: [`configmap cilium-config: enable-ztunnel is ${value === undefined ? 'absent' : JSON.stringify(value)}, expected "true"`] };
  const ca = data?.['ztunnel-ca-type'];
  return { evidence: [`configmap cilium-config: enable-ztunnel "true"${typeof ca === 'string' ? `, ztunnel-ca-type "${ca}"` : ''}`], problems: [] };
}

/** The node names the workload pods run on, sorted. */
function workloadNodes(pods: readonly V1Pod[]): string[] {
  return [...new Set(pods.map((p) => p.spec?.nodeName).filter((n): n is string => !!n))].sort();
}

function podReady(p: V1Pod): boolean {
  return !p.metadata?.deletionTimestamp && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * The ztunnel DaemonSet is fully ready, and every node that runs a workload pod has a ready ztunnel pod: enrolled
 * traffic is redirected to the local ztunnel, so a node without one cannot carry it.
 */
export async function checkZtunnelReady(kube: KubeClient, pods: readonly V1Pod[]): Promise<CheckResult> {
  const ds = await kube.readDaemonSet(CILIUM_NAMESPACE, ZTUNNEL_DAEMONSET);
  if (!ds) return { evidence: [], problems: [`DaemonSet ${CILIUM_NAMESPACE}/${ZTUNNEL_DAEMONSET} does not exist`] };
  const evidence: string[] = [];
  const problems: string[] = [];
  const desired = ds.status?.desiredNumberScheduled ?? 0;
  const ready = ds.status?.numberReady ?? 0;
  const line = `${ZTUNNEL_DAEMONSET}: ${ready}/${desired} ready`;
  if (desired < 1 || ready < desired) problems.push(`${line} (every pod must be ready)`);
  else evidence.push(line);
  const ztunnels = await kube.listPods(CILIUM_NAMESPACE, ZTUNNEL_POD_SELECTOR);
  for (const node of workloadNodes(pods)) {
    const z = ztunnels.find((p) => p.spec?.nodeName === node && podReady(p));
    if (z) evidence.push(`node ${node}: ztunnel ${z.metadata?.name ?? '?'} ready`);
    else problems.push(`node ${node} runs workload pods but no ready ztunnel pod`);
  }
  return { evidence, problems };
}

/**
 * Guide step 2, "Check which namespaces are enrolled": the namespace carries the label, and — "To verify that these
 * namespaces are actually enrolled in the StateDB table" — the agent of every node that runs a workload pod lists it
 * in `mtls-enrolled-namespaces` with reconciliation status Done.
 */
export async function checkNamespaceEnrolled(ctx: MeshContext, kube: KubeClient, pods: readonly V1Pod[]): Promise<CheckResult> {
  const evidence: string[] = [];
  const problems: string[] = [];
  const labels = await kube.namespaceLabels(ctx.namespace);
  if (labels?.[MTLS_ENROL_LABEL] === 'true') evidence.push(`namespace ${ctx.namespace}: ${MTLS_ENROL_LABEL}=true`);
  else problems.push(`namespace ${ctx.namespace} is not labelled ${MTLS_ENROL_LABEL}=true`);
  const agents = await kube.listPods(CILIUM_NAMESPACE, AGENT_POD_SELECTOR);
  for (const node of workloadNodes(pods)) {
    const agent = agents.find((a) => a.spec?.nodeName === node)?.metadata?.name;
    if (!agent) {
      problems.push(`no Cilium agent pod on node ${node}`);
      continue;
    }
    const out = await kube.exec(CILIUM_NAMESPACE, agent, AGENT_CONTAINER, STATEDB_DUMP, EXEC_TIMEOUT_MS);
    if (out.exitCode !== 0) {
      problems.push(`cilium-dbg statedb dump on ${agent} exited ${out.exitCode}: ${(out.stderr || out.stdout).trim().split('\n', 1)[0] ?? ''}`);
      continue;
    }
    const status = enrolmentStatus(out.stdout, ctx.namespace);
    if (status.found && status.status === 'Done') evidence.push(`agent ${agent} (node ${node}): ${ENROLLED_NAMESPACES_TABLE} has ${ctx.namespace}, Done`);
    else problems.push(`agent ${agent} (node ${node}): ${enrolmentProblem(status, ctx.namespace)}`);
  }
  return { evidence, problems };
}

/** A row's status (`Done`, `Pending`, `Error: <message>`…), or why there is none. */
export type EnrolmentStatus = { found: true; status: string } | { found: false; why: 'absent' | 'no-table' | 'not-json' };

/**
 * The reconciliation status of `namespace` in a `cilium-dbg statedb dump`. The dump is one JSON object of table name
 * → rows (statedb v0.8.3 read_txn.go WriteJSON); a row of this table is EnrolledNamespace{Name, Status} with Status
 * marshalled as `{"updated-at": …, "kind": "Done" | "Pending" | "Refreshing" | "Error", "error"?: …}`
 * (statedb reconciler/types.go).
 */
export function enrolmentStatus(dump: string, namespace: string): EnrolmentStatus {
  let tables: unknown;
  try {
    tables = JSON.parse(dump);
  } catch {
    return { found: false, why: 'not-json' };
  }
  const rows = typeof tables === 'object' && tables !== null ? (tables as Record<string, unknown>)[ENROLLED_NAMESPACES_TABLE] : undefined;
  if (!Array.isArray(rows)) return { found: false, why: 'no-table' };
  for (const row of rows) {
    if (typeof row !== 'object' || row === null || (row as { Name?: unknown }).Name !== namespace) continue;
    const status = (row as { Status?: { kind?: unknown; error?: unknown } }).Status;
    const kind = typeof status?.kind === 'string' ? status.kind : 'unknown';
    return { found: true, status: kind === 'Error' && typeof status?.error === 'string' ? `Error: ${status.error}` : kind };
  }
  return { found: false, why: 'absent' };
}

function enrolmentProblem(status: EnrolmentStatus, namespace: string): string {
  if (status.found) return `${namespace} in ${ENROLLED_NAMESPACES_TABLE} has status ${status.status}, not Done`;
  switch (status.why) {
    case 'not-json':
      return 'cilium-dbg statedb dump printed no JSON';
    case 'no-table':
      return `StateDB has no ${ENROLLED_NAMESPACES_TABLE} table (is ztunnel enabled in this agent?)`;
    case 'absent':
      return `${namespace} is not in ${ENROLLED_NAMESPACES_TABLE}`;
  }
}
