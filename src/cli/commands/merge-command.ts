import { join } from 'node:path';
import type { FileSystem } from '../../core/deps.js';
import { ExitCode, InputError, type ExitCodeValue } from '../../core/errors.js';
import type { RunResult, SystemResult } from '../../core/result-schema.js';
import { writeJsonText } from '../../history/gzip-json-file.js';
import { makeRecord, serializeRecord } from '../../history/make-record.js';
import { mergeRuns, type MergeSource } from '../../history/merge-runs.js';
import { readRun, resolveRunFile, resultSchemaVersionOf } from '../../history/read-run.js';
import { RECORD_FILE_NAME } from '../../history/record-schema.js';
import { runnerCalibration } from '../../history/runner-calibration.js';
import { checkOutputDir } from '../../report/output-location.js';
import { writeRunResult } from '../../report/result-file.js';
import type { CliIo } from '../io.js';

/**
 * `bench merge <run>… --out <dir>`: one run directory (results.json, record.json.gz, report.md) from per-runner runs
 * (src/history/merge-runs.ts says what is kept apart). Every input is read and checked, and --out checked, before
 * anything is created: runs of different schema versions or scenarios, a system in two runs, or an unreadable file
 * exit 2 with one line naming the files and the field, and nothing is written. The compact record, which the nightly
 * commits, is written gzip-compressed (src/history/gzip-json-file.ts).
 */
export async function mergeCommand(p: {
  inputs: readonly string[];
  outDir: string;
  deps: { fs: FileSystem; cwd: string };
  io: CliIo;
}): Promise<ExitCodeValue> {
  const { fs } = p.deps;
  if (p.inputs.length === 0) throw InputError.single('bench merge', '', 'no runs to merge: give results.json files or run directories');
  const files: string[] = [];
  for (const input of p.inputs) files.push(await resolveRunFile(input, fs));

  // Versions first: two runs of different schema versions get one line naming both, not a schema error for one.
  const versions = await Promise.all(files.map(async (f) => ({ file: f, version: await resultSchemaVersionOf(f, fs) })));
  const odd = versions.find((v) => v.version !== versions[0]!.version);
  if (odd) {
    const first = versions[0]!;
    throw InputError.single(
      `${first.file}, ${odd.file}`,
      'schemaVersion',
      `the runs have different results schema versions (${JSON.stringify(first.version)} vs ${JSON.stringify(odd.version)}): merge runs of one version`,
    );
  }

  const sources: Array<MergeSource<RunResult>> = [];
  const notes: string[] = [];
  for (const file of files) {
    const read = await readRun(file, p.deps);
    if (!read.full) {
      throw InputError.single(
        file,
        'kind',
        `is a compact record: merging writes a full results.json, so it needs each runner's results.json (the workflow's artefacts)`,
      );
    }
    const found = await runnerCalibration(file, read.full.environment.hostname, fs);
    notes.push(...found.notes);
    sources.push({ file, run: read.full, calibration: found.calibration });
  }
  const merged: RunResult = mergeRuns<SystemResult, RunResult>(sources);

  const parent = await checkOutputDir('--out', p.outDir, p.deps);
  const dir = await freshDir(join(parent, merged.runId), fs);
  const { jsonPath, reportPath } = await writeRunResult(dir, merged, { fs }, { charts: true });
  const recordPath = join(dir, RECORD_FILE_NAME);
  await writeJsonText(recordPath, serializeRecord(makeRecord(merged)), fs);
  for (const note of notes) p.io.err(`note: ${note}\n`);
  p.io.out(`${jsonPath}\n${recordPath}\n${reportPath}\n`);
  return ExitCode.ok;
}

/** Created exclusively, like a run's directory: a second merge in the same second gets `-2`. */
async function freshDir(base: string, fs: FileSystem): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (await fs.mkdirExclusive(candidate)) return candidate;
  }
}
