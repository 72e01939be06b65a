import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makeRecord, serializeRecord } from '../src/history/make-record.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { mergedNight, nightlyRunnerRuns } from './helpers/nightly-merge-fixture.js';

const DEFAULT_SCENARIO = fileURLToPath(new URL('../scenarios/default.yaml', import.meta.url));

describe('the compact record of a nightly', () => {
  it('stores nine systems × scenarios/default.yaml (8 runners: mesh, unmeshed, baseline) in at most 300 KB of raw JSON', () => {
    // The shipped nightly scenario, so the budget follows its steps and repetitions (4-vCPU runners, as the nightly's).
    const scenario = parseScenario(readFileSync(DEFAULT_SCENARIO, 'utf8'), 'scenarios/default.yaml', 4);
    const merged = mergedNight(nightlyRunnerRuns({ strata: 2000, scenario }));
    expect(merged.systems).toHaveLength(24);
    expect(merged.systems.every((s) => s.steps.length === scenario.steps.length && s.steps.every((st) => st.repetitions.length === scenario.repetitions))).toBe(true);
    expect(scenario.repetitions).toBeGreaterThanOrEqual(5);
    const full = JSON.stringify(merged, null, 2);
    const record = serializeRecord(makeRecord(merged));
    const raw = Buffer.byteLength(record);
    // Git stores every file zlib-deflated ("blob <size>\0<content>"): what the repository grows by each night.
    const stored = deflateSync(`blob ${raw}\0${record}`).length;
    console.log(`${scenario.steps.length} steps × ${scenario.repetitions} repetitions: results.json ${Buffer.byteLength(full)} bytes; record.json ${raw} bytes, ${stored} bytes as a git object`);
    expect(raw).toBeLessThanOrEqual(300_000);
    expect(stored).toBeLessThan(raw);
    // Per-repetition histograms and per-container samples stay in the artefact: the record is a small fraction of it.
    expect(raw * 10).toBeLessThan(Buffer.byteLength(full));
  }, 120_000);
});
