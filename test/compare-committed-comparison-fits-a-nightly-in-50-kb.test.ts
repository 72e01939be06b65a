import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compactCompareReport, compactCompareReportSchema, serializeCompactCompareReport } from '../src/compare/compact-report.js';
import { compareRuns, serializeCompareReport } from '../src/compare/compare-runs.js';
import { DEFAULT_GATE } from '../src/compare/gate-flags.js';
import { renderCompactMarkdown } from '../src/compare/render-compact-markdown.js';
import { renderCompareMarkdown } from '../src/compare/render-compare-markdown.js';
import { COMPARE_REPORT_FILE_NAME } from '../src/compare/compare-report.js';
import { gzipText } from '../src/history/gzip-json-file.js';
import { makeRecord } from '../src/history/make-record.js';
import type { RunRecord } from '../src/history/record-schema.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { mergedNight, NIGHTLY_MESHES } from './helpers/nightly-merge-fixture.js';
import { perRunnerRun } from './helpers/per-runner-run-factory.js';

const DEFAULT_SCENARIO = fileURLToPath(new URL('../scenarios/default.yaml', import.meta.url));
const CPUS = ['AMD EPYC 7763 64-Core Processor', 'AMD EPYC 9V74 80-Core Processor', 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz'];
const REGRESSING = 'istio-ambient';
/** The compact comparison's JSON as committed (gzip-compressed): what it reached, rounded up to the next KB. */
const COMMITTED_JSON_BUDGET_BYTES = 6_000;

/**
 * One merged night of the nightly matrix on `scenarios/default.yaml` (every mesh on its own runner with its unmeshed
 * namespace and a baseline beside it), as a compact record. Each night draws its own repetition-to-repetition noise
 * (the seed), so night-to-night changes are real figures, not zeros; `slower` multiplies one mesh's latency.
 */
function night(day: string, slower: { mesh: string; factor: number } | null = null): RunRecord {
  const scenario = parseScenario(readFileSync(DEFAULT_SCENARIO, 'utf8'), 'scenarios/default.yaml', 4);
  const runs = NIGHTLY_MESHES.map((mesh, i) =>
    perRunnerRun({
      mesh,
      p50Us: { baseline: 300 + 7 * i, unmeshed: 305 + 7 * i, mesh: Math.round((360 + 25 * i) * (slower?.mesh === mesh ? slower.factor : 1)) },
      hostname: `fv-az${410 + i}-77`,
      cpuModel: CPUS[i % CPUS.length]!,
      createdAt: `${day}T02:${String(20 + i).padStart(2, '0')}:00.000Z`,
      seed: 100 + i + 31 * Number(day.slice(-2)),
      strata: 40,
      scenario,
    }),
  );
  return makeRecord(mergedNight(runs));
}

describe('the comparison a nightly commits', () => {
  it('a full nightly (every mesh, its unmeshed namespace and baseline, 4 steps, every role) commits at most 50 KB of comparison; the full one goes to the artefact', () => {
    const history = ['2026-11-27', '2026-11-28', '2026-11-29'].map((d) => night(d));
    const oldRun = history.at(-1)!;
    const newRun = night('2026-11-30', { mesh: REGRESSING, factor: 1.4 });
    const full = compareRuns({ mode: 'runs', oldLabel: 'old', newLabel: 'new', oldRun, newRun, history: { runs: history, skipped: [] }, gate: DEFAULT_GATE });
    // Every system of the night, every step of the scenario, latency, throughput and memory and CPU per role.
    expect(full.pairs).toHaveLength(3 * NIGHTLY_MESHES.length);
    expect(new Set(full.rows.map((r) => r.step)).size).toBe(4);
    expect(full.rows.some((r) => r.kind === 'memory') && full.rows.some((r) => r.kind === 'cpu')).toBe(true);
    expect(full.rows.length).toBeGreaterThan(1000);
    // The history gave a noise floor, and the slower mesh's latency regressed: a night with something to report.
    expect(full.rows.some((r) => r.noiseFloor.floor !== null)).toBe(true);
    expect(full.regressions).toBeGreaterThan(0);
    expect(full.rows.filter((r) => r.verdict === 'regression').every((r) => r.newSystem === REGRESSING)).toBe(true);

    const fullJson = serializeCompareReport(full);
    const fullMd = renderCompareMarkdown(full);
    const compact = compactCompareReport(full);
    const json = serializeCompactCompareReport(compact);
    const md = renderCompactMarkdown(compactCompareReportSchema.parse(JSON.parse(json)));
    const bytes = (s: string): number => Buffer.byteLength(s);
    // The JSON is committed gzip-compressed (compare.json.gz, src/history/gzip-json-file.ts); its markdown goes into
    // the night's report.md (night-comparison-section.ts) as text.
    const gz = gzipText(json);
    // Git stores every file zlib-deflated ("blob <size>\0<content>"): what the repository grows by.
    const stored = (b: Uint8Array): number => deflateSync(Buffer.concat([Buffer.from(`blob ${b.length}\0`), b])).length;
    console.log(
      `${full.rows.length} rows, ${full.regressions} regressions: full compare.json ${bytes(fullJson)} B + compare.md ${bytes(fullMd)} B; ` +
        `committed ${COMPARE_REPORT_FILE_NAME} ${gz.length} B (${bytes(json)} B uncompressed; ${stored(gz)} B as a git object) + compare.md ${bytes(md)} B (${stored(Buffer.from(md))} B)`,
    );
    expect(gz.length + bytes(md)).toBeLessThanOrEqual(50_000);
    expect(gz.length).toBeLessThanOrEqual(COMMITTED_JSON_BUDGET_BYTES);
    expect(bytes(json)).toBeLessThanOrEqual(30_000);
    expect(bytes(md)).toBeLessThanOrEqual(30_000);
    // The full report is what the artefact keeps: many times the committed pair.
    expect(bytes(json) * 20).toBeLessThan(bytes(fullJson));
    // What the night's regressions are, whole, and every latency and throughput row, are in the committed pair.
    const regressions = full.rows.filter((r) => r.verdict === 'regression');
    expect(compact.rows.filter((r) => r.verdict === 'regression')).toHaveLength(regressions.length);
    expect(regressions).toMatchObject(compact.rows.filter((r) => r.verdict === 'regression'));
    expect(compact.table.rows.length).toBeGreaterThanOrEqual(full.rows.filter((r) => r.kind === 'latency' || r.kind === 'throughput').length);
    expect(md).toContain(`**Outcome: ${full.regressions} regressions** (exit code 5).`);
  }, 180_000);
});
