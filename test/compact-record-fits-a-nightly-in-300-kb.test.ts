import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makeRecord, serializeRecord } from '../src/history/make-record.js';
import { readRun } from '../src/history/read-run.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { addClusterDetail, mergedNight, NIGHTLY_MESHES, nightlyRunnerRuns } from './helpers/nightly-merge-fixture.js';
import { systemJob } from './helpers/nightly-workflow.js';

const DEFAULT_SCENARIO = fileURLToPath(new URL('../scenarios/default.yaml', import.meta.url));

describe('the compact record of a nightly', () => {
  it('stores every nightly system × scenarios/default.yaml (one runner per mesh: mesh, unmeshed, baseline) in at most 205 KB of raw JSON', async () => {
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
    // 291 538 bytes in record schema 2; 251 520 since schema 3 (shared words in the string table, memory and CPU per
    // repetition in KiB and microcores, a one-role data plane's cost by reference, no cost per 1000 req/s for `other`);
    // 219 010 since schema 4 (merged histograms in dense-histogram.ts's encoding: 80 KB of them became about 46 KB);
    // 201 395 since schema 5 (a comparison's figures computed again from the record's columns, derived-comparisons.ts,
    // and no all-zero summaries of roles a step did not have).
    // The night's other files are counted in nightly-commits-one-night-within-its-budget.test.ts.
    expect(raw).toBeLessThanOrEqual(205_000);
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
