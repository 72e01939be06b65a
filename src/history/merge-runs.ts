import { InputError } from '../core/errors.js';
import type { Comparison, Environment, MergedSource, Runner } from '../core/result-schema.js';
import type { ResolvedScenario } from '../core/scenario-types.js';
import { resultDirName } from '../report/result-file.js';
import { firstDifference } from './first-difference.js';

/** What merging reads from a run: a full result and a compact record both have it. */
export interface MergeableRun<S extends { id: string; runner?: Runner }> {
  runId: string;
  createdAt: string;
  finishedAt: string;
  status: 'completed' | 'failed' | 'interrupted';
  command: string[];
  scenario: ResolvedScenario;
  environment: Environment;
  reference: string | null;
  mergedFrom?: MergedSource[] | undefined;
  systems: S[];
  comparisons: Comparison[];
}

export interface MergeSource<R> {
  /** The file as given on the command line. */
  file: string;
  run: R;
  /** That runner's calibration verdict, when one was found beside the run (merge-command.ts). */
  calibration: Runner['calibration'];
}

const UNMESHED_SUFFIX = '/unmeshed';

/**
 * One run from several per-runner runs (issue 9, build 2). Nothing measured on one runner is ever subtracted from
 * something measured on another: every comparison is copied from the run that made it (each mesh against the
 * baseline cluster on its own runner, and against its own unmeshed namespace), and each source's reference system
 * appears once per source, renamed `<reference>@<the systems it was measured with>` so the reader knows which
 * runner it came from (a run of the reference alone keeps its id: referenceName). Each system carries its runner (CPU model, cores, kernel, calibration verdict).
 *
 * Pure and independent of the order the sources are given in (they are ordered by what they measured), so merging
 * the same files always gives the same bytes. Refuses (InputError, exit 2) runs of different scenarios or schema
 * versions, a system measured in two sources, and runs that were already merged.
 */
export function mergeRuns<S extends { id: string; runner?: Runner }, R extends MergeableRun<S>>(
  sources: ReadonlyArray<MergeSource<R>>,
): Omit<R, 'systems' | 'comparisons' | 'mergedFrom'> & { systems: S[]; comparisons: Comparison[]; mergedFrom: MergedSource[] } {
  if (sources.length === 0) throw InputError.single('bench merge', '', 'no runs to merge: give one or more results.json files, records or run directories');
  for (const s of sources) {
    if (s.run.mergedFrom) {
      throw InputError.single(s.file, 'mergedFrom', 'is already a merged run: merge the per-runner runs it was made from');
    }
  }
  const ordered = [...sources].sort((a, b) => compare(label(a.run), label(b.run)) || compare(a.run.runId, b.run.runId) || compare(a.file, b.file));
  const first = ordered[0]!;
  for (const s of ordered.slice(1)) {
    const diff = firstDifference(withoutSource(first.run.scenario), withoutSource(s.run.scenario), 'scenario');
    if (diff) {
      throw InputError.single(
        `${first.file}, ${s.file}`,
        diff.field,
        `the runs measured different scenarios (${diff.left} vs ${diff.right}): merge runs of one scenario only`,
      );
    }
  }

  const taken = new Map<string, string>();
  const mergedFrom: MergedSource[] = [];
  const systems: S[] = [];
  const comparisons: Comparison[] = [];
  for (const s of ordered) {
    const run = s.run;
    const rename = new Map<string, string>();
    for (const sys of run.systems) {
      const id = sys.id === run.reference ? uniqueName(referenceName(run, sys.id), taken) : sys.id;
      const other = taken.get(id);
      if (other !== undefined) {
        throw InputError.single(`${other}, ${s.file}`, 'systems', `both measured ${id}: merge runs of different systems, one per runner`);
      }
      taken.set(id, s.file);
      rename.set(sys.id, id);
    }
    const runner: Runner = {
      run: run.runId,
      hostname: run.environment.hostname,
      cpuModel: run.environment.cpuModel,
      cores: run.environment.cores,
      kernel: run.environment.kernel,
      calibration: s.calibration,
    };
    for (const sys of run.systems) systems.push({ ...sys, id: rename.get(sys.id) ?? sys.id, runner });
    for (const c of run.comparisons) {
      comparisons.push({ ...c, reference: rename.get(c.reference) ?? c.reference, system: rename.get(c.system) ?? c.system });
    }
    mergedFrom.push({ file: s.file, runId: run.runId, createdAt: run.createdAt, systems: Object.fromEntries(rename) });
  }

  const createdAt = ordered.map((s) => s.run.createdAt).sort()[0] ?? first.run.createdAt;
  const finishedAt = ordered.map((s) => s.run.finishedAt).sort().at(-1) ?? first.run.finishedAt;
  const statuses = ordered.map((s) => s.run.status);
  const firstReference = first.run.reference === null ? null : (mergedFrom[0]?.systems[first.run.reference] ?? null);
  const { systems: _s, comparisons: _c, mergedFrom: _m, ...rest } = first.run;
  return {
    ...rest,
    runId: `${resultDirName(new Date(createdAt), first.run.scenario.name)}-merged`,
    createdAt,
    finishedAt,
    status: statuses.includes('failed') ? 'failed' : statuses.includes('interrupted') ? 'interrupted' : 'completed',
    command: ['bench', 'merge', ...ordered.map((s) => s.file)],
    // The first source's machine; each system's own runner is in its `runner`.
    environment: first.run.environment,
    reference: firstReference,
    mergedFrom,
    systems,
    comparisons,
  };
}

/**
 * The merged name of a source's reference system: `baseline@istio-ambient` when the run measured systems beside it.
 * A run of the reference alone (the nightly's `baseline` job) keeps the plain id, so night after night the same system
 * carries the same name and `bench compare` and `bench history` follow it (a name made from the run's id would be new
 * every night); a second such run in one merge becomes `baseline#2`.
 */
function referenceName<S extends { id: string }>(run: { runId: string; reference: string | null; systems: S[] }, id: string): string {
  return measuredBesideReference(run).length > 0 ? `${id}@${label(run)}` : id;
}

function measuredBesideReference<S extends { id: string }>(run: { reference: string | null; systems: S[] }): string[] {
  return run.systems.map((s) => s.id).filter((id) => id !== run.reference && !id.endsWith(UNMESHED_SUFFIX));
}

/** What a run measured besides its reference, e.g. `istio-ambient`: names the runner its baseline came from. */
function label<S extends { id: string }>(run: { runId: string; reference: string | null; systems: S[] }): string {
  const measured = measuredBesideReference(run);
  return measured.length > 0 ? measured.join('+') : run.runId;
}

function uniqueName(name: string, taken: ReadonlyMap<string, string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) if (!taken.has(`${name}#${n}`)) return `${name}#${n}`;
}

/** The scenario file's path is where it was read from, not what it asked for: runners may check out elsewhere. */
function withoutSource(s: ResolvedScenario): Omit<ResolvedScenario, 'source'> {
  const { source: _source, ...rest } = s;
  return rest;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
