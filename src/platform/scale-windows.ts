import type { V1Pod } from '@kubernetes/client-node';
import type { Clock, Logger } from '../core/deps.js';
import type { KubeClient } from '../core/kube.js';
import { BenchError, ExitCode } from '../core/errors.js';
import type { ContainerResourceSummary, NodeScope } from '../core/resource-schema.js';
import type { ResolvedScale } from '../core/scenario-types.js';
import type { ContainerClassifier } from '../metrics/roles.js';
import { startKubeletSampler, SCRAPE_INTERVAL_MS } from '../metrics/kubelet-sampler.js';
import { summarizeResources } from '../metrics/summarize-resources.js';
import type { ScaleWindow } from '../scale/build-scale.js';
import type { Variant } from './cluster-plan.js';
import { executeOperations, execInDeployment, podReady, RolloutTimeoutError, type OperationDeps } from './execute-operations.js';
import { parseInPodResult } from './in-cluster-load.js';
import { COMPONENT_LABEL, NODE_ROLE_LABEL, WORKLOAD_POD_SELECTOR } from './manifests.js';
import type { MeasuredScale } from './platform.js';
import type { PlanSection } from './render-plan.js';
import { SCALE_SERVER_CPU_REQUEST, scaleLoadStep, type ScaleWindowOps } from './scale-plan.js';
import { connectionReasons, integrityReasons, snapshotTarget, type TargetSnapshot } from './target-integrity.js';

/**
 * Executes the scale windows planned by scale-plan.ts, in the plan's order and with its titles (the plan oracle,
 * test/plan-is-what-the-run-executes.test.ts, checks it): for each count, the Deployment applied and its rollout
 * waited for through the operations executor (its timeout and abort handling), then the idle window and the loaded
 * window, each sampled from every node's kubelet and summarised like a step (summarize-resources.ts) into a
 * ScaleWindow for src/scale/.
 *
 * What a window's numbers stand on, checked rather than assumed:
 * - pods per node: each server pod's `spec.nodeName`, read once the rollout is complete and no old pod is left
 *   terminating (a terminating pod still uses memory on its node);
 * - the same pods over the window: the measured pods, their nodes and the mesh's data path are snapshotted when the
 *   nodes are read and after each window (target-integrity.ts); a restart, an OOM kill, a replaced, added or
 *   rescheduled pod, or a NotReady node invalidates it, with the reason;
 * - the loaded window's run: invalid (achieved rate, errors) or with connection errors, it is an invalid window.
 * The first invalid window ends the scale windows: the section is invalid (no fit from windows that cannot be
 * trusted), and measuring more counts would not change that.
 *
 * Settling: the kubelet serves container stats that cAdvisor's housekeeping refreshes every 10–15 s ("We add jitter
 * to make the actual housekeeping interval 10s-15s", a cAdvisor maintainer in google/cadvisor#2496; kubelet's default
 * housekeeping interval is 10 s, kubernetes/kubernetes#23413; src/metrics/README.md), so a new pod's containers appear
 * in /metrics/resource only after their first housekeeping; and sidecars and agents grow as the new endpoints'
 * configuration reaches them. The scenario's `settle` (30 s in scenarios/scale.yaml) passes before the idle window's
 * first sample, and a window in which a server pod still has no reading is invalid (coverage, below).
 */
export interface ScaleWindowsContext {
  kube: KubeClient;
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  scale: ResolvedScale;
  variant: Variant;
  /** The plan's section (its opening note) and its operations per count, from scale-plan.ts. */
  section: PlanSection;
  windows: readonly ScaleWindowOps[];
  /** Server pods of the other hops (each at the workload's replicas): they stay, and are counted as they are placed. */
  otherHopPods: number;
  /** Every node of the cluster: all are sampled (the control plane runs on the control-plane node). */
  nodes: readonly string[];
  nodeScopes: Readonly<Record<string, NodeScope>>;
  classify: ContainerClassifier;
  /** The mesh's classifier, so its data path is part of the integrity snapshots; undefined for the baseline. */
  meshClassify?: ContainerClassifier;
  operations: OperationDeps;
}

const POLL_MS = 2000;

