import type { V1Container, V1DaemonSet, V1Deployment, V1LabelSelector, V1Node, V1Pod } from '@kubernetes/client-node';
import type { ProcessRunner, RunOptions, RunOutput } from '../../src/core/deps.js';
import type { ExecResult, KubeClient, KubeObject } from '../../src/core/kube.js';
import { CommandError } from '../../src/core/errors.js';
import { FakeBenchPods } from './fake-pod-load.js';

/**
 * Fakes for the process-runner and Kubernetes seams, answering like the real tools and API server do, and keeping
 * one transcript of every command and API call in order (the golden pipeline tests compare it).
 */
export type Transcript = string[];

type Answer = string | RunOutput | ((argv: readonly string[], options: RunOptions) => RunOutput | Promise<RunOutput>) | Error;

/** What a command killed through its cancel signal throws (as ExecaRunner does: no exit code, reason `cancelled`). */
function cancelled(argv: readonly string[]): CommandError {
  return new CommandError(argv, null, '', 'cancelled');
}

/**
 * A fake process runner. It answers only the commands a test (or a fixture) set up, and FAILS every other one like a
 * missing program would (exit 127), so a command the code under test should not run cannot pass unnoticed. A command
 * whose cancel signal is aborted is killed like a real one: before it starts, or while a `hang` answer is running.
 */
export class FakeRunner implements ProcessRunner {
  private readonly answers: Array<{ prefix: string[]; answer: Answer; once: boolean }> = [];
  constructor(readonly transcript: Transcript = []) {
    // Every tool at its pin, answering in its own format (the preflight and version probes).
    this.on(['docker', 'version'], '{"Version":"28.2.2","ApiVersion":"1.50","Os":"linux","Arch":"amd64"}\n');
    this.on(['kind', 'version'], 'kind v0.32.0 go1.25.3 linux/amd64\n');
    this.on(['kubectl', 'version', '--client'], JSON.stringify({ clientVersion: { gitVersion: 'v1.36.1' } }));
    this.on(['helm', 'version'], 'v3.21.4');
    this.on(['istioctl', 'version', '--remote=false'], '{"clientVersion":{"version":"1.30.3","status":"Clean"}}\n');
    this.on(['linkerd', 'version', '--client', '--short'], 'edge-26.8.3\n');
    this.on(['cilium', 'version', '--client'], 'cilium-cli: v0.19.7 compiled with go1.26.5 on linux/amd64\ncilium image (default): v1.19.1\n');
    this.on(['openssl', 'version'], 'OpenSSL 3.0.13 30 Jan 2024 (Library: OpenSSL 3.0.13 30 Jan 2024)\n');
    this.on(['git', '-C'], 'c0ffee0000000000000000000000000000000000\n');
  }

  /** Answer commands starting with `prefix` (later registrations win). */
  on(prefix: string[], answer: Answer, once = false): this {
    this.answers.unshift({ prefix, answer, once });
    return this;
  }

  /** Make the command starting with `prefix` fail like a real failing command. */
  fail(prefix: string[], output: string, exitCode = 1): this {
    return this.on(prefix, (argv) => {
      throw new CommandError(argv, exitCode, output, `exit code ${exitCode}`);
    });
  }

  /**
   * The command starting with `prefix` runs until its cancel signal aborts (then it is killed: CommandError
   * `cancelled`); `started` is called once it runs, e.g. to abort the run from "inside" a long command.
   */
  hang(prefix: string[], started: (argv: readonly string[]) => void = () => {}): this {
    return this.on(prefix, (argv, options) => {
      const signal = options.signal;
      if (!signal) throw new Error(`fake runner: ${argv.join(' ')} would hang forever: it was given no cancel signal`);
      return new Promise<RunOutput>((_, reject) => {
        signal.addEventListener('abort', () => reject(cancelled(argv)), { once: true });
        started(argv);
      });
    });
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunOutput> {
    this.transcript.push(`$ ${argv.join(' ')}${options.input !== undefined ? ' <stdin>' : ''}`);
    if (options.signal?.aborted) throw cancelled(argv);
    const i = this.answers.findIndex((a) => a.prefix.every((p, j) => argv[j] === p));
    if (i < 0) throw new CommandError(argv, 127, `fake runner: no answer set up for: ${argv.join(' ')}`, 'exit code 127');
    const a = this.answers[i]!;
    if (a.once) this.answers.splice(i, 1);
    if (a.answer instanceof Error) throw a.answer;
    if (typeof a.answer === 'string') return { stdout: a.answer, stderr: '', exitCode: 0 };
    if (typeof a.answer === 'function') return a.answer(argv, options);
    return a.answer;
  }

  async pipe(from: readonly string[], to: readonly string[], options?: RunOptions): Promise<RunOutput> {
    return this.run([...from, '|', ...to], options);
  }
}

/** What `node bin/bench.js load <url> --json …` in a load-client pod answers (see FakeBenchPods). */
export function fakeLoadClientAnswer(argv: readonly string[]): ExecResult {
  return new FakeBenchPods().answer(argv, '');
}

type Selectable = { metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: Record<string, unknown> };
type PodTemplate = { metadata?: { labels?: Record<string, string> }; spec?: { containers?: V1Container[]; initContainers?: V1Container[] } };

const key = (kind: string, namespace: string | undefined, name: string): string => `${kind}/${namespace ?? ''}/${name}`;

/** `a=b,c=d` holds for these labels. */
export function selectorMatches(selector: string | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return k !== undefined && labels?.[k.trim()] === v?.trim();
  });
}

