import type { MeshPod, RunResult, SystemResult } from '../../src/core/result-schema.js';
import type { ResolvedScenario } from '../../src/core/scenario-types.js';
import { mergeRuns } from '../../src/history/merge-runs.js';
import { perRunnerRun } from './per-runner-run-factory.js';

/**
 * The nine meshes of the nightly matrix (.github/workflows/nightly.yml, without its `baseline`-only job), each measured
 * on its own runner with a `baseline` beside it.
 */
export const NIGHTLY_MESHES = [
  'cilium',
  'cilium-wireguard',
  'cilium-l7',
  'istio',
  'istio-ambient',
  'istio-ambient-waypoint',
  'linkerd',
  'istio-ambient-cilium',
  'cilium-ztunnel',
] as const;

const CPUS = ['AMD EPYC 7763 64-Core Processor', 'AMD EPYC 9V74 80-Core Processor', 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz'];

/**
 * Every runner's run of one night: ten systems (nine meshes and the baseline) on `scenarios/default.yaml`. `seed` draws
 * the night's own repetition noise; `slower` multiplies one mesh's latency (a night with a regression).
 */
export function nightlyRunnerRuns(
  o: { night?: string; strata?: number; meshes?: readonly string[]; scenario?: ResolvedScenario; seed?: number; slower?: { mesh: string; factor: number } } = {},
): RunResult[] {
  const night = o.night ?? '2026-11-30';
  return (o.meshes ?? NIGHTLY_MESHES).map((mesh, i) =>
    perRunnerRun({
      mesh,
      p50Us: { baseline: 300 + 7 * i, unmeshed: 305 + 7 * i, mesh: Math.round((360 + 25 * i) * (o.slower?.mesh === mesh ? o.slower.factor : 1)) },
      hostname: `fv-az${410 + i}-77`,
      cpuModel: CPUS[i % CPUS.length]!,
      createdAt: `${night}T02:${String(20 + i).padStart(2, '0')}:00.000Z`,
      seed: (o.seed ?? 100) + i,
      ...(o.strata !== undefined ? { strata: o.strata } : {}),
      ...(o.scenario !== undefined ? { scenario: o.scenario } : {}),
    }),
  );
}

/** The merged run of one night, as `bench merge` makes it (no calibrations beside the runs). */
export function mergedNight(runs: readonly RunResult[]): RunResult {
  return mergeRuns<SystemResult, RunResult>(runs.map((run) => ({ file: `${run.runId}/results.json`, run, calibration: null })));
}

/**
 * What a real cluster run records per system beyond the synthetic runs, at a real run's size: every phase (cluster,
 * install, each measured repetition of both variants, teardown: shared by a mesh's variants), the mesh's pods and
 * components, and the proof by traffic. The record keeps them all for the report.
 */
export function addClusterDetail(run: RunResult): void {
  let t = Date.parse(run.createdAt);
  const at = (): string => new Date((t += 29_123)).toISOString();
  for (const mesh of new Set(run.systems.map((s) => s.id.split('/')[0]!))) {
    const variants = run.systems.filter((s) => s.id.split('/')[0] === mesh);
    const phases = [
      ...['cluster create', 'image load', 'mesh install', 'readiness', 'deploy', 'verify'].map((name, i) => ({ name, startedAt: at(), durationMs: 12_345 + 1_017 * i, ok: true })),
      ...variants.flatMap((v) => v.steps.flatMap((st) => st.repetitions.map((r) => ({ name: `measure ${v.id} ${st.name} #${r.repetition}`, startedAt: at(), durationMs: 27_000 + r.repetition * 13, ok: true })))),
      { name: 'teardown', startedAt: at(), durationMs: 8_765, ok: true },
    ];
    const meshed = !mesh.startsWith('baseline');
    const meshPods: MeshPod[] = meshed
      ? [
          ...['control-plane', 'worker', 'worker2'].map((node, i) => ({ namespace: 'kube-system', pod: `${mesh}-agent-${i}x7k`, role: 'node-agent' as const, node: `bench-${mesh}-${node}`, onControlPlane: i === 0 })),
          { namespace: `${mesh}-system`, pod: `${mesh}-control-6d5f8b9c4-q2x8w`, role: 'control-plane', node: `bench-${mesh}-control-plane`, onControlPlane: true },
        ]
      : [];
    const meshComponents = meshed
      ? [
          { namespace: 'kube-system', container: 'agent', role: 'node-agent' as const, pods: 3, requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: null, memory: '1Gi' } },
          { namespace: `${mesh}-system`, container: 'discovery', role: 'control-plane' as const, pods: 1, requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: null, memory: null } },
        ]
      : [];
    for (const v of variants) {
      v.phases = phases;
      v.meshPods = meshPods;
      v.meshComponents = meshComponents;
      const plain = v.id.endsWith('/unmeshed') || !meshed;
      v.trafficProof = { expected: plain ? 'no mesh header, no mesh counter moved' : 'mesh header on every request', seen: plain ? 'none' : 'on 20/20', ok: true, meshed: !plain, burst: { sent: 20, ok: 20 }, counters: { server: { before: 0, after: 20 } }, headerSample: plain ? null : `spiffe://cluster.local/ns/mesh-bench/sa/load-client-${mesh}` };
    }
  }
}
