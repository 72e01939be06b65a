import { join } from 'node:path';
import type { z } from 'zod';
import type { FileSystem } from '../core/deps.js';
import { InputError, type InputProblem } from '../core/errors.js';
import { fieldPath, readInputFile } from '../core/input-file.js';
import { RESULT_SCHEMA_VERSION, runResultSchema, type RunResult } from '../core/result-schema.js';
import { renderMarkdown } from './render-markdown.js';
import { CHARTS_DIR, renderChartFiles } from './charts/report-charts.js';
import type { ReportRun } from './report-input.js';
import { resultProblems } from './result-consistency.js';

export const RESULT_FILE_NAME = 'results.json';
export const REPORT_FILE_NAME = 'report.md';
const RUN_KIND = 'mesh-bench/run';

/**
 * The directory name of one run: UTC creation time to the second, then the scenario name, e.g.
 * `2026-11-21T05-49-00Z-smoke`. Colons are replaced (Windows and some tools reject them); names sort by time.
 */
export function resultDirName(createdAt: Date, scenarioName: string): string {
  const stamp = createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '-');
  const name = scenarioName
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return name === '' ? stamp : `${stamp}-${name}`;
}

/**
 * Writes `results.json` then `report.md` into `dir`, each atomically, and with `charts: true` the report's SVG charts
 * into `dir/charts/` last (drawing them takes a second or two: the run asks for them once, at the end, not on every
 * save after a repetition). The report is rendered from the JSON text parsed back, so it is provably a function of
 * what is on disk. A result that fails the schema is a bug in the harness: nothing is written and the error is thrown
 * as is (an internal error, not bad input).
 */
export async function writeRunResult(
  dir: string,
  result: RunResult,
  deps: { fs: FileSystem },
  options: { charts?: boolean } = {},
): Promise<{ jsonPath: string; reportPath: string }> {
  const checked = runResultSchema.safeParse(result, { reportInput: true });
  if (!checked.success) {
    const problems = checked.error.issues.map((i) => `${fieldPath(i.path) || '(root)'}: ${describeIssue(i)}`);
    throw new Error(`refusing to write an invalid run result (a harness bug):\n${problems.join('\n')}`, {
      cause: checked.error,
    });
  }
  const json = `${JSON.stringify(checked.data, null, 2)}\n`;
  const written = runResultSchema.parse(JSON.parse(json));
  const report = renderMarkdown(written);
  const jsonPath = join(dir, RESULT_FILE_NAME);
  const reportPath = join(dir, REPORT_FILE_NAME);
  await deps.fs.mkdir(dir);
  await deps.fs.writeFileAtomic(jsonPath, json);
  await deps.fs.writeFileAtomic(reportPath, report);
  if (options.charts) await writeChartFiles(dir, written, deps);
  return { jsonPath, reportPath };
}

/**
 * Draws the charts report.md links to and writes each atomically under `dir` (the report's directory): the same
 * paths the report names, so `bench report`, the run and `bench merge` all leave a report whose images exist.
 */
export async function writeChartFiles(dir: string, result: ReportRun, deps: { fs: FileSystem }): Promise<string[]> {
  const files = await renderChartFiles(result);
  if (files.length > 0) await deps.fs.mkdir(join(dir, CHARTS_DIR));
  for (const f of files) await deps.fs.writeFileAtomic(join(dir, f.path), f.svg);
  return files.map((f) => join(dir, f.path));
}

/** Reads and validates a results file. Every problem is an InputError naming the file and the field. */
export async function readRunResult(path: string, deps: { fs: FileSystem }): Promise<RunResult> {
  return parseRunResult(await readInputFile(path, deps.fs), path);
}

/** Parses and validates the text of a results file read from `path` (which every problem names). */
export function parseRunResult(text: string, path: string): RunResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw InputError.single(path, '', `not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw InputError.single(path, '', `not a mesh-bench run result (expected a JSON object, got ${typeName(data)})`);
  }
  // Checked before the schema so another file, or another version's result, gets one clear line, not fifty.
  const record = data as Record<string, unknown>;
  if (record['kind'] === 'mesh-bench/record') {
    // A compact record (src/history/record-schema.ts) is read by src/history/read-run.ts, which the commands use.
    throw InputError.single(path, 'kind', 'is a compact record, not a full results.json (the workflow\'s artefact has it)');
  }
  if (record['kind'] !== RUN_KIND) {
    const got = 'kind' in record ? `kind is ${JSON.stringify(record['kind'])}` : 'no kind field';
    throw InputError.single(path, 'kind', `not a mesh-bench run result (${got}, expected "${RUN_KIND}")`);
  }
  if (record['schemaVersion'] !== RESULT_SCHEMA_VERSION) {
    const v = record['schemaVersion'];
    const message =
      v === undefined
        ? `missing (this harness reads schema version ${RESULT_SCHEMA_VERSION})`
        : `unsupported schema version ${typeof v === 'number' ? v : JSON.stringify(v)} ` +
          `(this harness reads ${RESULT_SCHEMA_VERSION})`;
    throw InputError.single(path, 'schemaVersion', message);
  }
  const parsed = runResultSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues.map(
        (issue): InputProblem => ({ source: path, field: fieldPath(issue.path), message: describeIssue(issue) }),
      ),
    );
  }
  // Well-formed is not enough: histograms must decode, systems appear once, counts and rates agree.
  const inconsistent = resultProblems(parsed.data, path);
  if (inconsistent.length) throw new InputError(inconsistent);
  return parsed.data;
}

type Issue = z.core.$ZodIssue;

/** A short message for one schema issue (zod's own messages lead with `Invalid input:` and name JS types). */
export function describeIssue(issue: Issue): string {
  const missing = !('input' in issue) || issue.input === undefined;
  switch (issue.code) {
    case 'invalid_type':
      if (missing) return `missing (expected ${expectedType(issue.expected)})`;
      return `expected ${expectedType(issue.expected)}, got ${describeValue(issue.input)}`;
    case 'invalid_value': {
      const expected = issue.values.map((v) => JSON.stringify(v)).join(', ');
      if (missing) return `missing (expected ${expected})`;
      return `expected ${issue.values.length > 1 ? 'one of ' : ''}${expected}, got ${describeValue(issue.input)}`;
    }
    case 'too_small':
      return bound(issue.origin, issue.inclusive ?? true, Number(issue.minimum), 'small');
    case 'too_big':
      return bound(issue.origin, issue.inclusive ?? true, Number(issue.maximum), 'big');
    case 'unrecognized_keys':
      return `unknown ${plural(issue.keys.length, 'field')} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_format':
      return issue.message.replace(/^Invalid string: /, '');
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

function bound(origin: string, inclusive: boolean, limit: number, side: 'small' | 'big'): string {
  switch (origin) {
    case 'array':
    case 'set':
      return `must have at ${side === 'small' ? 'least' : 'most'} ${limit} ${plural(limit, 'item')}`;
    case 'string':
      if (side === 'small') return limit === 1 ? 'must not be empty' : `must be at least ${limit} characters`;
      return `must be at most ${limit} ${plural(limit, 'character')}`;
    default:
      return `must be ${side === 'small' ? '>' : '<'}${inclusive ? '=' : ''} ${limit}`;
  }
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function expectedType(expected: string): string {
  return expected === 'int' ? 'an integer' : expected;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

