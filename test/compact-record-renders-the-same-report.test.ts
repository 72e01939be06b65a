import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateStep } from '../src/analysis/aggregate-step.js';
import { NodeFileSystem } from '../src/core/node-fs.js';
import type { RunResult } from '../src/core/result-schema.js';
import { gzipText } from '../src/history/gzip-json-file.js';
import { makeRecord, serializeRecord } from '../src/history/make-record.js';
import { readRun } from '../src/history/read-run.js';
import { RECORD_FILE_NAME } from '../src/history/record-schema.js';
import { recordReportView } from '../src/history/record-view.js';
import { renderJobSummary } from '../src/report/render-job-summary.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { comparisons } from '../src/pipeline/run-benchmark.js';
import { bench } from './helpers/cli.js';
import { mergedNight, nightlyRunnerRuns } from './helpers/nightly-merge-fixture.js';

const fs = new NodeFileSystem();
let root: string;
let merged: RunResult;

/**
 * A merged night of three runners, with what a real cluster run adds that the synthetic runs lack: an invalid
 * repetition and a warning, sidecar pods (the data plane per pod), mesh components, pods, phases, proof by traffic,
 * and a failed system with its command output and diagnostics.
 */
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'record-report-'));
  const runs = nightlyRunnerRuns({ strata: 300, meshes: ['istio', 'linkerd', 'cilium'] });
  const linkerd = runs[1]!;
  for (const sys of linkerd.systems.filter((s) => s.id === 'linkerd')) {
    for (const step of sys.steps) {
      for (const rep of step.repetitions) {
        // Linkerd's proxy in each workload pod: sidecar-role pods, counted once per pod.
        for (const pod of rep.resources!.pods.filter((p) => p.pod === 'server-1' || p.pod === 'load-client')) pod.roles = [...pod.roles, 'sidecar-proxy'];
        rep.resources!.roles['sidecar-proxy'] = { ...rep.resources!.roles['sidecar-proxy'], memoryMeanBytes: 2 * 31_457_280.4, memoryMaxBytes: 2 * 33_554_432, cpuMeanCores: 0.0823117, cpuMaxCores: 0.1, samples: 14, containers: 2 };
      }
    }
    sys.meshComponents = [{ namespace: 'linkerd', container: 'destination', role: 'control-plane', pods: 1, requests: { cpu: '100m', memory: '50Mi' }, limits: { cpu: null, memory: '250Mi' } }];
    sys.meshPods = [{ namespace: 'linkerd', pod: 'linkerd-destination-5d9c', role: 'control-plane', node: 'bench-linkerd-control-plane', onControlPlane: true }];
    sys.trafficProof = { expected: 'l5d-client-id on every request', seen: 'l5d-client-id on 20/20', ok: true, meshed: true, burst: { sent: 20, ok: 20 }, counters: { 'server:l5d': { before: 0, after: 20 } }, headerSample: 'default.mesh-bench.serviceaccount.identity.linkerd.cluster.local' };
    sys.phases = [
      { name: 'cluster create', startedAt: '2026-11-30T02:21:00.000Z', durationMs: 41_234, ok: true },
      { name: 'mesh install', startedAt: '2026-11-30T02:22:00.000Z', durationMs: 63_021, ok: true },
      ...sys.steps.map((st, i) => ({ name: `measure linkerd ${st.name} #1`, startedAt: `2026-11-30T02:${30 + i}:00.000Z`, durationMs: 25_345 + i, ok: true })),
    ];
  }
  // One invalid repetition and a warning, as the pipeline writes them.
  const step = linkerd.systems[1]!.steps[1]!;
  step.repetitions[2]!.status = 'invalid';
  step.repetitions[2]!.invalidReasons = ['target not intact: pod mesh-bench/server-1 was replaced during the step'];
  step.repetitions[3]!.warnings = ["Little's law: in flight ×1.13 of throughput × latency"];
  for (const sys of linkerd.systems) for (const st of sys.steps) st.aggregate = aggregateStep(st.repetitions, { seed: linkerd.scenario.seed, maxCv: linkerd.scenario.thresholds.maxCv, mode: st.config.mode, resamples: 2000 });
  linkerd.comparisons = comparisons(linkerd);
  // A failed system: its output tail and diagnostics are in the report's Status.
  const cilium = runs[2]!.systems[1]!;
  cilium.status = 'failed';
  cilium.failure = { step: 'installMesh', message: 'cilium install did not finish', command: ['cilium', 'install', '--wait'], output: Array.from({ length: 80 }, (_, i) => `line ${i + 1}`).join('\n') };
  cilium.diagnostics = { dir: 'diagnostics/cilium', files: [{ path: 'events.txt', bytes: 12_345, truncated: false }], lookFirst: 'events.txt (the cluster events, oldest first)', problems: [] };
  cilium.steps = cilium.steps.slice(0, 2);
  merged = mergedNight(runs);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function readBack(name: string, text: string) {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name === 'full' ? 'results.json' : 'record.json');
  writeFileSync(file, text);
  return readRun(file, { fs });
}

describe('bench report from a compact record', () => {
  it('gives the same report.md, byte for byte, as from the full results.json', async () => {
    const full = await readBack('full', `${JSON.stringify(merged, null, 2)}\n`);
    const compact = await readBack('compact', serializeRecord(makeRecord(merged)));
    expect(full.full).not.toBeNull();
    expect(compact.full).toBeNull();
    const fromFull = renderMarkdown(full.full!);
    const fromRecord = renderMarkdown(recordReportView(compact.record));
    // The sections a record must carry for this to hold are in the report: check they are there, then compare.
    for (const heading of ['## Status', '## Results by step', '## Runners', '## Resources', '## Mesh components as installed', '## Proof by traffic', '## Phases', '## Charts']) {
      expect(fromFull).toContain(heading);
    }
    expect(fromFull).toContain('line 80');
    expect(fromFull).toContain('**invalid** — target not intact');
    expect(fromRecord.split('\n')).toEqual(fromFull.split('\n'));
  });

  it('bench report on a record.json.gz (what a night commits) or an older record.json, or on the run directory holding it, writes that same report.md beside it', async () => {
    await readBack('full', `${JSON.stringify(merged, null, 2)}\n`);
    const text = serializeRecord(makeRecord(merged));
    await readBack('compact', text);
    mkdirSync(join(root, 'compact-gz'), { recursive: true });
    writeFileSync(join(root, 'compact-gz', RECORD_FILE_NAME), gzipText(text));
    const fromFull = await bench(['report', join(root, 'full', 'results.json'), '--stdout']);
    expect(fromFull.code).toBe(0);
    for (const [dir, name] of [['compact-gz', RECORD_FILE_NAME], ['compact', 'record.json']] as const) {
      const fromRecord = await bench(['report', join(root, dir, name), '--stdout']);
      expect(fromRecord.code, name).toBe(0);
      expect(fromRecord.stdout, name).toBe(fromFull.stdout);
      const written = await bench(['report', join(root, dir)]);
      expect(written.code, name).toBe(0);
      expect(written.stdout, name).toBe(`${join(root, dir, 'report.md')}\n`);
      expect(readFileSync(join(root, dir, 'report.md'), 'utf8'), name).toBe(fromFull.stdout);
    }
  }, 180_000);

  it('gives the same job summary as the full results.json', async () => {
    const record = (await readBack('summary', serializeRecord(makeRecord(merged)))).record;
    expect(renderJobSummary(recordReportView(record), { report: 'report.md' })).toBe(renderJobSummary(merged, { report: 'report.md' }));
  });
});
