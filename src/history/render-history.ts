import { z } from 'zod';
import { TREND_MARKED_RUNS, TREND_RUNS, type TrendSeries } from '../report/charts/trend-chart.js';
import { formatBytes, formatDeltaEstimate, formatPValue, inlineCode, oneLine, table } from '../report/format.js';
import { runHeadline, type RunHeadline } from './headline.js';
import type { RunRecord } from './record-schema.js';

/**
 * What the history reads of a stored `bench compare` report (src/compare/compare-report.ts, `compare.json.gz`): the run
 * it compared with, the outcome, and each row's verdict and figures. Only these fields are checked, and others are
 * let through, so the history keeps reading reports that gained fields since.
 */
const rowSchema = z.object({
  oldSystem: z.string(),
  newSystem: z.string(),
  step: z.string(),
  metric: z.string(),
  unit: z.enum(['us', 'req/s', 'bytes', 'cores']),
  old: z.object({ median: z.number().nullable() }),
  new: z.object({ median: z.number().nullable() }),
  changeFraction: z.object({ value: z.number() }).nullable(),
  pValue: z.number().nullable(),
  verdict: z.string(),
  reason: z.string(),
});
export const nightComparisonSchema = z.object({
  kind: z.literal('mesh-bench/compare'),
  old: z.object({ runId: z.string() }),
  rows: z.array(rowSchema),
  regressions: z.number().int().nonnegative(),
  outcome: z.enum(['clean', 'regression', 'not-judged']),
});
export type NightComparison = z.infer<typeof nightComparisonSchema>;
type CompareRow = z.infer<typeof rowSchema>;

/** One committed run as the history reads it. */
export interface HistoryRun {
  /** The run's directory under the results directory, e.g. `2026-11-30T02-20-00Z-default-merged`. */
  dir: string;
  record: RunRecord;
  /** The nightly's `bench compare` against the night before, when it stored one beside the record. */
  compare: NightComparison | null;
}

export interface HistoryInput {
  runs: readonly HistoryRun[];
  /** Run directories that could not be read, each with the reason (shown, never silently dropped). */
  skipped: readonly string[];
}

/** Where the trend charts go, relative to the README. */
export const HISTORY_CHARTS = {
  addedP99: 'charts/history-added-p99.svg',
  dataPlaneMemory: 'charts/history-data-plane-memory.svg',
} as const;

export interface HistoryTrends {
  /** The scenario and headline step the trends follow (the newest run's); null without runs. */
  scope: { scenario: string; step: string; label: string } | null;
  addedP99: TrendSeries[];
  dataPlaneMemory: TrendSeries[];
}

/** Newest first: by creation time, then by directory name, so equal times still have one order. */
export function newestFirst(runs: readonly HistoryRun[]): HistoryRun[] {
  return [...runs].sort((a, b) => compare(b.record.createdAt, a.record.createdAt) || compare(b.dir, a.dir));
}

/**
 * Series for the trend charts: per measured system, its added p99 (µs, with interval) and data-plane memory (MiB) at
 * the headline step, over every run of the newest run's scenario that has that step. Runs of other scenarios measure
 * other things and stay out of the lines (they are in the table).
 */
export function historyTrends(input: HistoryInput): HistoryTrends {
  const runs = newestFirst(input.runs);
  const newest = runs[0];
  const scope = newest ? runHeadline(newest.record).step : null;
  if (!newest || !scope) return { scope: null, addedP99: [], dataPlaneMemory: [] };
  const latency = new Map<string, TrendSeries['points'][number][]>();
  const memory = new Map<string, TrendSeries['points'][number][]>();
  for (const run of [...runs].reverse()) {
    if (run.record.scenario.name !== newest.record.scenario.name) continue;
    const h = runHeadline(run.record);
    if (h.step?.name !== scope.name) continue;
    for (const s of h.systems) {
      if (s.addedP99) {
        const e = s.addedP99.estimate;
        push(latency, s.system, { date: run.record.createdAt, value: e.value, low: e.ci95[0], high: e.ci95[1] });
      }
      if (s.dataPlaneMemoryBytes !== null) push(memory, s.system, { date: run.record.createdAt, value: round(s.dataPlaneMemoryBytes / 1048576, 3) });
    }
  }
  const series = (m: Map<string, TrendSeries['points'][number][]>): TrendSeries[] =>
    [...m.keys()].sort().map((system) => ({ system, points: m.get(system) ?? [] }));
  return {
    scope: { scenario: newest.record.scenario.name, step: scope.name, label: scope.label },
    addedP99: series(latency),
    dataPlaneMemory: series(memory),
  };
}

