import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, InputError } from '../src/core/errors.js';
import { runResultSchema, type RunResult } from '../src/core/result-schema.js';
import type { MemoryTerm, SystemScale } from '../src/core/scale-schema.js';
import { MESH_ADAPTERS_BY_ID } from '../src/mesh/registry.js';
import { bench } from './helpers/cli.js';
import { clusterRunFixture, forcedChecks, runningPod as running, type ClusterRunFixture } from './helpers/cluster-run.js';
import { kubeletText } from './helpers/fake-cluster.js';
import { CONTROL_PLANE, LABELLED_WORKERS, LOAD_WORKER, SERVER_WORKER, withSpreadScheduler, type SpreadScheduler } from './helpers/scale-cluster.js';

/**
 * The scale windows of scenario `scale:` through the real pipeline, platform and operations, on the recording fakes:
 * an istio-ambient cluster whose kubelets report memory that grows with known terms — ztunnel 30 MB per node + 0.5 MB
 * per pod on its node, the server 20 MB per pod, istiod 80 MB + 0.1 MB per pod in the cluster — each with a small,
 * fixed deviation per node and count so the fits have residuals. The mesh's own verify and traffic evidence are forced
 * to pass (they have their own tests): what is under test is the measuring path after the steps.
 */
const MB = 1e6;
const TRUTH = { ztunnelPerNode: 30 * MB, ztunnelPerPod: 0.5 * MB, serverPerPod: 20 * MB, istiodFixed: 80 * MB, istiodPerPod: 0.1 * MB };

const SCALE_SCENARIO = `
name: scale-test
repetitions: 1
steps:
  - { mode: rate, rate: 100, duration: 1s, warmup: 0s }
scale:
  replicasPerNode: [1, 4, 8, 16]
  settle: 30s
  idle: 60s
  load: { rate: 100, duration: 60s }
`;

/** A small deviation, fixed per node and pod count, alternating in sign so it fakes no slope. */
const wobble = (node: string, pods: number): number => (node === SERVER_WORKER ? 1 : -1) * ((pods % 3) - 1) * 0.2 * MB;

interface Scaled {
  f: ClusterRunFixture;
  scheduler: SpreadScheduler;
  /** The server replicas the cluster holds now (what the last apply asked for). */
  replicas: () => number;
}

function scaledCluster(system = 'istio-ambient'): Scaled {
  const f = clusterRunFixture();
  f.options.adapters = new Map([[system, forcedChecks(MESH_ADAPTERS_BY_ID.get(system)!, 'the scale test')]]);
  f.fs.files.set('/repo/clusters/claims.yaml', readFileSync(new URL('../clusters/claims.yaml', import.meta.url), 'utf8'));
  const scheduler = withSpreadScheduler(f.kube);
  const replicas = (): number => ((f.kube.objects.get('Deployment/mesh-bench/server-1') as { spec?: { replicas?: number } } | undefined)?.spec?.replicas ?? 0);
  f.kube.systemPods =
    system === 'baseline'
      ? []
      : [
          running('istiod-6d8f-abcde', 'istio-system', CONTROL_PLANE, 'discovery'),
          ...LABELLED_WORKERS.map((node, i) => running(`ztunnel-x${i}`, 'istio-system', node, 'istio-proxy')),
        ];
  f.kube.kubeletFor = (node) => {
    const servers = f.kube.podsFor('mesh-bench', 'app.kubernetes.io/component=server');
    const here = servers.filter((p) => p.spec?.nodeName === node);
    const containers = here.map((p) => ({ namespace: 'mesh-bench', pod: p.metadata!.name!, container: 'server', memoryBytes: TRUTH.serverPerPod, cores: 0.01 }));
    // The load client (left out of the scale points: one pod whatever the count) and the unmeshed twin ('other').
    if (node === LOAD_WORKER) containers.push({ namespace: 'mesh-bench', pod: 'load-client-7d9f-abcde', container: 'load', memoryBytes: 50 * MB, cores: 0.2 });
    if (node === SERVER_WORKER) containers.push({ namespace: 'mesh-bench-plain', pod: 'server-1-7d9f-abcde', container: 'server', memoryBytes: 21 * MB, cores: 0.01 });
    if (system !== 'baseline') {
      const i = LABELLED_WORKERS.indexOf(node as (typeof LABELLED_WORKERS)[number]);
      if (i >= 0) {
        const bytes = Math.round(TRUTH.ztunnelPerNode + TRUTH.ztunnelPerPod * here.length + wobble(node, here.length));
        containers.push({ namespace: 'istio-system', pod: `ztunnel-x${i}`, container: 'istio-proxy', memoryBytes: bytes, cores: 0.02 });
      }
      if (node === CONTROL_PLANE) {
        const bytes = Math.round(TRUTH.istiodFixed + TRUTH.istiodPerPod * servers.length + wobble(SERVER_WORKER, servers.length));
        containers.push({ namespace: 'istio-system', pod: 'istiod-6d8f-abcde', container: 'discovery', memoryBytes: bytes, cores: 0.05 });
      }
    }
    return kubeletText(f.clock.now(), containers);
  };
  return { f, scheduler, replicas };
}

