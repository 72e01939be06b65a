import { readFileSync } from 'node:fs';
import type { V1DaemonSet, V1Deployment, V1Node, V1Pod } from '@kubernetes/client-node';
import type { ProcessRunner, RunOptions, RunOutput } from '../../src/core/deps.js';
import type { ExecResult, KubeClient, KubeObject } from '../../src/core/kube.js';
import { CommandError } from '../../src/core/errors.js';
import { resolveLoadFlags, type LoadFlags } from '../../src/cli/load-flags.js';
import { makeRepetition } from './repetition-factory.js';

/**
 * Fakes for the process-runner and Kubernetes seams, answering like the real tools and API server do, and keeping
 * one transcript of every command and API call in order (the golden pipeline tests compare it).
 */
export type Transcript = string[];

type Answer = string | RunOutput | ((argv: readonly string[]) => RunOutput) | Error;

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

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunOutput> {
    this.transcript.push(`$ ${argv.join(' ')}${options.input !== undefined ? ' <stdin>' : ''}`);
    const i = this.answers.findIndex((a) => a.prefix.every((p, j) => argv[j] === p));
    if (i < 0) return { stdout: '', stderr: '', exitCode: 0 };
    const a = this.answers[i]!;
    if (a.once) this.answers.splice(i, 1);
    if (a.answer instanceof Error) throw a.answer;
    if (typeof a.answer === 'string') return { stdout: a.answer, stderr: '', exitCode: 0 };
    if (typeof a.answer === 'function') return a.answer(argv);
    return a.answer;
  }

  async pipe(from: readonly string[], to: readonly string[], options?: RunOptions): Promise<RunOutput> {
    return this.run([...from, '|', ...to], options);
  }
}

export const kubeletSample = readFileSync(
  new URL('../../../shared/reference/kubelet/metrics-resource.kind-e2e.metrics-server-v0.9.0.txt', import.meta.url),
  'utf8',
);

/** Parses `node bin/bench.js load <url> --json …` back into the step the pod would run, and answers like it. */
export function fakeLoadClientAnswer(argv: readonly string[]): ExecResult {
  const at = argv.indexOf('load');
  const url = argv[at + 1]!;
  const flags: Record<string, string | boolean> = {};
  for (let i = at + 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const key = a.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) flags[key] = true;
    else flags[key] = argv[++i]!;
  }
  const { step } = resolveLoadFlags(flags as unknown as LoadFlags, 2);
  const { repetition: _r, resources: _res, ...run } = makeRepetition({ mode: step.mode });
  return { stdout: JSON.stringify({ ...run, url, step, mode: step.mode, targetRate: step.rate }), stderr: '', exitCode: 0 };
}

function readyPod(namespace: string, name: string, labels: Record<string, string>, node = 'bench-baseline-worker'): V1Pod {
  return {
    metadata: { name, namespace, labels },
    spec: { nodeName: node, containers: [] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export class FakeKube implements KubeClient {
  readonly applied: KubeObject[] = [];
  /** Namespaces that exist, with their labels. */
  readonly namespaces = new Map<string, Record<string, string>>();
  /** Deployments that never become ready (to test rollout timeouts). */
  readonly stuck = new Set<string>();
  execAnswer: (argv: readonly string[]) => ExecResult | Promise<ExecResult> = fakeLoadClientAnswer;
  podsFor: (namespace: string, selector: string | undefined) => V1Pod[] = (ns, selector) => {
    const name = /app\.kubernetes\.io\/name=([^,]+)/.exec(selector ?? '')?.[1] ?? 'pod';
    return [readyPod(ns, `${name}-7d9f-abcde`, { 'app.kubernetes.io/name': name })];
  };

  constructor(readonly transcript: Transcript = []) {}

  private log(line: string): void {
    this.transcript.push(`api ${line}`);
  }

  async apply(o: KubeObject): Promise<void> {
    this.log(`apply ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);
    this.applied.push(o);
    if (o.kind === 'Namespace') this.namespaces.set(o.metadata.name, o.metadata.labels ?? {});
  }
  async delete(ref: { kind: string; name: string; namespace?: string }): Promise<void> {
    this.log(`delete ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`);
  }
  async namespaceLabels(name: string): Promise<Record<string, string> | null> {
    this.log(`get Namespace ${name}`);
    return this.namespaces.get(name) ?? null;
  }
  async deleteNamespace(name: string): Promise<void> {
    this.log(`delete Namespace ${name}`);
    this.namespaces.delete(name);
  }
  async readDeployment(namespace: string, name: string): Promise<V1Deployment | null> {
    this.log(`get Deployment ${namespace}/${name}`);
    const ready = this.stuck.has(`${namespace}/${name}`) ? 0 : 1;
    return {
      metadata: { name, namespace, generation: 1 },
      spec: { replicas: 1, selector: { matchLabels: { 'app.kubernetes.io/name': name } }, template: {} },
      status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: ready, availableReplicas: ready },
    };
  }
  async readDaemonSet(namespace: string, name: string): Promise<V1DaemonSet | null> {
    this.log(`get DaemonSet ${namespace}/${name}`);
    return {
      metadata: { name, namespace, generation: 1 },
      spec: { selector: { matchLabels: { 'app.kubernetes.io/name': name } }, template: {} },
      status: { observedGeneration: 1, desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3, numberAvailable: 3, numberMisscheduled: 0 },
    };
  }
  async listPods(namespace: string, labelSelector?: string): Promise<V1Pod[]> {
    this.log(`list Pods ${namespace}${labelSelector ? ` ${labelSelector}` : ''}`);
    const pods = this.podsFor(namespace, labelSelector);
    if (labelSelector && [...this.stuck].some((s) => s === `${namespace}/${/name=([^,]+)/.exec(labelSelector)?.[1]}`)) {
      return pods.map((p) => ({
        ...p,
        status: {
          phase: 'Pending',
          conditions: [{ type: 'Ready', status: 'False' }],
          containerStatuses: [{ name: 'server', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'ImagePullBackOff' } } }],
        },
      }));
    }
    return pods;
  }
  /** Pods outside the benchmark namespaces (mesh components), for listAllPods. */
  systemPods: V1Pod[] = [];
  async listAllPods(): Promise<V1Pod[]> {
    this.log('list Pods all namespaces');
    return [...this.systemPods, ...this.podsFor('mesh-bench', undefined), ...this.podsFor('mesh-bench-plain', undefined)];
  }
  async listNodes(): Promise<V1Node[]> {
    this.log('list Nodes');
    return ['control-plane', 'worker', 'worker2'].map((n) => ({ metadata: { name: `bench-node-${n}` } }));
  }
  async events(namespace: string, objectName: string): Promise<string[]> {
    this.log(`list Events ${namespace}/${objectName}`);
    return ['Scheduled: Successfully assigned', 'Failed: Failed to pull image "mesh-bench:abc": not found'];
  }
  /** What the kubelet of `node` answers on its n-th scrape (default: a real capture). */
  kubeletFor: (node: string, n: number) => string = () => kubeletSample;
  private scrapes = new Map<string, number>();
  async nodeProxyGet(node: string, path: string): Promise<string> {
    // Not in the transcript: how many scrapes a step gets depends on timing.
    void path;
    const n = (this.scrapes.get(node) ?? 0) + 1;
    this.scrapes.set(node, n);
    return this.kubeletFor(node, n);
  }
  async exec(namespace: string, pod: string, container: string, argv: readonly string[]): Promise<ExecResult> {
    this.log(`exec ${namespace}/${pod} -c ${container} -- ${argv.join(' ')}`);
    return this.execAnswer(argv);
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