/**
 * results/README.md: a pure function of the committed runs (their compact records and stored comparisons), so
 * `bench history` run twice over the same files writes the same bytes. Newest run first, one row each; then the trend
 * charts (drawn by the history command from historyTrends, at HISTORY_CHARTS); then the regressions each night's
 * comparison found.
 */
export function renderHistory(input: HistoryInput): string {
  const runs = newestFirst(input.runs);
  const trends = historyTrends(input);
  const out: string[] = [
    '# mesh-bench results',
    '',
    `Generated by ${inlineCode('bench history')} from every run committed under this directory (each run's ` +
      `${inlineCode('record.json.gz')}, gzip-compressed JSON that ${inlineCode('zcat <run>/record.json.gz | jq .')} reads, or an older run's ` +
      `${inlineCode('record.json')}; and the ${inlineCode('compare.json.gz')} the nightly stored beside it); do not edit by hand. ` +
      "Each run's own report is its directory's report.md.",
  ];
  if (runs.length === 0) {
    out.push('', 'No runs are committed yet.');
    return finish(out, input.skipped);
  }

  out.push(
    '',
    '## Runs, newest first',
    '',
    '*added p99*: at the headline step (the rate step nearest 1000 req/s), each mesh minus its own unmeshed namespace ' +
      'on the same cluster where that was measured, else minus the baseline measured on its own runner: the comparison ' +
      'the run itself made, median over repetitions with its 95% interval and p. *data-plane memory*: sidecar proxies, ' +
      'node agents and waypoints together, mean working set (median over repetitions) at the same step.',
    '',
    table(
      ['date (UTC)', 'run', 'scenario', 'harness commit', 'status', 'versions', 'added p99', 'data-plane memory', 'regressions'],
      sameVersionsAsAbove(runs.map((run) => runRow(run, runHeadline(run.record)))),
      ['l', 'l', 'l', 'l', 'l', 'l', 'l', 'l', 'l'],
    ),
  );

  out.push('', '## Trends', '');
  if (!trends.scope || (trends.addedP99.length === 0 && trends.dataPlaneMemory.length === 0)) {
    out.push('No run has an overhead or data-plane memory to follow yet.');
  } else {
    const nights = new Set(trends.addedP99.flatMap((s) => s.points.map((p) => p.date))).size;
    out.push(
      `Scenario ${inlineCode(trends.scope.scenario)}, step ${inlineCode(trends.scope.step)} (${trends.scope.label}), ` +
        `${nights} ${nights === 1 ? 'run' : 'runs'} with overheads; one line per system, bars are 95% intervals.` +
        (nights > TREND_MARKED_RUNS
          ? ` The charts draw the newest ${Math.min(nights, TREND_RUNS)} runs, with points and bars on the newest ${TREND_MARKED_RUNS} (the table has every run).`
          : ''),
      '',
      ...(trends.addedP99.length > 0 ? [`![Added p99 at ${trends.scope.label}](${HISTORY_CHARTS.addedP99})`, ''] : []),
      ...(trends.dataPlaneMemory.length > 0 ? [`![Data-plane memory at ${trends.scope.label}](${HISTORY_CHARTS.dataPlaneMemory})`] : []),
    );
  }

  out.push('', "## Regressions found by each night's comparison", '');
  const compared = runs.filter((r) => r.compare !== null);
  if (compared.length === 0) {
    out.push(`No run has a stored comparison (${inlineCode('compare.json.gz')}) yet.`);
  } else {
    for (const run of compared) out.push(...regressionLines(run, run.compare!));
  }
  return finish(out, input.skipped);
}

const VERSIONS_COLUMN = 5;

