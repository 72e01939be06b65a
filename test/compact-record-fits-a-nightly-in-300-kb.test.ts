import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makeRecord, serializeRecord } from '../src/history/make-record.js';
import { readRun } from '../src/history/read-run.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import type { MeshPod, RunResult } from '../src/core/result-schema.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { mergedNight, NIGHTLY_MESHES, nightlyRunnerRuns } from './helpers/nightly-merge-fixture.js';
import { systemJob } from './helpers/nightly-workflow.js';

const DEFAULT_SCENARIO = fileURLToPath(new URL('../scenarios/default.yaml', import.meta.url));

describe('the compact record of a nightly', () => {
  it('stores every nightly system × scenarios/default.yaml (one runner per mesh: mesh, unmeshed, baseline) in at most 300 KB of raw JSON', async () => {
    // The fixture's meshes are the nightly matrix's, less its baseline-only job.
    expect([...NIGHTLY_MESHES].sort()).toEqual((systemJob.strategy!.matrix!.system as string[]).filter((s) => s !== 'baseline').sort());
    // The shipped nightly scenario, so the budget follows its steps and repetitions (4-vCPU runners, as the nightly's).
    const scenario = parseScenario(readFileSync(DEFAULT_SCENARIO, 'utf8'), 'scenarios/default.yaml', 4);
    const merged = mergedNight(nightlyRunnerRuns({ strata: 2000, scenario }));
    addClusterDetail(merged);
    // Every mesh runner: the mesh, its unmeshed namespace and its baseline.
    expect(merged.systems).toHaveLength(3 * NIGHTLY_MESHES.length);
    expect(merged.systems.every((s) => s.steps.length === scenario.steps.length && s.steps.every((st) => st.repetitions.length === scenario.repetitions))).toBe(true);
    expect(scenario.repetitions).toBeGreaterThanOrEqual(5);
    const full = JSON.stringify(merged, null, 2);
    const record = serializeRecord(makeRecord(merged));
    const raw = Buffer.byteLength(record);
    // Git stores every file zlib-deflated ("blob <size>\0<content>"): what the repository grows by each night.
    const stored = deflateSync(`blob ${raw}\0${record}`).length;
    console.log(`${scenario.steps.length} steps × ${scenario.repetitions} repetitions: results.json ${Buffer.byteLength(full)} bytes; record.json ${raw} bytes, ${stored} bytes as a git object`);
    expect(raw).toBeLessThanOrEqual(300_000);
    // Stored, all of it: read back, the record holds every system, step and repetition of the night.
    const back = (await readRun('/night/record.json', { fs: new MemoryFileSystem({ '/night/record.json': record }) })).record;
    expect(back.systems.map((s) => s.id)).toEqual(merged.systems.map((s) => s.id));
    expect(back.systems.map((s) => s.steps.map((st) => [st.name, st.repetitions.repetition, st.repetitions.status, st.repetitions.throughput]))).toEqual(
      merged.systems.map((s) => s.steps.map((st) => [st.name, st.repetitions.map((r) => r.repetition), st.repetitions.map((r) => r.status), st.repetitions.map((r) => r.throughput)])),
    );
    expect(stored).toBeLessThan(raw);
    // Per-repetition histograms and per-container samples stay in the artefact: the record is a small fraction of it.
    expect(raw * 10).toBeLessThan(Buffer.byteLength(full));
  }, 120_000);
});

/**
 * What a real cluster run records per system beyond the synthetic runs, at a real run's size: every phase (cluster,
 * install, each measured repetition of both variants, teardown: shared by a mesh's variants), the mesh's pods and
 * components, and the proof by traffic. The record keeps them all for the report.
 */
function addClusterDetail(run: RunResult): void {
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
