import { z } from 'zod';
import {
  COMPARE_REPORT_KIND,
  COMPARE_REPORT_SCHEMA_VERSION,
  compareRowSchema,
  compareSideSchema,
  fingerprintSchema,
  gateSchema,
  metricKinds,
  verdicts,
  type CompareReport,
  type CompareRow,
  type Fingerprint,
  type MetricKind,
  type Verdict,
} from './compare-report.js';

/**
 * The comparison a night commits (`--compact-json`, `compare.json` beside the night's record): what `bench history`,
 * the committed markdown and a reader need, in a few tens of KB instead of the full report's ~1 MB for a nightly of
 * nine systems (1368 rows). It keeps:
 * - everything about the runs, the gate, the history used and the outcome, as the full report has it;
 * - `rows`: every row the markdown states in a sentence (regression, improvement, within the noise floor), with the
 *   exact figures the gate decided on, its noise floor, reason and what it covers (these are the rows `bench history`
 *   lists), with their intervals; left out of them: what `pairs` or `warnings` already say (same machine, coverage
 *   warning), the scope (in the covers text) and the minimum detectable change;
 * - `table`: one array per row under a header, figures rounded (µs to whole numbers, everything else and p-values to
 *   4 significant digits), repeated strings (systems, steps, metrics, verdicts, what a row covers) once: every latency
 *   and throughput row, and the memory and CPU rows whose change was significant;
 * - `counts`: how many rows of each metric kind got each verdict, so the memory and CPU rows left out are counted.
 * Left out, and said so in `omitted`: each row's interval, noise-floor detail and reason outside `rows`, and the
 * memory and CPU rows that were not significant or not judged. They are in the full report (`--json`, the nightly's
 * artefact), which `bench compare` makes again from the two runs' committed records and the same history (it reads a
 * record as it read the results it came from, and every test is seeded).
 *
 * Same kind and schema version as the full report, told apart by `form: "compact"`: a reader that only needs the
 * outcome and the regressions (src/history/render-history.ts) reads either.
 */
export const COMPACT_FORM = 'compact';

/** The columns of `table.rows`, in order. */
export const COMPACT_TABLE_COLUMNS = ['pair', 'step', 'metric', 'verdict', 'oldMedian', 'change', 'pValue', 'minimumDetectable', 'covers'] as const;

/** The fields of a full row that `rows` keeps. */
const COMPACT_ROW_FIELDS = {
  oldSystem: true,
  newSystem: true,
  step: true,
  metric: true,
  kind: true,
  role: true,
  unit: true,
  old: true,
  new: true,
  change: true,
  changeFraction: true,
  pValue: true,
  noiseFloor: true,
  verdict: true,
  reason: true,
  covers: true,
} as const;
export const compactRowSchema = compareRowSchema.pick(COMPACT_ROW_FIELDS);
export type CompactRow = z.infer<typeof compactRowSchema>;

/** The verdicts stated in sentences, whose rows are kept whole. */
const WHOLE_ROW_VERDICTS: ReadonlySet<Verdict> = new Set(['regression', 'improvement', 'within-noise-floor']);

const index = z.number().int().nonnegative();
const figure = z.number().nullable();
const tableRowSchema = z.tuple([index, index, index, index, figure, figure, figure.refine((p) => p === null || (p >= 0 && p <= 1)), figure, index]);
export type CompactTableRow = z.infer<typeof tableRowSchema>;

const countsSchema = z.object(Object.fromEntries(verdicts.map((v) => [v, index])) as Record<Verdict, typeof index>).strict();