/**
 * A run's versions usually are the next night's: written out on the newest row and wherever they differ from the
 * row above (the next newer run), "as above" elsewhere. The table is rewritten every night and gains a row, and the
 * versions of nine meshes were a third of a row.
 */
function sameVersionsAsAbove(rows: string[][]): string[][] {
  return rows.map((row, i) => {
    const newer = rows[i - 1];
    if (newer === undefined || newer[VERSIONS_COLUMN] !== row[VERSIONS_COLUMN]) return row;
    return row.map((cell, c) => (c === VERSIONS_COLUMN ? 'as above' : cell));
  });
}

function runRow(run: HistoryRun, h: RunHeadline): string[] {
  const r = run.record;
  const commit = r.environment.harnessCommit === null ? 'unknown' : `${r.environment.harnessCommit.slice(0, 12)}${r.environment.harnessDirty ? ' (dirty)' : ''}`;
  const lines = (f: (s: RunHeadline['systems'][number]) => string): string => (h.systems.length === 0 ? '–' : h.systems.map(f).join('<br>'));
  const versions = lines((s) => `${s.system}: ${Object.entries(s.versions).map(([k, v]) => `${k} ${v}`).join(', ') || 'no version reported'}`);
  const added = lines((s) =>
    s.addedP99 === null
      ? `${s.system}: not compared`
      : `${s.system}: ${formatDeltaEstimate(s.addedP99.estimate)} vs ${s.addedP99.against}, p=${formatPValue(s.addedP99.pValue)}`,
  );
  const memory = lines((s) => `${s.system}: ${s.dataPlaneMemoryBytes === null ? 'n/a' : formatBytes(s.dataPlaneMemoryBytes)}`);
  return [
    r.createdAt.replace('T', ' ').replace(/:\d{2}(\.\d+)?Z$/, ''),
    `[${run.dir}](${run.dir}/report.md)`,
    r.scenario.name,
    commit,
    r.status,
    versions,
    `${h.step ? `${h.step.label}:<br>` : ''}${added}`,
    memory,
    regressionCell(run.compare),
  ];
}

function regressionCell(c: NightComparison | null): string {
  if (c === null) return 'not compared';
  if (c.outcome === 'not-judged') return 'nothing could be judged';
  return c.regressions === 0 ? `none (vs ${c.old.runId})` : `**${c.regressions}** (vs ${c.old.runId})`;
}

function regressionLines(run: HistoryRun, c: NightComparison): string[] {
  const head = `### ${run.dir} vs ${c.old.runId}`;
  const rows = c.rows.filter((row) => row.verdict === 'regression');
  if (rows.length === 0) {
    return [head, '', c.outcome === 'not-judged' ? 'Nothing could be judged.' : 'No regression.', ''];
  }
  return [
    head,
    '',
    table(
      ['system', 'step', 'metric', 'old', 'new', 'change', 'p', 'why'],
      rows.map((row) => [
        row.newSystem === row.oldSystem ? row.newSystem : `${row.oldSystem} → ${row.newSystem}`,
        row.step,
        row.metric,
        value(row, row.old.median),
        value(row, row.new.median),
        row.changeFraction ? `${row.changeFraction.value >= 0 ? '+' : ''}${(row.changeFraction.value * 100).toFixed(1)}%` : '–',
        row.pValue === null ? '–' : formatPValue(row.pValue),
        oneLine(row.reason),
      ]),
      ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'l'],
    ),
    '',
  ];
}

function value(row: CompareRow, v: number | null): string {
  if (v === null) return '–';
  switch (row.unit) {
    case 'us':
      return `${round(v, 1)} µs`;
    case 'bytes':
      return formatBytes(v);
    case 'cores':
      return `${round(v, 4)} cores`;
    default:
      return `${round(v, 1)} req/s`;
  }
}

function finish(out: string[], skipped: readonly string[]): string {
  if (skipped.length > 0) {
    out.push('', '## Not read', '', 'These run directories could not be read and are not in the tables above:', '', ...skipped.map((s) => `- ${oneLine(s)}`));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function push<T>(m: Map<string, T[]>, key: string, v: T): void {
  const list = m.get(key);
  if (list) list.push(v);
  else m.set(key, [v]);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
