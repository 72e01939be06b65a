import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { Clock, FileSystem, Logger, ProcessRunner } from '../core/deps.js';
import type { KubeCallOptions, KubeClient, KubeObject } from '../core/kube.js';
import { BenchError, ExitCode } from '../core/errors.js';
import type { Operation } from './operations.js';

/**
 * Runs operations in order, one status line each. A failure throws (a CommandError keeps the argv and output);
 * what was created is the caller's to tear down.
 */
export interface OperationDeps {
  runner: ProcessRunner;
  fs: FileSystem;
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  /** The cluster's API client; a function because it exists only once the cluster does. */
  kube: () => KubeClient;
  /** Implementations of `check` operations, by name. */
  checks: Record<string, () => Promise<void>>;
  /** stdout of `run` operations with a `capture` key. */
  captured?: Map<string, string>;
}

export class RolloutTimeoutError extends BenchError {
  constructor(message: string) {
    super(message, ExitCode.runFailed);
  }
}

const POLL_MS = 2000;

export async function executeOperations(ops: readonly Operation[], deps: OperationDeps): Promise<void> {
  for (const op of ops) {
    deps.signal.throwIfAborted();
    deps.logger.stepStart(op.title);
    try {
      await executeOne(op, deps);
    } catch (error) {
      deps.logger.stepEnd(op.title, false);
      throw error;
    }
    deps.logger.stepEnd(op.title, true);
  }
}

async function executeOne(op: Operation, deps: OperationDeps): Promise<void> {
  switch (op.op) {
    case 'run': {
      try {
        const out = await deps.runner.run(op.argv, {
          timeoutMs: op.timeoutMs,
          signal: deps.signal,
          ...(op.stdin !== undefined ? { input: op.stdin } : {}),
        });
        if (op.capture) deps.captured?.set(op.capture, out.stdout);
      } catch (error) {
        if (!op.optional || deps.signal.aborted) throw error;
        deps.logger.warn(`${op.title}: ${error instanceof Error ? error.message : String(error)} (ignored)`);
      }
      return;
    }
    case 'exec':
      await execInDeployment(deps.kube(), op, deps.signal);
      return;
    case 'note':
      deps.logger.debug(op.text);
      return;
    case 'write-file':
      await deps.fs.mkdir(dirname(op.path));
      await deps.fs.writeFileAtomic(op.path, op.content);
      return;
    case 'apply':
      for (const o of op.objects) await deps.kube().apply(o);
      return;
    case 'run-apply': {
      const out = await deps.runner.run(op.argv, { timeoutMs: op.timeoutMs, signal: deps.signal });
      for (const o of manifestObjects(out.stdout)) await deps.kube().apply(o);
      return;
    }
    case 'apply-url': {
      const out = await deps.runner.run(downloadArgv(op.url), { timeoutMs: op.timeoutMs, signal: deps.signal });
      const actual = digestOf(op.digest.algorithm, out.stdout);
      if (actual !== op.digest.value) {
        throw new BenchError(`${op.url}: ${op.digest.algorithm} ${actual} does not match the pinned ${op.digest.value}; not applied`, ExitCode.runFailed);
      }
      for (const o of manifestObjects(out.stdout)) await deps.kube().apply(o);
      return;
    }
    case 'wait-rollout':
      await waitRollout(op, deps);
      return;
    case 'wait-nodes':
      await waitNodesReady(op, deps);
      return;
    case 'check': {
      const check = deps.checks[op.check];
      if (!check) throw new Error(`no implementation for check ${op.check}`);
      await check();
      return;
    }
  }
}

/** curl: fail on HTTP errors, follow redirects (release assets redirect), retry transient failures. */
export function downloadArgv(url: string): string[] {
  return ['curl', '--fail', '--silent', '--show-error', '--location', '--retry', '3', url];
}