/**
 * A fake API server. It knows only the objects that were applied (or that a test or a fixture declares, standing in for
 * what kind or a mesh CLI creates): reading anything else answers "not found" (null, no pods). Workloads roll out
 * over time: a Deployment or DaemonSet reports ready only from its `readyAfterPolls`-th read on (a `stuck` one never),
 * and its pods, derived from its pod template, are Running and Ready only then. Exec runs only in a pod and container
 * that exist and, like a real exec, is cut short when its signal aborts.
 */
export class FakeKube implements KubeClient {
  readonly applied: KubeObject[] = [];
  /** Every object the cluster holds, applied or declared, by kind/namespace/name. */
  readonly objects = new Map<string, KubeObject>();
  /** Namespaces that exist, with their labels. */
  readonly namespaces = new Map<string, Record<string, string>>();
  /** Deployments and DaemonSets (`namespace/name`) that never become ready (to test rollout timeouts). */
  readonly stuck = new Set<string>();
  /** Reads of a Deployment or DaemonSet before it reports ready (a rollout takes a while). */
  readyAfterPolls = 2;
  private readonly polls = new Map<string, number>();
  /** Controllers: what the cluster does when an object is applied (e.g. istiod creating a waypoint Deployment). */
  readonly controllers: Array<(o: KubeObject, kube: FakeKube) => void> = [];
  /** The programs in the pods (bench load, read-evidence), answering like the real ones for the argv they get. */
  readonly programs = new FakeBenchPods();
  execAnswer: (argv: readonly string[], signal?: AbortSignal, where?: { namespace: string; pod: string; container: string }) => ExecResult | Promise<ExecResult> = (
    argv,
    _signal,
    where,
  ) => this.programs.answer(argv, where?.namespace ?? '');
  /** Pods of a namespace matching a selector; by default those of the Deployments and DaemonSets the cluster holds. */
  podsFor: (namespace: string, selector: string | undefined) => V1Pod[] = (ns, selector) => this.workloadPods(ns, selector);

  constructor(readonly transcript: Transcript = []) {}

  private log(line: string): void {
    this.transcript.push(`api ${line}`);
  }

  /** The cluster was deleted (kind delete cluster): nothing of it remains for the next one. */
  reset(): void {
    this.objects.clear();
    this.namespaces.clear();
    this.polls.clear();
    this.programs.reset();
  }

  /** Puts an object in the cluster without an API call in the transcript (what kind or a mesh's CLI creates). */
  declare(...objects: KubeObject[]): this {
    for (const o of objects) {
      this.objects.set(key(o.kind, o.metadata.namespace, o.metadata.name), o);
      if (o.kind === 'Namespace') this.namespaces.set(o.metadata.name, o.metadata.labels ?? {});
      for (const c of this.controllers) c(o, this);
    }
    return this;
  }