export const compactCompareReportSchema = z
  .object({
    kind: z.literal(COMPARE_REPORT_KIND),
    schemaVersion: z.literal(COMPARE_REPORT_SCHEMA_VERSION),
    form: z.literal(COMPACT_FORM),
    /** What this form leaves out, and where it is, in words. */
    omitted: z.string(),
    mode: z.enum(['runs', 'systems']),
    old: compareSideSchema,
    new: compareSideSchema,
    sameMachine: z.boolean(),
    gate: gateSchema,
    statistic: z.string(),
    history: z
      .object({ runs: index, used: z.array(z.string()), skipped: z.array(z.string()) })
      .strict()
      .nullable(),
    /** Every runner class seen, once; pairs point into it. */
    runners: z.array(fingerprintSchema),
    /** The systems compared: [old system, new system, old runner, new runner] (runner indices into `runners`). */
    pairs: z.array(z.tuple([z.string(), z.string(), index, index])),
    /** Per metric kind, how many rows got each verdict (all rows, listed or not). */
    counts: z.object(Object.fromEntries(metricKinds.map((k) => [k, countsSchema])) as Record<MetricKind, typeof countsSchema>).strict(),
    rows: z.array(compactRowSchema),
    table: z
      .object({
        columns: z.array(z.string()).refine((c) => sameList(c, COMPACT_TABLE_COLUMNS), `must be ${JSON.stringify(COMPACT_TABLE_COLUMNS)}`),
        steps: z.array(z.string()),
        metrics: z.array(z.object({ id: z.string(), kind: z.enum(metricKinds), unit: compareRowSchema.shape.unit }).strict()),
        verdicts: z.array(z.string()).refine((v) => sameList(v, verdicts), `must be ${JSON.stringify(verdicts)}`),
        covers: z.array(z.string()),
        rows: z.array(tableRowSchema),
      })
      .strict(),
    /** The distinct coverage warnings of the rows (e.g. an interval that could not reach 95%). */
    warnings: z.array(z.string()),
    notes: z.array(z.string()),
    regressions: index,
    outcome: z.enum(['clean', 'regression', 'not-judged']),
  })
  .strict()
  .superRefine((report, ctx) => {
    const t = report.table;
    const limits = [report.pairs.length, t.steps.length, t.metrics.length, t.verdicts.length] as const;
    t.rows.forEach((row, i) => {
      [row[0], row[1], row[2], row[3]].forEach((value, c) => {
        if (value >= limits[c]!) ctx.addIssue({ code: 'custom', path: ['table', 'rows', i, c], message: `index ${value} is out of range (${limits[c]} entries)` });
      });
      if (row[8] >= t.covers.length) ctx.addIssue({ code: 'custom', path: ['table', 'rows', i, 8], message: `index ${row[8]} is out of range (${t.covers.length} entries)` });
    });
    report.pairs.forEach((pair, i) => {
      for (const c of [2, 3] as const) {
        if (pair[c] >= report.runners.length) ctx.addIssue({ code: 'custom', path: ['pairs', i, c], message: `index ${pair[c]} is out of range (${report.runners.length} runners)` });
      }
    });
  });
export type CompactCompareReport = z.infer<typeof compactCompareReportSchema>;

/** The compact form of a full report: a pure function of it. */
export function compactCompareReport(report: CompareReport): CompactCompareReport {
  const runners: Fingerprint[] = [];
  const runnerIndex = (f: Fingerprint): number => {
    const i = runners.findIndex((r) => r.cpuModel === f.cpuModel && r.cores === f.cores);
    return i >= 0 ? i : runners.push(f) - 1;
  };
  const pairs: CompactCompareReport['pairs'] = report.pairs.map((p) => [p.oldSystem, p.newSystem, runnerIndex(p.oldRunner), runnerIndex(p.newRunner)]);
  const pairIndex = new Map(pairs.map(([oldSystem, newSystem], i) => [`${oldSystem}\u0000${newSystem}`, i]));
  const steps = new Strings();
  const covers = new Strings();
  const metrics: CompactCompareReport['table']['metrics'] = [];
  const metricIndex = (row: CompareRow): number => {
    const i = metrics.findIndex((m) => m.id === row.metric);
    return i >= 0 ? i : metrics.push({ id: row.metric, kind: row.kind, unit: row.unit }) - 1;
  };
  const counts = Object.fromEntries(metricKinds.map((k) => [k, Object.fromEntries(verdicts.map((v) => [v, 0]))])) as CompactCompareReport['counts'];
  const table: CompactTableRow[] = [];
  for (const row of report.rows) {
    counts[row.kind][row.verdict] += 1;
    if (!inTable(row)) continue;
    const pair = pairIndex.get(`${row.oldSystem}\u0000${row.newSystem}`);
    if (pair === undefined) throw new Error(`compare row ${row.newSystem} ${row.step} ${row.metric} has no pair`);
    table.push([
      pair,
      steps.index(row.step),
      metricIndex(row),
      verdicts.indexOf(row.verdict),
      roundFigure(row.old.median, row.unit),
      roundFigure(row.change?.value ?? null, row.unit),
      row.pValue === null ? null : significant(row.pValue),
      roundFigure(row.minimumDetectable, row.unit),
      covers.index(row.covers),
    ]);
  }
  const left = report.rows.filter((r) => !inTable(r)).length;
  return {
    kind: report.kind,
    schemaVersion: report.schemaVersion,
    form: COMPACT_FORM,
    omitted:
      `table: ${table.length} of the ${report.rows.length} rows (every latency and throughput row, and the memory and CPU rows with a ` +
      `significant change), figures rounded; the other ${left} only in counts. rows: the regressions, improvements and changes ` +
      'within the noise floor, exact. Every row with its interval, noise floor and reason is in the full report ' +
      '(bench compare --json; the nightly keeps it as an artefact), which bench compare recomputes from the same two runs and history',
    mode: report.mode,
    old: report.old,
    new: report.new,
    sameMachine: report.sameMachine,
    gate: report.gate,
    statistic: report.statistic,
    history: report.history,
    runners,
    pairs,
    counts,
    rows: report.rows.filter((r) => WHOLE_ROW_VERDICTS.has(r.verdict)).map(compactRow),
    table: {
      columns: [...COMPACT_TABLE_COLUMNS],
      steps: steps.list,
      metrics,
      verdicts: [...verdicts],
      covers: covers.list,
      rows: table,
    },
    warnings: [...new Set(report.rows.map((r) => r.coverageWarning).filter((w): w is string => w !== null))],
    notes: report.notes,
    regressions: report.regressions,
    outcome: report.outcome,
  };
}