export function digestOf(algorithm: 'sha256' | 'git-blob-sha1', content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  if (algorithm === 'sha256') return createHash('sha256').update(bytes).digest('hex');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

type ExecOp = Extract<Operation, { op: 'exec' }>;

/** Runs an exec operation in the first ready pod of its Deployment; returns what the command printed. `signal` cuts it short. */
export async function execInDeployment(
  kube: KubeClient,
  op: ExecOp,
  signal?: AbortSignal,
): Promise<{ stdout: string; stderr: string; exitCode: number; pod: string }> {
  const dep = await kube.readDeployment(op.namespace, op.deployment);
  const labels = dep?.spec?.selector?.matchLabels;
  if (!labels) throw new Error(`Deployment ${op.namespace}/${op.deployment} not found`);
  const selector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  const pod = (await kube.listPods(op.namespace, selector)).find(podReady);
  if (!pod?.metadata?.name) throw new Error(`no ready pod of Deployment ${op.namespace}/${op.deployment}`);
  const r = await kube.exec(op.namespace, pod.metadata.name, op.container, op.argv, op.timeoutMs, signal);
  return { ...r, pod: pod.metadata.name };
}

/** The objects of a multi-document YAML stream (what `linkerd install` prints), skipping empty documents. */
export function manifestObjects(text: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`manifest is not valid YAML: ${doc.errors[0]!.message}`);
    const o = doc.toJS() as KubeObject | null;
    if (!o) continue;
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || !o.metadata?.name) {
      throw new Error('manifest document without apiVersion, kind or metadata.name');
    }
    // A `List` (kubectl's wrapper) holds the real objects in items.
    if (o.kind === 'List' && Array.isArray(o.items)) out.push(...(o.items as KubeObject[]));
    else out.push(o);
  }
  return out;
}

type WaitOp = Extract<Operation, { op: 'wait-rollout' }>;

const TIMER_SLACK_MS = 5;

/** Readiness through the API, polled (no sleeps standing in for readiness): every replica updated and available. */
export async function waitRollout(op: WaitOp, deps: OperationDeps): Promise<void> {
  const kube = deps.kube();
  const deadline = deps.clock.monotonic() + op.timeoutMs;
  let state = 'not found';
  let unanswered: string | undefined;
  // The deadline is checked before every read after the first, and each read may only use the time left (the kube
  // client retries transient failures within it), so a hung API server cannot hold the wait past its deadline.
  for (let first = true; ; first = false) {
    const left = deadline - deps.clock.monotonic();
    if (!first && left <= 0) break;
    let s: { ready: boolean; state: string };
    try {
      s = await rolloutState(kube, op, { timeoutMs: Math.max(1, left), signal: deps.signal });
    } catch (error) {
      // A read cut off at the deadline ends a hair before it now and then (timers fire up to a millisecond early
      // against the monotonic clock): within that slack it is the wait's own timeout, not a failure of the read.
      if (deps.signal.aborted || deadline - deps.clock.monotonic() > TIMER_SLACK_MS) throw error;
      unanswered = error instanceof Error ? error.message : String(error);
      break;
    }
    if (s.ready) return;
    state = s.state;
    if (deps.clock.monotonic() >= deadline) break;
    await deps.clock.sleep(POLL_MS, deps.signal);
  }
  const waited = `${op.kind} ${op.namespace}/${op.name} not ready after ${formatWait(op.timeoutMs)}`;
  // An API server that did not answer in time cannot describe the pods either.
  if (unanswered !== undefined) throw new RolloutTimeoutError(`${waited} (${state}; the API server did not answer in time: ${unanswered})`);
  const pods = await describeUnreadyPods(kube, op.namespace, op.selector ?? (await selectorOf(kube, op)));
  throw new RolloutTimeoutError(`${waited} (${state})` + (pods.length ? `\n${pods.join('\n')}` : ''));
}

