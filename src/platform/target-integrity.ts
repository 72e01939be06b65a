import type { V1ContainerStatus, V1Node, V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../core/kube.js';
import type { LoadRun } from '../core/result-schema.js';
import type { ContainerClassifier } from '../metrics/roles.js';
import { WORKLOAD_POD_SELECTOR } from './manifests.js';

/**
 * Integrity of one measured repetition on a cluster: the measured pods (every server hop and the load client, all
 * labelled WORKLOAD_POD_SELECTOR in the variant's namespace) and the nodes they run on are snapshotted before and
 * after the step. A repetition measured while any of them restarted, was OOMKilled, was replaced or rescheduled, or
 * sat on a node that was not Ready is invalid, with the reason: its numbers describe a target that changed under it.
 * For a mesh, its data path counts as the target too: the node agents on the measured pods' nodes (ztunnel, the
 * Cilium agent and its Envoy), waypoints and the control plane, as the adapter classifies their containers.
 *
 * Upstream semantics relied on:
 * - containerStatuses[].restartCount rises on every container restart, lastState.terminated.reason is "OOMKilled"
 *   after an out-of-memory kill, and native sidecars (Istio, Linkerd) report in initContainerStatuses:
 *   https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-states
 *   (restartCount "may be reset to 0" when a node restarts: a fall is a change too).
 * - A node's Ready condition is "True" when healthy, "False" or "Unknown" otherwise:
 *   https://kubernetes.io/docs/reference/node/node-status/#condition
 */
export interface ContainerSnapshot {
  name: string;
  restartCount: number;
  /** state.terminated.reason, when the container is terminated now. */
  terminatedReason: string | null;
  /** lastState.terminated.reason: why the previous instance ended. */
  lastTerminatedReason: string | null;
}

export interface PodSnapshot {
  /** `namespace/name`. */
  id: string;
  uid: string | null;
  node: string | null;
  phase: string | null;
  ready: boolean;
  deleting: boolean;
  containers: ContainerSnapshot[];
}

export interface NodeSnapshot {
  name: string;
  /** The Ready condition's status; "Missing" when the node reports none. */
  ready: 'True' | 'False' | 'Unknown' | 'Missing';
  reason: string | null;
}

export interface TargetSnapshot {
  pods: PodSnapshot[];
  /** The nodes the pods run on (a pod's node missing from the API's list is absent). */
  nodes: NodeSnapshot[];
  /** Every node the API listed, by name. */
  allNodes: string[];
}

function container(s: V1ContainerStatus): ContainerSnapshot {
  return {
    name: s.name,
    restartCount: s.restartCount ?? 0,
    terminatedReason: s.state?.terminated?.reason ?? null,
    lastTerminatedReason: s.lastState?.terminated?.reason ?? null,
  };
}

/** Pure: the parts of pod and node objects that tell whether the target changed. */
export function snapshotOf(pods: readonly V1Pod[], nodes: readonly V1Node[]): TargetSnapshot {
  const podSnaps = pods.map((p): PodSnapshot => {
    const status = p.status;
    const ready = status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    return {
      id: `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`,
      uid: p.metadata?.uid ?? null,
      node: p.spec?.nodeName ?? null,
      phase: status?.phase ?? null,
      ready,
      deleting: Boolean(p.metadata?.deletionTimestamp),
      containers: [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? [])].map(container),
    };
  });
  const hosting = new Set(podSnaps.map((p) => p.node).filter((n): n is string => n !== null));
  const nodeSnaps = nodes
    .filter((n) => hosting.has(n.metadata?.name ?? ''))
    .map((n): NodeSnapshot => {
      const c = n.status?.conditions?.find((x) => x.type === 'Ready');
      const ready = c === undefined ? 'Missing' : c.status === 'True' || c.status === 'False' ? c.status : 'Unknown';
      return { name: n.metadata?.name ?? '', ready, reason: c?.reason ?? null };
    });
  return { pods: podSnaps, nodes: nodeSnaps, allNodes: nodes.map((n) => n.metadata?.name ?? '') };
}

/** Problems visible in one snapshot: a measured pod not running and ready, or its node not Ready. */
function problemsIn(s: TargetSnapshot, when: 'before' | 'after'): string[] {
  const out: string[] = [];
  if (s.pods.length === 0) out.push(`no measured pods found ${when} the step`);
  for (const p of s.pods) {
    if (p.deleting) out.push(`pod ${p.id} was being deleted ${when} the step`);
    else if (p.phase !== 'Running') out.push(`pod ${p.id} was ${p.phase ?? 'in an unknown phase'} ${when} the step`);
    else if (!p.ready) out.push(`pod ${p.id} was not Ready ${when} the step`);
    for (const c of p.containers) {
      if (c.terminatedReason === 'OOMKilled') out.push(`container ${c.name} of pod ${p.id} was OOMKilled ${when} the step`);
    }
  }
  for (const n of s.nodes) {
    if (n.ready !== 'True') {
      const why = n.ready === 'Missing' ? 'reported no Ready condition' : `was NotReady (Ready=${n.ready}${n.reason ? `, ${n.reason}` : ''})`;
      out.push(`node ${n.name} ${why} ${when} the step`);
    }
  }
  return out;
}

/**
 * Pure: why a repetition measured between `before` and `after` cannot be trusted; empty when nothing changed.
 * Pods are matched by uid when both have one (a pod recreated under the same name is a replacement), else by name.
 */
