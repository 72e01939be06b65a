import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipText } from '../src/history/gzip-json-file.js';
import { makeRecord, serializeRecord } from '../src/history/make-record.js';
import { readRun } from '../src/history/read-run.js';
import { RECORD_FILE_NAME } from '../src/history/record-schema.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { addClusterDetail, mergedNight, NIGHTLY_MESHES, nightlyRunnerRuns } from './helpers/nightly-merge-fixture.js';
import { systemJob } from './helpers/nightly-workflow.js';

const DEFAULT_SCENARIO = fileURLToPath(new URL('../scenarios/default.yaml', import.meta.url));
/** The record as committed (record.json.gz): what it reached, rounded up to the next KB. */
const COMMITTED_BUDGET_BYTES = 86_000;
/** The record's JSON, uncompressed: what `zcat record.json.gz` gives a reader, and what the tools parse. */
const RAW_BUDGET_BYTES = 205_000;

describe('the compact record of a nightly', () => {
  it(`stores every nightly system × scenarios/default.yaml (one runner per mesh: mesh, unmeshed, baseline) in at most ${COMMITTED_BUDGET_BYTES} bytes committed (gzip-compressed) and ${RAW_BUDGET_BYTES} of raw JSON`, async () => {
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
    // What the nightly commits: the record gzip-compressed (record.json.gz, src/history/gzip-json-file.ts).
    const gz = gzipText(record);
    const committed = gz.length;
    // Git stores every file zlib-deflated ("blob <size>\0<content>"): what the repository grows by each night.
    const stored = deflateSync(Buffer.concat([Buffer.from(`blob ${committed}\0`), gz])).length;
    console.log(
      `${scenario.steps.length} steps × ${scenario.repetitions} repetitions: results.json ${Buffer.byteLength(full)} bytes; ` +
        `${RECORD_FILE_NAME} ${committed} bytes (${stored} as a git object), ${raw} bytes uncompressed`,
    );
    // 291 538 bytes in record schema 2; 251 520 since schema 3 (shared words in the string table, memory and CPU per
    // repetition in KiB and microcores, a one-role data plane's cost by reference, no cost per 1000 req/s for `other`);
    // 219 010 since schema 4 (merged histograms in dense-histogram.ts's encoding: 80 KB of them became about 46 KB);
    // 201 395 since schema 5 (a comparison's figures computed again from the record's columns, derived-comparisons.ts,
    // and no all-zero summaries of roles a step did not have).
    // Committed gzip-compressed (gzip -9): 201 395 → 85 664 bytes (as plain JSON, 85 798 as a git object).
    // The night's other files are counted in nightly-commits-one-night-within-its-budget.test.ts.
    expect(raw).toBeLessThanOrEqual(RAW_BUDGET_BYTES);
    expect(committed).toBeLessThanOrEqual(COMMITTED_BUDGET_BYTES);
    // Stored, all of it: read back, the record holds every system, step and repetition of the night.
    const file = `/night/${RECORD_FILE_NAME}`;
    const back = (await readRun(file, { fs: new MemoryFileSystem({ [file]: gz }) })).record;
    expect(back.systems.map((s) => s.id)).toEqual(merged.systems.map((s) => s.id));
    expect(back.systems.map((s) => s.steps.map((st) => [st.name, st.repetitions.repetition, st.repetitions.status, st.repetitions.throughput]))).toEqual(
      merged.systems.map((s) => s.steps.map((st) => [st.name, st.repetitions.map((r) => r.repetition), st.repetitions.map((r) => r.status), st.repetitions.map((r) => r.throughput)])),
    );
    expect(committed * 2).toBeLessThan(raw);
    // Per-repetition histograms and per-container samples stay in the artefact: the record is a small fraction of it.
    expect(raw * 10).toBeLessThan(Buffer.byteLength(full));
  }, 120_000);
});