  /** A Deployment or DaemonSet in the cluster: `name` pods labelled `labels`, with these containers. */
  declareWorkload(kind: 'Deployment' | 'DaemonSet', namespace: string, name: string, labels: Record<string, string>, containers: string[] = [name]): this {
    return this.declare({
      apiVersion: 'apps/v1',
      kind,
      metadata: { name, namespace, labels },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: containers.map((c) => ({ name: c })) } } },
    });
  }

  private isReady(kind: string, namespace: string, name: string): boolean {
    return !this.stuck.has(`${namespace}/${name}`) && (this.polls.get(key(kind, namespace, name)) ?? 0) >= this.readyAfterPolls;
  }

  private poll(kind: string, namespace: string, name: string): KubeObject | undefined {
    const o = this.objects.get(key(kind, namespace, name));
    if (o) this.polls.set(key(kind, namespace, name), (this.polls.get(key(kind, namespace, name)) ?? 0) + 1);
    return o;
  }

  /** Pods of the held Deployments and DaemonSets (one per Deployment replica, one per node for a DaemonSet). */
  workloadPods(namespace: string, selector: string | undefined): V1Pod[] {
    const pods: V1Pod[] = [];
    for (const o of this.objects.values()) {
      if ((o.kind !== 'Deployment' && o.kind !== 'DaemonSet') || o.metadata.namespace !== namespace) continue;
      const spec = (o as Selectable).spec ?? {};
      const template = (spec.template ?? {}) as PodTemplate;
      const labels = template.metadata?.labels ?? {};
      if (!selectorMatches(selector, labels)) continue;
      const ready = this.isReady(o.kind, namespace, o.metadata.name);
      const nodes = o.kind === 'DaemonSet' ? this.nodes.map((n) => n.metadata?.name ?? '') : ['bench-node-worker'];
      const replicas = o.kind === 'DaemonSet' ? 1 : ((spec.replicas as number | undefined) ?? 1);
      nodes.forEach((node, n) => {
        for (let r = 0; r < replicas; r++) {
          const containers = template.spec?.containers ?? [];
          const suffix = o.kind === 'DaemonSet' ? `x${n}` : r === 0 ? '7d9f-abcde' : `7d9f-r${r}`;
          pods.push({
            metadata: { name: `${o.metadata.name}-${suffix}`, namespace, labels },
            spec: { nodeName: node, containers, ...(template.spec?.initContainers ? { initContainers: template.spec.initContainers } : {}) },
            status: ready
              ? { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: containers.map((c) => ({ name: c.name, ready: true, restartCount: 0, image: 'x', imageID: '', state: { running: {} } })) }
              : {
                  phase: 'Pending',
                  conditions: [{ type: 'Ready', status: 'False' }],
                  containerStatuses: containers.map((c) => ({ name: c.name, ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: this.stuck.has(`${namespace}/${o.metadata.name}`) ? 'ImagePullBackOff' : 'ContainerCreating' } } })),
                },
          });
        }
      });
    }
    return pods;
  }

  async apply(o: KubeObject): Promise<void> {
    this.log(`apply ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);
    this.applied.push(o);
    this.declare(o);
  }
  async delete(ref: { kind: string; name: string; namespace?: string }): Promise<void> {
    this.log(`delete ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`);
    this.objects.delete(key(ref.kind, ref.namespace, ref.name));
  }
  async namespaceLabels(name: string): Promise<Record<string, string> | null> {
    this.log(`get Namespace ${name}`);
    return this.namespaces.get(name) ?? null;
  }
  async deleteNamespace(name: string): Promise<void> {
    this.log(`delete Namespace ${name}`);
    this.namespaces.delete(name);
    for (const [k, o] of this.objects) if (o.metadata.namespace === name || (o.kind === 'Namespace' && o.metadata.name === name)) this.objects.delete(k);
  }
  async readDeployment(namespace: string, name: string): Promise<V1Deployment | null> {
    this.log(`get Deployment ${namespace}/${name}`);
    const o = this.poll('Deployment', namespace, name);
    if (!o) return null;
    const spec = (o as Selectable).spec ?? {};
    const want = (spec.replicas as number | undefined) ?? 1;
    const ready = this.isReady('Deployment', namespace, name) ? want : 0;
    return {
      metadata: { name, namespace, generation: 1 },
      spec: { replicas: want, selector: spec.selector as V1LabelSelector, template: {} },
      status: { observedGeneration: 1, replicas: want, updatedReplicas: want, readyReplicas: ready, availableReplicas: ready },
    };
  }
  async readDaemonSet(namespace: string, name: string): Promise<V1DaemonSet | null> {
    this.log(`get DaemonSet ${namespace}/${name}`);
    const o = this.poll('DaemonSet', namespace, name);
    if (!o) return null;
    const spec = (o as Selectable).spec ?? {};
    const want = this.nodes.length;
    const ready = this.isReady('DaemonSet', namespace, name) ? want : 0;
    return {
      metadata: { name, namespace, generation: 1 },
      spec: { selector: spec.selector as V1LabelSelector, template: {} },
      status: { observedGeneration: 1, desiredNumberScheduled: want, currentNumberScheduled: want, numberReady: ready, updatedNumberScheduled: want, numberAvailable: ready, numberMisscheduled: 0 },
    };
  }
  async listPods(namespace: string, labelSelector?: string): Promise<V1Pod[]> {
    this.log(`list Pods ${namespace}${labelSelector ? ` ${labelSelector}` : ''}`);
    return this.podsFor(namespace, labelSelector);
  }
  /** Pods outside the benchmark namespaces (mesh components), for listAllPods. */
  systemPods: V1Pod[] = [];
  async listAllPods(): Promise<V1Pod[]> {
    this.log('list Pods all namespaces');
    return [...this.systemPods, ...this.podsFor('mesh-bench', undefined), ...this.podsFor('mesh-bench-plain', undefined)];
  }
  async listNodes(): Promise<V1Node[]> {
    this.log('list Nodes');
    return this.nodes;
  }
  /** What listNodes answers: three Ready nodes unless a test changes them. */
  nodes: V1Node[] = ['control-plane', 'worker', 'worker2'].map((n) => ({
    metadata: { name: `bench-node-${n}` },
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] },
  }));
  async events(namespace: string, objectName: string): Promise<string[]> {
    this.log(`list Events ${namespace}/${objectName}`);
    return ['Scheduled: Successfully assigned', 'Failed: Failed to pull image "mesh-bench:abc": not found'];
  }
  /**
   * What the kubelet of `node` answers on its n-th scrape (default: a valid answer listing no containers; tests that
   * measure resources set their own, and real captures are read by the metrics tests, so no fake needs ../shared).
   */
  kubeletFor: (node: string, n: number) => string = () => kubeletText(Date.UTC(2026, 10, 21, 5, 49, 0), []);
  private scrapes = new Map<string, number>();
  async nodeProxyGet(node: string, path: string): Promise<string> {
    // Not in the transcript: how many scrapes a step gets depends on timing.
    void path;
    const n = (this.scrapes.get(node) ?? 0) + 1;
    this.scrapes.set(node, n);
    return this.kubeletFor(node, n);
  }
  async exec(namespace: string, pod: string, container: string, argv: readonly string[], _timeoutMs?: number, signal?: AbortSignal): Promise<ExecResult> {
    this.log(`exec ${namespace}/${pod} -c ${container} -- ${argv.join(' ')}`);
    // Like the API server: no such pod or container is an error, not an answer.
    const target = this.podsFor(namespace, undefined).find((p) => p.metadata?.name === pod);
    if (!target) throw new Error(`exec in ${namespace}/${pod}: pods "${pod}" not found`);
    const containers = [...(target.spec?.containers ?? []), ...(target.spec?.initContainers ?? [])].map((c) => c.name);
    if (!containers.includes(container)) throw new Error(`exec in ${namespace}/${pod}: container ${container} is not valid for pod ${pod}`);
    signal?.throwIfAborted();
    const where = { namespace, pod, container };
    if (!signal) return this.execAnswer(argv, undefined, where);
    // An aborted exec closes its stream at once: the command's answer, if any, comes too late to matter.
    return new Promise<ExecResult>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error(`exec aborted: ${String(signal.reason)}`));
      signal.addEventListener('abort', onAbort, { once: true });
      Promise.resolve(this.execAnswer(argv, signal, where)).then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }
  async serverVersion(): Promise<string> {
    this.log('get version');
    return 'v1.36.1';
  }
}

/**
 * A kubelet /metrics/resource answer in the current [STABLE] format (see shared/reference/kubelet/k8s-collector-expected)
 * for the given containers at `nowMs`: each CPU counter has grown by `cores` per second since `startMs`.
 */
export function kubeletText(nowMs: number, containers: Array<{ namespace: string; pod: string; container: string; memoryBytes: number; cores: number }>, startMs = Date.UTC(2026, 10, 21, 5, 49, 0)): string {
  const ts = nowMs;
  const n = (nowMs - startMs) / 10_000;
  const lines = [
    '# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds',
    '# TYPE container_cpu_usage_seconds_total counter',
    ...containers.map((c) => `container_cpu_usage_seconds_total{container="${c.container}",namespace="${c.namespace}",pod="${c.pod}"} ${(c.cores * n * 10).toFixed(6)} ${ts}`),
    '# HELP container_memory_working_set_bytes [STABLE] Current working set of the container in bytes',
    '# TYPE container_memory_working_set_bytes gauge',
    ...containers.map((c) => `container_memory_working_set_bytes{container="${c.container}",namespace="${c.namespace}",pod="${c.pod}"} ${c.memoryBytes} ${ts}`),
    '# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise',
    '# TYPE resource_scrape_error gauge',
    'resource_scrape_error 0',
  ];
  return `${lines.join('\n')}\n`;
}