async function resultOf(f: ClusterRunFixture, dir: string): Promise<RunResult> {
  return runResultSchema.parse(JSON.parse(f.fs.read(`${dir}/results.json`)!));
}

function expectWithin(term: MemoryTerm, truth: number): void {
  expect(term.low).toBeLessThanOrEqual(truth);
  expect(term.high).toBeGreaterThanOrEqual(truth);
}

/** The meshed server Deployments applied so far: the step's, then one per count. */
const serverDeployments = (f: ClusterRunFixture) =>
  f.kube.applied.filter((o) => o.kind === 'Deployment' && o.metadata.name === 'server-1' && o.metadata.namespace === 'mesh-bench');

const role = (scale: SystemScale, condition: 'idle' | 'load', name: string) => scale.conditions.find((c) => c.condition === condition)!.roles.find((r) => r.role === name)!;

describe('scenario scale: measured on a kind cluster (fakes)', () => {
  it('publishes a fit that recovers the known per-pod and per-node terms within its intervals, idle and under load', async () => {
    const { f } = scaledCluster();
    const outcome = await f.run(['istio-ambient'], SCALE_SCENARIO);
    expect(outcome.exitCode).toBe(ExitCode.ok);
    const r = await resultOf(f, outcome.dir);
    const scale = r.systems.find((s) => s.id === 'istio-ambient')!.scale!;
    expect(scale.invalidReasons ?? []).toEqual([]);
    expect(scale.nodes).toBe(2);
    expect(scale.conditions.map((c) => c.condition)).toEqual(['idle', 'load']);
    expect(scale.conditions[1]!.rate).toBe(100);
    for (const condition of ['idle', 'load'] as const) {
      const ztunnel = role(scale, condition, 'node-agent');
      expect(ztunnel.scope).toBe('node');
      expect(ztunnel.fit.points).toBe(8);
      expectWithin(ztunnel.fit.fixed, TRUTH.ztunnelPerNode);
      expectWithin(ztunnel.fit.perPod, TRUTH.ztunnelPerPod);
      // Narrow enough to tell the terms apart: not an interval that holds anything.
      expect(ztunnel.fit.perPod.high - ztunnel.fit.perPod.low).toBeLessThan(0.1 * MB);
      expect(ztunnel.fit.fixed.high - ztunnel.fit.fixed.low).toBeLessThan(1 * MB);
      expectWithin(role(scale, condition, 'workload').fit.perPod, TRUTH.serverPerPod);
      const istiod = role(scale, condition, 'control-plane');
      expect(istiod.scope).toBe('cluster');
      expectWithin(istiod.fit.fixed, TRUTH.istiodFixed);
      expectWithin(istiod.fit.perPod, TRUTH.istiodPerPod);
    }
    // The unmeshed twin is not scaled, and carries no scale section.
    expect(r.systems.find((s) => s.id === 'istio-ambient/unmeshed')!.scale).toBeUndefined();
    // Claims that name the system are copied into the result; the report prints the section.
    expect(scale.claims.map((c) => c.id)).toContain('istio-ambient-total');
    expect(f.fs.read(`${outcome.dir}/report.md`)).toContain('## Memory at scale');
    // The steps were measured as before.
    expect(r.systems[0]!.steps[0]!.repetitions).toHaveLength(1);
  });

  it('reads pods per node from the pods’ nodeName: an uneven placement is recorded as placed and still recovers the truth', async () => {
    const { f, scheduler } = scaledCluster();
    // Three quarters on one worker: what a scheduler could do; the model must count what it did.
    scheduler.place = (i, n) => (i < Math.ceil((n * 3) / 4) ? SERVER_WORKER : LOAD_WORKER);
    const outcome = await f.run(['istio-ambient'], SCALE_SCENARIO);
    const scale = (await resultOf(f, outcome.dir)).systems[0]!.scale!;
    expect(scale.placements).toEqual([
      { replicasPerNode: 1, podsByNode: { [SERVER_WORKER]: 2, [LOAD_WORKER]: 0 } },
      { replicasPerNode: 4, podsByNode: { [SERVER_WORKER]: 6, [LOAD_WORKER]: 2 } },
      { replicasPerNode: 8, podsByNode: { [SERVER_WORKER]: 12, [LOAD_WORKER]: 4 } },
      { replicasPerNode: 16, podsByNode: { [SERVER_WORKER]: 24, [LOAD_WORKER]: 8 } },
    ]);
    const ztunnel = role(scale, 'idle', 'node-agent');
    expect(ztunnel.points.map((p) => [p.node, p.pods])).toEqual([
      [SERVER_WORKER, 2], [LOAD_WORKER, 0], [SERVER_WORKER, 6], [LOAD_WORKER, 2], [SERVER_WORKER, 12], [LOAD_WORKER, 4], [SERVER_WORKER, 24], [LOAD_WORKER, 8],
    ]);
    expectWithin(ztunnel.fit.perPod, TRUTH.ztunnelPerPod);
    expectWithin(ztunnel.fit.fixed, TRUTH.ztunnelPerNode);
  });

  it('applies each count as a spread Deployment with the small CPU request it records, in ascending order', async () => {
    const { f } = scaledCluster();
    const outcome = await f.run(['istio-ambient'], SCALE_SCENARIO);
    const scale = (await resultOf(f, outcome.dir)).systems[0]!.scale!;
    expect(scale.serverCpuRequest).toBe('5m');
    const scaled = f.kube.applied.filter((o) => o.kind === 'Deployment' && o.metadata.name === 'server-1' && o.metadata.namespace === 'mesh-bench').slice(1);
    const specs = scaled.map((o) => (o as unknown as { spec: { replicas: number; template: { spec: Record<string, unknown> & { containers: Array<{ resources: unknown }> } } } }).spec);
    expect(specs.map((s) => s.replicas)).toEqual([2, 8, 16, 32]);
    for (const s of specs) {
      expect(s.template.spec.nodeSelector).toBeUndefined();
      expect(s.template.spec.topologySpreadConstraints).toEqual([
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'server-1' } }, matchLabelKeys: ['pod-template-hash'] },
      ]);
      expect(s.template.spec.containers[0]!.resources).toEqual({ requests: { cpu: '5m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } });
    }
    // The unmeshed namespace's server is never touched.
    expect(f.kube.applied.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === 'mesh-bench-plain' && o.metadata.name === 'server-1')).toHaveLength(1);
  });

  it('a server pod restarted during a window: the whole section is invalid with the reason, nothing fitted, later counts not measured', async () => {
    const { f, scheduler, replicas } = scaledCluster();
    const kubelet = f.kube.kubeletFor;
    // While the 8-per-worker idle window is sampled, one server container restarts.
    f.kube.kubeletFor = (node, n) => {
      if (replicas() === 16) scheduler.restarts.set('server-1-7d9f-r3', 1);
      return kubelet(node, n);
    };
    const outcome = await f.run(['istio-ambient'], SCALE_SCENARIO);
    expect(outcome.exitCode).toBe(ExitCode.ok);
    const r = await resultOf(f, outcome.dir);
    const scale = r.systems[0]!.scale!;
    expect(scale.conditions).toEqual([]);
    expect(scale.invalidReasons).toEqual([
      'idle window at 8 per worker: container server of pod mesh-bench/server-1-7d9f-r3 restarted during the step (restarts 0 → 1)',
    ]);
    expect(scale.placements?.map((p) => p.replicasPerNode)).toEqual([1, 4, 8]);
    expect(serverDeployments(f).map((o) => (o as { spec?: { replicas?: number } }).spec?.replicas)).toEqual([1, 2, 8, 16]);
    expect(f.fs.read(`${outcome.dir}/report.md`)).toContain('**Not fitted: the scale windows cannot be trusted**');
  });

  it('a kubelet that answered no scrape over a window invalidates the section rather than count its node as 0 bytes', async () => {
    const { f, replicas } = scaledCluster();
    const kubelet = f.kube.kubeletFor;
    f.kube.kubeletFor = (node, n) => {
      if (replicas() === 8 && node === LOAD_WORKER) throw new Error('proxy error from 127.0.0.1:6443 while dialing 172.18.0.3:10250, code 502: 502 Bad Gateway');
      return kubelet(node, n);
    };
    const outcome = await f.run(['istio-ambient'], SCALE_SCENARIO);
    const scale = (await resultOf(f, outcome.dir)).systems[0]!.scale!;
    expect(scale.conditions).toEqual([]);
    expect(scale.invalidReasons).toEqual([
      `idle window at 4 per worker: no kubelet reading of node ${LOAD_WORKER} in the window (${LOAD_WORKER}: proxy error from 127.0.0.1:6443 while dialing 172.18.0.3:10250, code 502: 502 Bad Gateway)`,
    ]);
  });

  it('a server pod the kubelet has no reading of yet invalidates the section (it would count as 0 bytes)', async () => {
    const { f, replicas } = scaledCluster();
    const kubelet = f.kube.kubeletFor;
    // At 16 per worker one new pod is not in its kubelet's stats yet: its lines are missing from the answer.
    f.kube.kubeletFor = (node, n) => {
      const text = kubelet(node, n);
      return replicas() === 32 ? text.split('\n').filter((l) => !l.includes('pod="server-1-7d9f-r5"')).join('\n') : text;
    };
    const outcome = await f.run(['istio-ambient'], SCALE_SCENARIO);
    const scale = (await resultOf(f, outcome.dir)).systems[0]!.scale!;
    expect(scale.conditions).toEqual([]);
    expect(scale.invalidReasons).toEqual([
      'idle window at 16 per worker: no kubelet memory reading of 1 server pod(s) in the window (e.g. server-1-7d9f-r5): too short a settle?',
    ]);
  });

  it('an invalid load run in a loaded window invalidates the section with the run’s own reason', async () => {
    const { f } = scaledCluster();
    const answer = f.kube.execAnswer;
    // The server answers nothing but 503 at 4 per worker (argv of the scale window: --duration 60).
    f.kube.execAnswer = async (argv, signal, where) => {
      const out = await answer(argv, signal, where);
      if (!argv.includes('60') || serverDeployments(f).length < 3) return out;
      const run = JSON.parse(out.stdout) as { status: string; invalidReasons: string[] };
      return { ...out, exitCode: 1, stdout: JSON.stringify({ ...run, status: 'invalid', invalidReasons: ['error rate 100.0% above the budget 0.1%'] }) };
    };
    const outcome = await f.run(['istio-ambient'], SCALE_SCENARIO);
    const scale = (await resultOf(f, outcome.dir)).systems[0]!.scale!;
    expect(scale.invalidReasons).toEqual(['loaded window at 4 per worker: error rate 100.0% above the budget 0.1%']);
    expect(scale.conditions).toEqual([]);
  });

  it('a count whose pods never become Ready fails the system (exit 4) after its steps, and the section records why, unfitted', async () => {
    const { f } = scaledCluster();
    const apply = f.kube.apply.bind(f.kube);
    // 4 per worker do not fit: the pods stay Pending (what a real scheduler does with DoNotSchedule or no CPU left).
    f.kube.apply = async (o) => {
      if (o.kind === 'Deployment' && o.metadata.name === 'server-1' && (o as { spec?: { replicas?: number } }).spec?.replicas === 8) f.kube.stuck.add('mesh-bench/server-1');
      return apply(o);
    };
    const outcome = await f.run(['istio-ambient'], SCALE_SCENARIO);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    const sys = (await resultOf(f, outcome.dir)).systems[0]!;
    expect(sys.status).toBe('failed');
    expect(sys.failure?.step).toBe('scale windows');
    expect(sys.steps[0]!.repetitions).toHaveLength(1);
    expect(sys.scale?.conditions).toEqual([]);
    expect(sys.scale?.invalidReasons).toEqual([expect.stringMatching(/^the scale windows failed: Deployment mesh-bench\/server-1 not ready after 300 s \(0\/8 ready/)]);
    // What the failed windows did not read is absent, not made up: no node count, no CPU request.
    expect(sys.scale).not.toHaveProperty('nodes');
    expect(sys.scale).not.toHaveProperty('serverCpuRequest');
  });

  it('measures the baseline too: its workload memory per pod is what a mesh is set beside', async () => {
    const { f } = scaledCluster('baseline');
    const outcome = await f.run(['baseline'], SCALE_SCENARIO);
    expect(outcome.exitCode).toBe(ExitCode.ok);
    const scale = (await resultOf(f, outcome.dir)).systems[0]!.scale!;
    const idle = scale.conditions.find((c) => c.condition === 'idle')!;
    expect(idle.roles.map((x) => x.role)).toEqual(['workload']);
    expect(idle.meshProjected).toBeNull();
    expect(idle.roles[0]!.fit.perPod.estimate).toBeCloseTo(TRUTH.serverPerPod, -3);
  });

  it('SIGINT during a window stops it: the steps already measured stay written, no scale section, the cluster is deleted', async () => {
    const { f, replicas } = scaledCluster();
    const kubelet = f.kube.kubeletFor;
    f.kube.kubeletFor = (node, n) => {
      if (replicas() === 8) f.controller.abort();
      return kubelet(node, n);
    };
    const outcome = await f.run(['istio-ambient'], SCALE_SCENARIO);
    expect(outcome.exitCode).toBe(ExitCode.interrupted);
    const r = await resultOf(f, outcome.dir);
    expect(r.status).toBe('interrupted');
    expect(r.systems[0]!.steps[0]!.repetitions).toHaveLength(1);
    expect(r.systems[0]!.scale).toBeUndefined();
    // No later count was applied, and the teardown ran.
    expect(serverDeployments(f).map((o) => (o as { spec?: { replicas?: number } }).spec?.replicas)).toEqual([1, 2, 8]);
    expect(f.transcript).toContain('$ kind delete cluster --name bench-istio-ambient --kubeconfig /tmp/mesh-bench-test/istio-ambient/kubeconfig');
  });
});

describe('targets that cannot measure scale windows refuse the scenario before anything starts', () => {
  it('--target existing: one line naming the scenario file and field, exit 2, nothing run', async () => {
    const f = clusterRunFixture({ target: 'existing', existing: { kubeconfig: '/home/user/.kube/config', context: 'eks' } });
    const error = await f.run(['baseline'], SCALE_SCENARIO).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(ExitCode.invalidInput);
    expect((error as InputError).message).toMatch(/^\/scenario\.yaml: scale: is measured on --target kind only: .* \(--target existing\); remove the section/);
    expect(f.transcript).toEqual([]);
    expect([...f.fs.dirs].filter((d) => d.startsWith('/results'))).toEqual([]);
  });

  it('bench run --target local (the built CLI): one line naming scenarios/scale.yaml and the field, exit 2, nothing written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-scale-local-'));
    try {
      const r = await bench(['run', '--target', 'local', '--mesh', 'baseline', '--scenario', 'scenarios/scale.yaml', '--out', out]);
      expect(r.code).toBe(ExitCode.invalidInput);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/scenarios\/scale\.yaml: scale: needs a cluster target \(--target kind\): .* \(--target local\); remove the section/);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
