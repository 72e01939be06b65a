import { join } from 'node:path';
import type { FileSystem } from '../core/deps.js';
import { InputError } from '../core/errors.js';
import { COMPARE_REPORT_FILE_NAME } from '../compare/compare-report.js';
import { parseCompare, readCompareJson } from '../compare/night-comparison-section.js';
import { RESULT_FILE_NAME } from '../report/result-file.js';
import { readRun } from './read-run.js';
import { RECORD_FILE_NAME } from './record-schema.js';
import { nightComparisonSchema, type HistoryInput, type HistoryRun } from './render-history.js';

/**
 * Every committed run under a results directory: each `<dir>/<run>/` holding a record.json (what the nightly
 * commits) or a results.json. A run directory that cannot be read (invalid, another schema version, a bad
 * compare.json) is listed in `skipped` with the reason, shown in the README, never silently dropped; directories
 * holding neither file (calibration/, charts/) are not runs. A results directory that cannot be listed is bad input.
 */
export async function readHistory(dir: string, deps: { fs: FileSystem }): Promise<HistoryInput> {
  const probe = await deps.fs.probe(dir);
  if (probe.kind !== 'directory') {
    throw InputError.single('--results', '', `${dir} is ${probe.kind === 'missing' ? 'missing' : 'not a directory'}: give the directory of committed runs (e.g. results/)`);
  }
  const entries = [...(await deps.fs.readdir(dir))].sort();
  const runs: HistoryRun[] = [];
  const skipped: string[] = [];
  for (const entry of entries) {
    const runDir = join(dir, entry);
    if ((await deps.fs.probe(runDir)).kind !== 'directory') continue;
    // The record first: it is what is committed, and reading it does not decode every repetition's histograms.
    const record = join(runDir, RECORD_FILE_NAME);
    const full = join(runDir, RESULT_FILE_NAME);
    const file = (await deps.fs.exists(record)) ? record : (await deps.fs.exists(full)) ? full : null;
    if (file === null) continue;
    try {
      const read = await readRun(file, deps);
      runs.push({ dir: entry, record: read.record, compare: await readCompare(join(runDir, COMPARE_REPORT_FILE_NAME), deps.fs) });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      skipped.push(`${entry}: ${error.message.split('\n', 1)[0] ?? ''}`);
    }
  }
  return { runs, skipped };
}

async function readCompare(file: string, fs: FileSystem): Promise<HistoryRun['compare']> {
  const data = await readCompareJson(file, fs);
  return data === null ? null : parseCompare(file, data, nightComparisonSchema);
}
