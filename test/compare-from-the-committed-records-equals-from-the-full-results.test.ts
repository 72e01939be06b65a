import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result-schema.js';
import { compareRuns } from '../src/compare/compare-runs.js';
import { DEFAULT_GATE } from '../src/compare/gate-flags.js';
import { writeJsonText } from '../src/history/gzip-json-file.js';
import { makeRecord, serializeRecord } from '../src/history/make-record.js';
import { readRun } from '../src/history/read-run.js';
import { RECORD_FILE_NAME } from '../src/history/record-schema.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { mergedNight, nightlyRunnerRuns } from './helpers/nightly-merge-fixture.js';

/**
 * What the nightly commits of a night is its record.json.gz (the full results.json goes to the artefact), and the next
 * night's `bench compare` reads that record: the figures the record rounds (7 significant digits, memory per
 * repetition to the KiB, CPU to the microcore) and the histograms it stores densely must change no row of the
 * comparison: the same verdicts, changes, intervals and p-values as from the two full results.
 */
describe('bench compare from two committed records', () => {
  it('gives the same report, row for row, as from the two full results.json, on a night with a regression', async () => {
    const meshes = ['istio', 'istio-ambient', 'linkerd'];
    const nights: RunResult[] = [
      mergedNight(nightlyRunnerRuns({ night: '2026-11-29', strata: 200, meshes, seed: 100 })),
      mergedNight(nightlyRunnerRuns({ night: '2026-11-30', strata: 200, meshes, seed: 200, slower: { mesh: 'istio-ambient', factor: 1.2 } })),
    ];
    const fs = new MemoryFileSystem();
    for (const n of nights) {
      await fs.mkdir(`/full/${n.runId}`);
      await fs.writeFileAtomic(`/full/${n.runId}/results.json`, JSON.stringify(n));
      await fs.mkdir(`/committed/${n.runId}`);
      await writeJsonText(`/committed/${n.runId}/${RECORD_FILE_NAME}`, serializeRecord(makeRecord(n)), fs);
    }
    const read = async (root: string): Promise<Parameters<typeof compareRuns>[0]> => {
      const [oldRun, newRun] = await Promise.all(nights.map(async (n) => (await readRun(`${root}/${n.runId}`, { fs })).record));
      return { mode: 'runs', oldLabel: 'old', newLabel: 'new', oldRun: oldRun!, newRun: newRun!, history: null, gate: DEFAULT_GATE };
    };
    const fromFull = compareRuns(await read('/full'));
    const fromRecords = compareRuns(await read('/committed'));
    expect(fromFull.rows.length).toBeGreaterThan(0);
    expect(fromFull.rows.some((r) => r.verdict === 'regression')).toBe(true);
    expect(fromRecords.rows.map((r) => r.verdict)).toEqual(fromFull.rows.map((r) => r.verdict));
    expect(fromRecords).toEqual(fromFull);
  }, 120_000);
});
