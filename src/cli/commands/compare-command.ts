import { dirname } from 'node:path';
import type { FileSystem } from '../../core/deps.js';
import { ExitCode, InputError, type ExitCodeValue } from '../../core/errors.js';
import { compareRuns, serializeCompareReport, type CompareInput } from '../../compare/compare-runs.js';
import { compactCompareReport, serializeCompactCompareReport } from '../../compare/compact-report.js';
import { resolveGate, type GateFlags } from '../../compare/gate-flags.js';
import { readCompareInput, readHistory } from '../../compare/read-inputs.js';
import { renderCompactMarkdown } from '../../compare/render-compact-markdown.js';
import { renderCompareMarkdown } from '../../compare/render-compare-markdown.js';
import { checkSameScenario } from '../../compare/scenario-match.js';
import { writeJsonText } from '../../history/gzip-json-file.js';
import { checkOutputDir } from '../../report/output-location.js';
import type { CliIo } from '../io.js';

export interface CompareFlags extends GateFlags {
  /** `a,b`: compare system b against system a of one run. */
  systems?: string;
  history?: string;
  out?: string;
  json?: string;
  /**
   * The compact JSON a run directory keeps (`compare.json.gz` beside a night's record; src/compare/compact-report.ts).
   * Like --json, written gzip-compressed when the path ends in `.gz` (src/history/gzip-json-file.ts).
   */
  compactJson?: string;
  /** The markdown of the compact JSON (`compare.md` beside a night's record). */
  compactOut?: string;
}

export interface CompareCommandInput {
  /** One path with --systems, or two (old, new): results files or run directories. */
  paths: readonly string[];
  flags: CompareFlags;
  deps: { fs: FileSystem; cwd: string };
  io: CliIo;
}

/**
 * `bench compare <old> <new>` or `bench compare <run> --systems a,b`. Everything is read and checked before anything is
 * written: bad input exits 2 with one line naming the file (or flag) and the field, and writes nothing. Then the
 * markdown goes to stdout (or --out), the JSON to --json, and the compact pair a night commits (src/compare/
 * compact-report.ts) to --compact-json and --compact-out; exit 5 when a row is a regression, else 0. A JSON output
 * whose path ends in `.gz` is written gzip-compressed (the nightly commits `compare.json.gz`), any other as text.
 */
export async function compareCommand(input: CompareCommandInput): Promise<ExitCodeValue> {
  const { paths, flags, deps, io } = input;
  const gate = resolveGate(flags);
  const systems = flags.systems === undefined ? null : parseSystems(flags.systems);
  if (systems && paths.length !== 1) {
    throw InputError.single('--systems', '', 'compares two systems of ONE run: give one results file, not two');
  }
  if (!systems && paths.length !== 2) {
    throw InputError.single('<new>', '', 'missing: give <old> and <new> results, or one results file with --systems a,b');
  }
  const outputs = [
    ['--out', flags.out],
    ['--json', flags.json],
    ['--compact-json', flags.compactJson],
    ['--compact-out', flags.compactOut],
  ] as const;
  for (const [flag, path] of outputs) {
    if (path !== undefined) await checkOutputFile(flag, path, deps);
  }
  outputs.forEach(([flag, path], i) => {
    const earlier = outputs.slice(0, i).find(([, other]) => other !== undefined && other === path);
    if (path !== undefined && earlier) throw InputError.single(flag, '', `must not be the same file as ${earlier[0]}`);
  });

  const readHistoryFlag = async () => (flags.history !== undefined ? await readHistory(flags.history, deps) : null);
  let compareInput: CompareInput;
  if (systems) {
    const path = paths[0] ?? '';
    const run = await readCompareInput(path, deps);
    const ids = run.systems.map((s) => s.id);
    for (const id of systems) {
      if (!ids.includes(id)) throw InputError.single('--systems', '', `${id} is not a system of ${path} (it has: ${ids.join(', ')})`);
    }
    const [oldSystem, newSystem] = systems;
    const history = await readHistoryFlag();
    compareInput = { mode: 'systems', oldLabel: path, newLabel: path, oldRun: run, newRun: run, pairs: [{ oldSystem, newSystem }], history, gate };
  } else {
    const [oldPath, newPath] = [paths[0] ?? '', paths[1] ?? ''];
    const oldRun = await readCompareInput(oldPath, deps);
    const newRun = await readCompareInput(newPath, deps);
    checkSameScenario(oldRun, oldPath, newRun, newPath);
    // The history after the inputs: a mistake in them is reported before a year of runs is read.
    const history = await readHistoryFlag();
    compareInput = { mode: 'runs', oldLabel: oldPath, newLabel: newPath, oldRun, newRun, history, gate };
  }

  const report = compareRuns(compareInput);
  const markdown = renderCompareMarkdown(report);
  const compact = compactCompareReport(report);
  // The JSON outputs gzip-compressed when their path ends in `.gz`; the markdown always as text.
  const written: Array<[string | undefined, () => string, 'json' | 'text']> = [
    [flags.json, () => serializeCompareReport(report), 'json'],
    [flags.out, () => markdown, 'text'],
    [flags.compactJson, () => serializeCompactCompareReport(compact), 'json'],
    [flags.compactOut, () => renderCompactMarkdown(compact), 'text'],
  ];
  // Their directories may not exist yet (checkOutputFile accepted a writable ancestor): created only now, at the end.
  for (const [path, content, form] of written) {
    if (path === undefined) continue;
    await deps.fs.mkdir(dirname(path));
    if (form === 'json') await writeJsonText(path, content(), deps.fs);
    else await deps.fs.writeFileAtomic(path, content());
  }
  if (flags.out === undefined) io.out(markdown);
  // With --out, every file written is named, one a line: the markdown first, as before.
  else for (const path of [flags.out, flags.json, flags.compactJson, flags.compactOut]) if (path !== undefined) io.out(`${path}\n`);
  io.err(
    report.outcome === 'regression'
      ? `compare: ${report.regressions} ${report.regressions === 1 ? 'regression' : 'regressions'} (exit 5)\n`
      : report.outcome === 'not-judged'
        ? 'compare: not judged (see the outcome line)\n'
        : 'compare: no regression\n',
  );
  return report.outcome === 'regression' ? ExitCode.regression : ExitCode.ok;
}

function parseSystems(value: string): [string, string] {
  const ids = value.split(',').map((s) => s.trim());
  const [a, b] = ids;
  if (ids.length !== 2 || !a || !b) throw InputError.single('--systems', '', `give two system ids, old first: --systems a,b (got ${JSON.stringify(value)})`);
  if (a === b) throw InputError.single('--systems', '', `the two systems must differ (got ${a} twice)`);
  return [a, b];
}

/** An output file's directory must be writable and the path not a directory: checked before anything is read. */
async function checkOutputFile(flag: string, path: string, deps: { fs: FileSystem; cwd: string }): Promise<void> {
  if (path.trim() === '') throw InputError.single(flag, '', 'must not be empty');
  const probe = await deps.fs.probe(path);
  if (probe.kind === 'directory' || probe.kind === 'other') throw InputError.single(flag, '', `${path} is not a file`);
  await checkOutputDir(flag, dirname(path), deps);
}
