import type { Comparison, ShiftTest } from '../core/result-schema.js';
import type { ReportRun as RunResult } from './report-input.js';
import { isCrowded } from './crowded-run.js';
import { formatDeltaEstimate, formatMicros, formatPValue, table } from './format.js';

/**
 * The "## Added latency" table for comparisons written with the robust test (issue 12: `statistic` set): per step and
 * pair, the Hodges–Lehmann shift of p50 and p99 with its interval and the exact rank-sum p, the verdict in words —
 * "no significant difference" reads "no difference larger than X", X the minimum detectable difference — and beside
 * it which variation the verdict accounts for. Footnotes: what within and across clusters mean, systems whose
 * unmeshed namespace does not isolate the mesh, and coverage warnings under 5 repetitions.
 */
export function renderAddedLatency(r: RunResult): string[] {
  const intro =
    'Each system minus what it is compared with, per step, over per-repetition p50 and p99: the Hodges–Lehmann shift ' +
    '(median of all pairwise differences) with its distribution-free 95% interval, and an exact Wilcoxon–Mann–Whitney ' +
    'test (p). A difference is significant when p < 0.05, its interval excludes 0 and, across clusters, it exceeds ' +
    'the install-to-install spread where one was measured. "No difference larger than X": X is the shift this ' +
    'comparison would have detected 80% of the time, from the spread of its repetitions.';
  if (isCrowded(r)) return [intro, '', ...compactTable(r), '', ...footnotes(r).map((line) => `- ${line}`)];
  const out: string[] = [
    intro,
    '',
    table(
      ['step', 'system − reference', 'Δp50', 'p (p50)', 'Δp99', 'p (p99)', 'verdict', 'scope', 'covers'],
      r.comparisons.map((c) => [
        ...shiftCells(c),
        robustVerdict(c),
        scopeCell(c),
        coversCell(c),
      ]),
      ['l', 'l', 'r', 'r', 'r', 'r', 'l', 'l', 'l'],
    ),
    '',
    ...footnotes(r).map((line) => `- ${line}`),
  ];
  return out;
}

/**
 * A crowded run's table (crowded-run.ts): the verdict without the shifts the Δ columns already give ("significant",
 * "none > 12 µs"), said once for p50 and p99 when it is the same word, and the repetitions it covers only where the
 * scope does not already say it (the footnotes below do); n once under the table when every comparison has the same.
 */
function compactTable(r: RunResult): string[] {
  const ns = new Set(r.comparisons.map((c) => repetitionsText(c)));
  const sameN = ns.size === 1 ? [...ns][0]! : null;
  const covers = r.comparisons.some((c) => c.scope !== 'within-cluster' && (c.p50?.installSpread ?? c.p99?.installSpread));
  const verdict = (c: Comparison): string => {
    const n = sameN === null ? ` at ${repetitionsText(c)}` : '';
    const p50 = c.p50 ? compactVerdict(c.p50, n) : null;
    const p99 = c.p99 ? compactVerdict(c.p99, n) : null;
    if (p50 !== null && p50 === p99) return `p50, p99: ${p50}`;
    return [p50 && `p50: ${p50}`, p99 && `p99: ${p99}`].filter((v): v is string => v !== null).join('; ');
  };
  return [
    table(
      ['step', 'system − reference', 'Δp50', 'p (p50)', 'Δp99', 'p (p99)', 'verdict', 'scope', ...(covers ? ['covers'] : [])],
      r.comparisons.map((c) => [
        ...shiftCells(c),
        verdict(c),
        scopeCell(c),
        ...(covers ? [coversCell(c)] : []),
      ]),
      ['l', 'l', 'r', 'r', 'r', 'r', 'l', 'l', ...(covers ? (['l'] as const) : [])],
    ),
    '',
    `*significant*: as defined above, in the direction of Δ; *none > X*: no difference larger than X${sameN === null ? '' : ` at ${sameN}`}; ` +
      `*within installs (±X)*: within install-to-install variation.${covers ? '' : ' What each scope covers is below.'}`,
  ];
}

function repetitionsText(c: Comparison): string {
  const { reference, system } = c.repetitions;
  return reference === system ? `n=${reference}` : `n=${reference} vs ${system}`;
}