function formatWait(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

type WaitNodesOp = Extract<Operation, { op: 'wait-nodes' }>;

/**
 * Every node registered and Ready, polled through the API; on timeout the error names each node that is not Ready
 * with its Ready condition's reason and message (kubelet: "container runtime network not ready: … cni plugin not
 * initialized" on a cluster whose CNI never came up).
 */
export async function waitNodesReady(op: WaitNodesOp, deps: OperationDeps): Promise<void> {
  const kube = deps.kube();
  const deadline = deps.clock.monotonic() + op.timeoutMs;
  // Stryker disable next-line ArrayDeclaration: the first node list overwrites it before anything reads it (a failed list throws past every read)
  let notReady: string[] = [];
  let count = 0;
  for (;;) {
    // Each read may use only the time left (the kube client retries transient failures within it).
    const nodes = await kube.listNodes({ timeoutMs: Math.max(1, deadline - deps.clock.monotonic()), signal: deps.signal });
    count = nodes.length;
    notReady = nodes.filter((n) => !nodeReady(n)).map(describeNode);
    if (count >= op.minNodes && notReady.length === 0) return;
    if (deps.clock.monotonic() >= deadline) break;
    await deps.clock.sleep(POLL_MS, deps.signal);
  }
  const missing = count < op.minNodes ? `${count} of ${op.minNodes} nodes registered` : `${notReady.length} of ${count} nodes not Ready`;
  throw new RolloutTimeoutError(
    `nodes not Ready after ${Math.round(op.timeoutMs / 1000)} s (${missing})` + (notReady.length ? `\n${notReady.map((l) => `  ${l}`).join('\n')}` : ''),
  );
}

export function nodeReady(node: V1Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function describeNode(node: V1Node): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const why = ready ? `Ready=${ready.status}${ready.reason ? ` ${ready.reason}` : ''}${ready.message ? `: ${ready.message}` : ''}` : 'no Ready condition yet';
  return `node ${node.metadata?.name ?? '?'}: ${why}`;
}

async function rolloutState(kube: KubeClient, op: WaitOp, call: KubeCallOptions): Promise<{ ready: boolean; state: string }> {
  if (op.kind === 'Deployment') {
    const d = await kube.readDeployment(op.namespace, op.name, call);
    if (!d) return { ready: false, state: 'not found' };
    const want = d.spec?.replicas ?? 1;
    const st = d.status ?? {};
    const observed = (st.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
    const ready = observed && (st.updatedReplicas ?? 0) === want && (st.availableReplicas ?? 0) === want && (st.readyReplicas ?? 0) === want;
    return { ready, state: `${st.readyReplicas ?? 0}/${want} ready, ${st.updatedReplicas ?? 0} updated` };
  }
  const ds = await kube.readDaemonSet(op.namespace, op.name, call);
  if (!ds) return { ready: false, state: 'not found' };
  const st = ds.status;
  const want = st?.desiredNumberScheduled ?? 0;
  const observed = (st?.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 0);
  const ready =
    observed && want > 0 && (st?.numberReady ?? 0) === want && (st?.updatedNumberScheduled ?? 0) === want && (st?.numberAvailable ?? 0) === want;
  return { ready, state: `${st?.numberReady ?? 0}/${want} ready, ${st?.updatedNumberScheduled ?? 0} updated` };
}

async function selectorOf(kube: KubeClient, op: WaitOp): Promise<string | undefined> {
  const obj = op.kind === 'Deployment' ? await kube.readDeployment(op.namespace, op.name) : await kube.readDaemonSet(op.namespace, op.name);
  const labels = obj?.spec?.selector?.matchLabels;
  return labels ? Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') : undefined;
}

/** One line per pod that is not ready: name, phase, what its containers wait on, and its last events. */
export async function describeUnreadyPods(kube: KubeClient, namespace: string, selector: string | undefined): Promise<string[]> {
  if (!selector) return [];
  const pods = await kube.listPods(namespace, selector);
  const lines: string[] = [];
  for (const pod of pods.filter((p) => !podReady(p))) {
    const name = pod.metadata?.name ?? '?';
    const waiting = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
      .filter((c) => !c.ready)
      .map((c) => `${c.name}: ${c.state?.waiting?.reason ?? (c.state?.terminated ? `terminated ${c.state.terminated.reason ?? ''}`.trim() : 'not ready')}`);
    const events = (await kube.events(namespace, name)).slice(-3);
    lines.push(
      `  pod ${name}: phase ${pod.status?.phase ?? 'unknown'}` +
        (waiting.length ? `; ${waiting.join(', ')}` : '') +
        (events.length ? `; last events: ${events.join(' | ')}` : ''),
    );
  }
  return lines;
}

export function podReady(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}
