import { join } from 'node:path';
import type { FileSystem } from '../core/deps.js';
import { InputError } from '../core/errors.js';
import { firstExistingIn } from '../core/input-file.js';
import { nightComparisonFile, parseCompare, readCompareJson } from '../compare/night-comparison-section.js';
import { RESULT_FILE_NAME } from '../report/result-file.js';
import { readRun } from './read-run.js';
import { RECORD_FILE_NAMES } from './record-schema.js';
import { nightComparisonSchema, type HistoryInput, type HistoryRun } from './render-history.js';

/**
 * Every committed run under a results directory: each `<dir>/<run>/` holding a record.json.gz (what the nightly
 * commits; an older night's plain record.json) or a results.json. A run directory that cannot be read (invalid, another
 * schema version, a corrupt .gz, a bad compare.json.gz or compare.json) is listed in `skipped` with the reason, shown
 * in the README, never silently dropped; directories holding none of these files (calibration/, charts/) are not runs. A results directory that cannot be listed is bad input.
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
    const file = await firstExistingIn(runDir, [...RECORD_FILE_NAMES, RESULT_FILE_NAME], deps.fs);
    if (file === null) continue;
    try {
      const read = await readRun(file, deps);
      runs.push({ dir: entry, record: read.record, compare: await readCompare(runDir, deps.fs) });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      skipped.push(`${entry}: ${error.message.split('\n', 1)[0] ?? ''}`);
    }
  }
  return { runs, skipped };
}

/** The comparison beside a night's record (compare.json.gz, or an older night's compare.json), or null. */
async function readCompare(runDir: string, fs: FileSystem): Promise<HistoryRun['compare']> {
  const file = await nightComparisonFile(runDir, fs);
  const data = file === null ? null : await readCompareJson(file, fs);
  return file === null || data === null ? null : parseCompare(file, data, nightComparisonSchema);
}