/** A pair of systems as named fields; runners differ by class exactly when their indices differ. */
export interface CompactPair {
  oldSystem: string;
  newSystem: string;
  oldRunner: Fingerprint;
  newRunner: Fingerprint;
  sameMachine: boolean;
}

export function compactPairs(report: CompactCompareReport): CompactPair[] {
  return report.pairs.map(([oldSystem, newSystem, oldRunner, newRunner]) => ({
    oldSystem,
    newSystem,
    oldRunner: report.runners[oldRunner]!,
    newRunner: report.runners[newRunner]!,
    sameMachine: oldRunner === newRunner,
  }));
}

/** One table row as named fields, figures as stored (rounded). */
export interface CompactTableEntry {
  pair: CompactPair;
  step: string;
  metric: CompactCompareReport['table']['metrics'][number];
  verdict: Verdict;
  oldMedian: number | null;
  change: number | null;
  pValue: number | null;
  minimumDetectable: number | null;
  covers: string;
}

/** The table's rows with their indices resolved (the schema checked every index is in range). */
export function tableEntries(report: CompactCompareReport): CompactTableEntry[] {
  const t = report.table;
  const pairs = compactPairs(report);
  return t.rows.map(([pair, step, metric, verdict, oldMedian, change, pValue, minimumDetectable, covers]) => ({
    pair: pairs[pair]!,
    step: t.steps[step]!,
    metric: t.metrics[metric]!,
    verdict: verdicts[verdict]!,
    oldMedian,
    change,
    pValue,
    minimumDetectable,
    covers: t.covers[covers]!,
  }));
}

/**
 * The compact JSON as written: one key per line and one line per table row, whole row and pair, so a diff between
 * two nights points at the row that changed. Parses back to the same value.
 */
export function serializeCompactCompareReport(report: CompactCompareReport): string {
  const list = (items: readonly unknown[]): string => (items.length === 0 ? '[]' : `[\n${items.map((item) => JSON.stringify(item)).join(',\n')}\n]`);
  const lines = Object.entries(report).map(([key, value]) => {
    const name = JSON.stringify(key);
    if (key === 'table') {
      const { rows, ...header } = value as CompactCompareReport['table'];
      const head = Object.entries(header).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
      return `${name}:{\n${[...head, `"rows":${list(rows)}`].join(',\n')}\n}`;
    }
    if ((key === 'rows' || key === 'pairs') && Array.isArray(value)) return `${name}:${list(value)}`;
    return `${name}:${JSON.stringify(value)}`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}

function compactRow(row: CompareRow): CompactRow {
  return Object.fromEntries(Object.keys(COMPACT_ROW_FIELDS).map((key) => [key, row[key as keyof CompactRow]])) as CompactRow;
}

/** Latency and throughput always; memory and CPU only when the test found a significant change. */
function inTable(row: CompareRow): boolean {
  return row.kind === 'latency' || row.kind === 'throughput' || (row.verdict !== 'not-significant' && row.verdict !== 'not-judged');
}

/** µs to whole microseconds (the histograms' resolution); req/s, bytes and cores to 4 significant digits. */
function roundFigure(x: number | null, unit: CompareRow['unit']): number | null {
  if (x === null) return null;
  return unit === 'us' ? Math.round(x) + 0 : significant(x);
}

function significant(x: number): number {
  // `+ 0` turns -0 into 0: JSON would write both as 0, and the value must read back equal.
  return Number(x.toPrecision(4)) + 0;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Strings stored once, referred to by index. */
class Strings {
  readonly list: string[] = [];
  private readonly at = new Map<string, number>();
  index(s: string): number {
    const known = this.at.get(s);
    if (known !== undefined) return known;
    this.at.set(s, this.list.length);
    return this.list.push(s) - 1;
  }
}