export function integrityReasons(before: TargetSnapshot, after: TargetSnapshot): string[] {
  const reasons = [...problemsIn(before, 'before'), ...problemsIn(after, 'after')];
  const same = (a: PodSnapshot, b: PodSnapshot): boolean => a.id === b.id && (a.uid === null || b.uid === null || a.uid === b.uid);
  for (const b of before.pods) {
    const a = after.pods.find((x) => same(b, x));
    if (!a) {
      reasons.push(`pod ${b.id} was replaced or removed during the step`);
      continue;
    }
    if (a.node !== b.node) reasons.push(`pod ${b.id} was rescheduled from node ${b.node ?? '(none)'} to ${a.node ?? '(none)'} during the step`);
    for (const cb of b.containers) {
      const ca = a.containers.find((x) => x.name === cb.name);
      if (!ca) {
        reasons.push(`container ${cb.name} of pod ${b.id} disappeared during the step`);
        continue;
      }
      if (ca.restartCount > cb.restartCount) {
        const oom = ca.lastTerminatedReason === 'OOMKilled' ? ' after being OOMKilled' : '';
        reasons.push(`container ${cb.name} of pod ${b.id} restarted${oom} during the step (restarts ${cb.restartCount} → ${ca.restartCount})`);
      } else if (ca.restartCount < cb.restartCount) {
        reasons.push(`container ${cb.name} of pod ${b.id} had its restart count reset (${cb.restartCount} → ${ca.restartCount}: its node restarted?)`);
      }
    }
  }
  for (const n of before.nodes) {
    if (!after.allNodes.includes(n.name)) reasons.push(`node ${n.name} disappeared during the step`);
  }
  for (const a of after.pods) {
    if (!before.pods.some((x) => same(x, a))) reasons.push(`pod ${a.id} appeared during the step (a replacement)`);
  }
  return [...new Set(reasons)];
}

const MESH_ROLES = new Set(['node-agent', 'waypoint', 'control-plane']);

/**
 * Pure: the mesh's own pods on the data path of the measured ones: node agents on their nodes, waypoints and the
 * control plane (a node agent elsewhere in a large cluster is not on this path).
 */
export function meshDataPlanePods(all: readonly V1Pod[], measured: readonly V1Pod[], classify: ContainerClassifier): V1Pod[] {
  const key = (p: V1Pod): string => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
  const measuredKeys = new Set(measured.map(key));
  const measuredNodes = new Set(measured.map((p) => p.spec?.nodeName).filter((n): n is string => n !== undefined));
  return all.filter((p) => {
    if (measuredKeys.has(key(p))) return false;
    const namespace = p.metadata?.namespace ?? '';
    const pod = p.metadata?.name ?? '';
    const containers = [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])];
    const roles = new Set(containers.map((c) => classify({ namespace, pod, container: c.name })));
    if (roles.has('waypoint') || roles.has('control-plane')) return true;
    return roles.has('node-agent') && measuredNodes.has(p.spec?.nodeName ?? '');
  });
}

/**
 * Reads the measured pods of `namespace` and their nodes through the KubeClient seam; with a mesh classifier, the
 * mesh's data-plane pods as well (meshDataPlanePods).
 */
export async function snapshotTarget(kube: KubeClient, namespace: string, meshClassify?: ContainerClassifier): Promise<TargetSnapshot> {
  const pods = await kube.listPods(namespace, WORKLOAD_POD_SELECTOR);
  const nodes = await kube.listNodes();
  const mesh = meshClassify ? meshDataPlanePods(await kube.listAllPods(), pods, meshClassify) : [];
  return snapshotOf([...pods, ...mesh], nodes);
}

/**
 * Snapshots before, runs `measure`, snapshots after, and marks its run invalid when the target changed. A snapshot
 * that cannot be read proves nothing: the repetition is invalid with that reason (when in doubt, invalid).
 */
export async function measureWithIntegrity<T extends { run: LoadRun }>(
  kube: KubeClient,
  namespace: string,
  measure: () => Promise<T>,
  meshClassify?: ContainerClassifier,
): Promise<T> {
  const snap = (): Promise<TargetSnapshot | string> =>
    snapshotTarget(kube, namespace, meshClassify).catch((e: unknown) => `could not read the measured pods and nodes: ${e instanceof Error ? e.message : String(e)}`);
  const before = await snap();
  const measured = await measure();
  const after = await snap();
  const reasons =
    typeof before === 'string' || typeof after === 'string'
      ? [before, after].filter((x): x is string => typeof x === 'string')
      : integrityReasons(before, after);
  return { ...measured, run: withIntegrity(measured.run, reasons) };
}

/** Pure: the run, invalid with `reasons` added when there are any (a valid run stays as it is otherwise). */
export function withIntegrity(run: LoadRun, reasons: readonly string[]): LoadRun {
  if (reasons.length === 0) return run;
  return {
    ...run,
    status: 'invalid',
    invalidReasons: [...run.invalidReasons, ...reasons.map((r) => `target not intact: ${r}`)],
  };
}

/**
 * Pure, for every target: connections that failed during the measured window (refused, reset, not HTTP…) mean the
 * data path broke under the step (a target restarting refuses connections), whatever the error budget, which is
 * there for HTTP errors and timeouts. The engine names the first one (`firstConnectionError`).
 */
export function connectionReasons(run: LoadRun): string[] {
  const n = run.counts.socketErrors;
  if (n === 0) return [];
  const first = run.firstConnectionError ? `; first: ${run.firstConnectionError}` : '';
  return [`${n} connection ${n === 1 ? 'error' : 'errors'} during the step${first}`];
}