/** metricVerdict without the shift (the Δ column has it) and without n when the table states it once. */
function compactVerdict(t: ShiftTest, n: string): string {
  if (t.outcome === 'significant') return 'significant';
  if (t.outcome === 'within-install-variation') return `within installs (±${formatMicros(t.installSpread?.spreadUs ?? 0)})`;
  if (t.minimumDetectableUs === null) return `not significant${n} (cannot reach p < 0.05)`;
  if (t.minimumDetectableUs === 0) return `no difference${n} (repetitions without spread)`;
  return `none > ${formatMicros(t.minimumDetectableUs)}${n}`;
}

/** Plain words for a robust comparison, p50 then p99. */
export function robustVerdict(c: Comparison): string {
  const { reference, system } = c.repetitions;
  const n = reference === system ? `n=${reference}` : `n=${reference} vs ${system}`;
  const p50 = c.p50 ? metricVerdict('p50', c.p50, n) : null;
  const p99 = c.p99 ? metricVerdict('p99', c.p99, n) : null;
  return [p50, p99].filter((v): v is string => v !== null).join('; ');
}

function metricVerdict(metric: 'p50' | 'p99', t: ShiftTest, n: string): string {
  if (t.outcome === 'significant') {
    const v = t.shift.value;
    return `${v >= 0 ? `adds ${formatMicros(v)}` : `saves ${formatMicros(-v)}`} at ${metric} (significant)`;
  }
  if (t.outcome === 'within-install-variation') {
    const spread = t.installSpread?.spreadUs ?? 0;
    return `${metric}: within install-to-install variation (±${formatMicros(spread)})`;
  }
  if (t.minimumDetectableUs === null) return `${metric}: no significant difference at ${n} (cannot reach p < 0.05)`;
  // Repetitions without any spread (identical values) leave nothing to scale a detectable difference by.
  if (t.minimumDetectableUs === 0) return `${metric}: no difference at ${n} (repetitions without spread)`;
  return `${metric}: no difference larger than ${formatMicros(t.minimumDetectableUs)} at ${n}`;
}

function scopeCell(c: Comparison): string {
  if (c.scope === 'within-cluster') return c.withinCluster && !c.withinCluster.isolatesMesh ? 'within cluster¹' : 'within cluster';
  return 'across clusters';
}

function coversCell(c: Comparison): string {
  if (c.scope === 'within-cluster') return 'repetitions (no install effect)';
  const spread = c.p50?.installSpread ?? c.p99?.installSpread;
  if (spread) return `repetitions + installs (${spread.source})`;
  return 'repetitions only, not installs';
}

function footnotes(r: RunResult): string[] {
  const notes: string[] = [];
  const within = r.comparisons.filter((c) => c.scope === 'within-cluster');
  const across = r.comparisons.filter((c) => c.scope !== 'within-cluster');
  if (within.length > 0) {
    notes.push(
      '*within cluster*: a mesh against its own unmeshed namespace, measured interleaved on the same install, so what ' +
        'is particular to that install is common to both sides.',
    );
  }
  if (across.length > 0) {
    const single = across.filter((c) => !(c.p50?.installSpread ?? c.p99?.installSpread));
    const oneInstall =
      'anything particular to an install (pod placement, CPU pinning, CNI state) reads as a difference between ' +
      'systems: these verdicts do not cover install-to-install variation (scenario `installs` ≥ 2 does).';
    notes.push(
      single.length === 0
        ? '*across clusters*: separate installs; each verdict includes the install-to-install spread named in *covers*.'
        : single.length === across.length
          ? `*across clusters*: separate installs, one per side in this run, so ${oneInstall}`
          : `*across clusters*: separate installs; where *covers* says "repetitions only" there is one per side, so ${oneInstall}`,
    );
  }
  const caveats = new Map<string, string>();
  for (const c of within) {
    if (c.withinCluster && !c.withinCluster.isolatesMesh) caveats.set(c.system, c.withinCluster.means);
  }
  for (const [system, means] of caveats) notes.push(`¹ ${system}: ${means}.`);
  const warnings = new Set<string>();
  for (const c of r.comparisons) {
    for (const t of [c.p50, c.p99]) if (t?.coverageWarning) warnings.add(t.coverageWarning);
  }
  for (const w of warnings) notes.push(`Coverage: ${w}.`);
  return notes;
}

/** The cells every added-latency table opens a comparison's row with: step, pair, Δp50 and its p, Δp99 and its p. */
export function shiftCells(c: Comparison): string[] {
  return [
    c.step,
    `${c.system} − ${c.reference}`,
    formatDeltaEstimate(c.deltaP50Us),
    formatPValue(c.pValueP50),
    formatDeltaEstimate(c.deltaP99Us),
    formatPValue(c.pValueP99),
  ];
}