export async function measureScaleWindows(c: ScaleWindowsContext): Promise<MeasuredScale> {
  const ns = c.variant.namespace;
  const workers = (await c.kube.listNodes())
    .filter((n) => n.metadata?.labels?.[NODE_ROLE_LABEL] !== undefined)
    .map((n) => n.metadata?.name ?? '')
    .filter(Boolean)
    .sort();
  const out: MeasuredScale = { workers: workers.length, windows: [], serverCpuRequest: SCALE_SERVER_CPU_REQUEST, placements: [], invalidReasons: [] };
  const opening = c.section.operations.filter((o) => o.op === 'note');
  await executeOperations(opening, c.operations);
  for (const w of c.windows) {
    await executeOperations([w.apply, w.rollout], c.operations);
    const at = `${w.replicasPerNode} per worker`;
    const idle = await asStep(c.logger, w.idle.title, async () => {
      const pods = await waitForServerPods(c, w.replicas + c.otherHopPods, w.rollout.timeoutMs);
      const servers = pods.filter(isServer);
      const podsByNode: Record<string, number> = Object.fromEntries(workers.map((node) => [node, 0]));
      for (const pod of servers) {
        const node = pod.spec?.nodeName;
        if (node) podsByNode[node] = (podsByNode[node] ?? 0) + 1;
      }
      const first = await snapshot(c);
      const reasons = typeof first === 'string' ? [first] : samePods(servers, first, ns);
      await c.clock.sleep(c.scale.settleS * 1000, c.signal);
      const { sampled } = await sampleWhile(c, () => c.clock.sleep(c.scale.idleS * 1000, c.signal));
      const last = await snapshot(c);
      reasons.push(...changes(first, last));
      const loadClients = pods.filter((p) => !isServer(p)).map((p) => p.metadata?.name ?? '');
      const serverPods = servers.map((p) => ({ pod: p.metadata?.name ?? '', node: p.spec?.nodeName ?? '' }));
      const window = windowOf(c, 'idle', w.replicasPerNode, podsByNode, sampled, loadClients);
      reasons.push(...coverage(c, sampled, window, serverPods));
      return { podsByNode, loadClients, serverPods, window, last, reasons: [...new Set(reasons)] };
    });
    out.placements.push({ replicasPerNode: w.replicasPerNode, podsByNode: idle.podsByNode });
    out.windows.push(idle.window);
    if (idle.reasons.length) {
      out.invalidReasons.push(...idle.reasons.map((r) => `idle window at ${at}: ${r}`));
      break;
    }
    const loaded = await asStep(c.logger, w.load.title, async () => {
      const { sampled, value: exec } = await sampleWhile(c, () => execInDeployment(c.kube, w.load, c.signal));
      if (exec.exitCode !== 0 && exec.exitCode !== 1) {
        throw new BenchError(`load client in ${ns}/${exec.pod} exited ${exec.exitCode}: ${exec.stderr.trim().slice(-2000)}`, ExitCode.runFailed);
      }
      const run = parseInPodResult(exec.stdout, scaleLoadStep(c.scale));
      const after = await snapshot(c);
      const window = windowOf(c, 'load', w.replicasPerNode, idle.podsByNode, sampled, idle.loadClients);
      const reasons = [
        ...changes(idle.last, after),
        ...(run.status === 'invalid' ? run.invalidReasons : []),
        ...connectionReasons(run),
        ...coverage(c, sampled, window, idle.serverPods),
      ];
      return { window, reasons: [...new Set(reasons)] };
    });
    out.windows.push(loaded.window);
    if (loaded.reasons.length) {
      out.invalidReasons.push(...loaded.reasons.map((r) => `loaded window at ${at}: ${r}`));
      break;
    }
  }
  return out;
}

/** One operation of the plan that is not executed by the executor: its status line, failed when it throws. */
async function asStep<T>(logger: Logger, title: string, fn: () => Promise<T>): Promise<T> {
  logger.stepStart(title);
  try {
    const value = await fn();
    logger.stepEnd(title, true);
    return value;
  } catch (error) {
    logger.stepEnd(title, false);
    throw error;
  }
}

const isServer = (p: V1Pod): boolean => p.metadata?.labels?.[COMPONENT_LABEL] === 'server';

/**
 * Polls the workload pods until exactly `expected` server pods exist, every one Running and Ready, and none is
 * terminating: the rollout wait counts ready replicas, while pods of the previous template may still be shutting down
 * on their nodes. Times out like a rollout wait (RolloutTimeoutError, the system fails), naming what it saw.
 */
async function waitForServerPods(c: ScaleWindowsContext, expected: number, timeoutMs: number): Promise<V1Pod[]> {
  const deadline = c.clock.monotonic() + timeoutMs;
  let state = '';
  for (;;) {
    const pods = await c.kube.listPods(c.variant.namespace, WORKLOAD_POD_SELECTOR, { timeoutMs: Math.max(1, deadline - c.clock.monotonic()), signal: c.signal });
    const servers = pods.filter(isServer);
    const terminating = servers.filter((p) => p.metadata?.deletionTimestamp).length;
    const ready = servers.filter((p) => !p.metadata?.deletionTimestamp && podReady(p)).length;
    if (terminating === 0 && ready === expected && servers.length === expected) return pods;
    state = `${ready} of ${expected} server pods Ready, ${servers.length - terminating} not terminating, ${terminating} terminating`;
    if (c.clock.monotonic() >= deadline) break;
    await c.clock.sleep(POLL_MS, c.signal);
  }
  throw new RolloutTimeoutError(`server pods in ${c.variant.namespace} not settled after ${Math.round(timeoutMs / 1000)} s (${state})`);
}

