import { join } from 'node:path';
import type { FileSystem } from '../core/deps.js';
import { InputError } from '../core/errors.js';
import { firstExistingIn } from '../core/input-file.js';
import { RESULT_FILE_NAME } from '../report/result-file.js';
import { readRun } from '../history/read-run.js';
import { RECORD_FILE_NAMES, type RunRecord } from '../history/record-schema.js';

/**
 * Reading what `bench compare` compares: a results.json, a compact record, or a run directory holding one, through
 * src/history/read-run.ts, which reads either kind as a record (a full result is read, checked, then made into its
 * record: compare needs per-repetition numbers, not histograms). Every problem is an InputError naming the file and
 * the field (exit 2), raised before anything is written; a file of another schema version is one line naming
 * `schemaVersion`.
 */
export async function readCompareInput(path: string, deps: { fs: FileSystem }): Promise<RunRecord> {
  return (await readRun(path, deps)).record;
}

/**
 * The earlier runs under a history directory (`results/`): every `<dir>/<run>/` holding a results.json or a record
 * (record.json.gz, or an older night's record.json). A
 * run that cannot be used (unreadable, another schema version, inconsistent) is skipped and named with the reason,
 * never guessed at: the noise floor only gets less certain without it. A history directory that cannot be listed is
 * bad input.
 */
export async function readHistory(dir: string, deps: { fs: FileSystem }): Promise<{ runs: RunRecord[]; skipped: string[] }> {
  const probe = await deps.fs.probe(dir);
  if (probe.kind !== 'directory') {
    throw InputError.single('--history', '', `${dir} is ${probe.kind === 'missing' ? 'missing' : 'not a directory'}: give the directory of committed runs (e.g. results/)`);
  }
  let entries: string[];
  try {
    entries = await deps.fs.readdir(dir);
  } catch (error) {
    throw InputError.single('--history', '', `${dir} cannot be listed (${error instanceof Error ? error.message : String(error)})`);
  }
  const runs: RunRecord[] = [];
  const skipped: string[] = [];
  for (const entry of [...entries].sort()) {
    const runDir = join(dir, entry);
    if ((await firstExistingIn(runDir, [RESULT_FILE_NAME, ...RECORD_FILE_NAMES], deps.fs)) === null) continue;
    try {
      runs.push(await readCompareInput(runDir, deps));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const [first, ...more] = error.problems;
      const file = first && first.source.startsWith(`${runDir}/`) ? first.source.slice(dir.length).replace(/^\/+/, '') : entry;
      const what = first ? (first.field ? `${first.field}: ${first.message}` : first.message) : error.message;
      skipped.push(`${file}: ${what}${more.length ? ` (and ${more.length} more problems)` : ''}`);
    }
  }
  return { runs, skipped };
}