/** A snapshot of the measured pods, their nodes and the mesh's data path; a string when it cannot be read. */
function snapshot(c: ScaleWindowsContext): Promise<TargetSnapshot | string> {
  return snapshotTarget(c.kube, c.variant.namespace, c.meshClassify).catch(
    (e: unknown) => `could not read the measured pods and nodes: ${e instanceof Error ? e.message : String(e)}`,
  );
}

/** Why a window between two snapshots cannot be trusted (a snapshot that could not be read proves nothing). */
function changes(before: TargetSnapshot | string, after: TargetSnapshot | string): string[] {
  if (typeof before === 'string' || typeof after === 'string') return [before, after].filter((x): x is string => typeof x === 'string');
  return integrityReasons(before, after);
}

/** The server pods whose nodes were read must be the snapshot's: otherwise pods per node describe other pods. */
function samePods(servers: readonly V1Pod[], s: TargetSnapshot, namespace: string): string[] {
  const read = new Set(servers.map((p) => `${namespace}/${p.metadata?.name ?? ''}`));
  const seen = s.pods.filter((p) => p.id.startsWith(`${namespace}/`) && read.has(p.id)).length;
  return seen === read.size ? [] : [`the server pods changed between reading their nodes and the window (${read.size} read, ${seen} still there)`];
}

/** Samples every node's kubelet while `during` runs; the sampler is stopped (its last scrape awaited) also when it throws. */
async function sampleWhile<T>(c: ScaleWindowsContext, during: () => Promise<T>): Promise<{ sampled: Sampled; value: T }> {
  const startMs = c.clock.now();
  const sampler = startKubeletSampler(c.kube, c.nodes, SCRAPE_INTERVAL_MS, () => c.clock.now());
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await during() };
  } catch (error) {
    outcome = { ok: false, error };
  }
  const stopped = await sampler.stop();
  if (!outcome.ok) throw outcome.error;
  return { sampled: { ...stopped, window: { startMs, endMs: c.clock.now() } }, value: outcome.value };
}

/**
 * What the kubelets did not show over a window: a node none of whose scrapes answered without error, or a server pod
 * whose container has no memory reading. Either would enter the fit as memory that is not there (a role absent from a
 * node counts 0 bytes: build-scale.ts), so the window is invalid instead.
 */
function coverage(c: ScaleWindowsContext, sampled: Sampled, window: ScaleWindow, serverPods: ReadonlyArray<{ pod: string; node: string }>): string[] {
  const reasons: string[] = [];
  const answered = new Set(sampled.scrapes.filter((s) => s.scrapeError !== true).map((s) => s.node));
  for (const node of c.nodes) {
    if (answered.has(node)) continue;
    const failed = sampled.failures.filter((f) => f.startsWith(`${node}: `));
    reasons.push(`no kubelet reading of node ${node} in the window${failed.length ? ` (${failed[0]})` : ' (its scrapes reported an error)'}`);
  }
  const read = new Set(window.containers.filter((x) => x.role === 'workload' && x.memoryMeanBytes !== null).map((x) => x.pod));
  // A pod on a node that did not answer is said above already.
  const unread = serverPods.filter((p) => answered.has(p.node) && !read.has(p.pod)).map((p) => p.pod);
  if (unread.length) reasons.push(`no kubelet memory reading of ${unread.length} server pod(s) in the window (e.g. ${unread[0]}): too short a settle?`);
  return reasons;
}

interface Sampled {
  scrapes: Awaited<ReturnType<ReturnType<typeof startKubeletSampler>['stop']>>['scrapes'];
  failures: string[];
  window: { startMs: number; endMs: number };
}

/**
 * A window's containers, summarised like a step's. The load client's own pod (its container and, in a meshed
 * namespace, its sidecar) is left out: it is one pod whatever the count, on the load worker only, and it is the
 * benchmark's client, not part of the workload whose pods the model counts.
 */
function windowOf(
  c: ScaleWindowsContext,
  condition: ScaleWindow['condition'],
  replicasPerNode: number,
  podsByNode: Record<string, number>,
  sampled: Sampled,
  loadClients: readonly string[],
): ScaleWindow {
  const summary = summarizeResources(sampled.scrapes, c.classify, { window: sampled.window, nodeScopes: c.nodeScopes });
  const clientPods = new Set(loadClients);
  const containers: ContainerResourceSummary[] = summary.containers.filter((x) => !(x.namespace === c.variant.namespace && clientPods.has(x.pod)));
  return {
    condition,
    replicasPerNode,
    ...(condition === 'load' ? { rate: c.scale.load.rate } : {}),
    podsByNode: { ...podsByNode },
    containers,
  };
}
