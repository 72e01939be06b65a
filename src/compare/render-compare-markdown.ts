import { table } from '../report/format.js';
import type { CompareReport, CompareRow, Verdict } from './compare-report.js';
import { nightsText } from './compare-runs.js';
import { describeFingerprint } from './fingerprint.js';
import { formatChange, formatFraction } from './format-change.js';

/**
 * The markdown of `bench compare`: a pure function of the CompareReport (itself a pure function of the inputs), so
 * re-rendering the JSON gives the same bytes. It answers first (outcome, then the regressions in sentences), then
 * gives every row per system and step, each saying what its verdict covers.
 */
export function renderCompareMarkdown(report: CompareReport): string {
  const out: string[] = headSection(report);

  const regressions = report.rows.filter((r) => r.verdict === 'regression');
  if (regressions.length) {
    out.push('## Regressions', '');
    for (const row of regressions) out.push(`- ${sentence(row)}`);
    out.push('');
  }
  const improvements = report.rows.filter((r) => r.verdict === 'improvement');
  if (improvements.length) {
    out.push('## Improvements', '');
    for (const row of improvements) out.push(`- ${sentence(row)}`);
    out.push('');
  }

  const withinFloor = report.rows.filter((r) => r.verdict === 'within-noise-floor');
  if (withinFloor.length) {
    out.push('## Within install-to-install variation', '', 'Significant and beyond the threshold, but not beyond the noise floor:', '');
    for (const row of withinFloor) out.push(`- ${sentence(row)} ${row.reason}.`);
    out.push('');
  }

  const groups = [...groupBy(report.rows, (r) => `${r.oldSystem}\u0000${r.newSystem}\u0000${r.step}`).values()];
  out.push('## Latency and throughput', '');
  out.push(
    table(
      ['system', 'step', 'p50', 'p99', 'p99.9', 'throughput', 'covers'],
      groups.map((rows) => {
        const cell = (metric: string): string => {
          const r = rows.find((x) => x.metric === metric);
          return r ? changeCell(r) : '—';
        };
        const first = rows[0] as CompareRow;
        return [who(first), first.step, cell('p50'), cell('p99'), cell('p999'), cell('throughput'), shortCovers(first, report)];
      }),
    ),
    '',
  );
  const resourceRows = report.rows.filter((r) => r.kind === 'memory' || r.kind === 'cpu');
  if (resourceRows.length) {
    out.push('## Memory and CPU per role', '');
    const byRole = [...groupBy(resourceRows, (r) => `${r.oldSystem}\u0000${r.newSystem}\u0000${r.step}\u0000${r.role ?? ''}`).values()];
    out.push(
      table(
        ['system', 'step', 'role', 'memory', 'CPU'],
        byRole.map((rows) => {
          const first = rows[0] as CompareRow;
          const cell = (kind: 'memory' | 'cpu'): string => {
            const r = rows.find((x) => x.kind === kind);
            return r ? changeCell(r) : '—';
          };
          return [who(first), first.step, first.role ?? '', cell('memory'), cell('cpu')];
        }),
      ),
      '',
    );
  }
  out.push(
    'Each cell: new − old (the change in %), then the verdict; "could see ≥ x" is the smallest change the test would have ' +
      'detected (80% power), so "not significant" reads as "no change larger than x". Every figure, interval and ' +
      'p-value is in the JSON (--json).',
    '',
  );
  const warnings = [...new Set(report.rows.map((r) => r.coverageWarning).filter((w): w is string => w !== null))];
  for (const warning of warnings) out.push(`Note: ${warning}.`);
  if (warnings.length) out.push('');
  const runners = report.pairs.filter((p) => !p.sameMachine || report.old.perSystemRunners || report.new.perSystemRunners);
  if (runners.length) {
    out.push('## Runners', '');
    out.push(
      table(
        ['system', 'old runner', 'new runner', 'same class'],
        runners.map((p) => [
          p.oldSystem === p.newSystem ? p.newSystem : `${p.oldSystem} → ${p.newSystem}`,
          describeFingerprint(p.oldRunner),
          describeFingerprint(p.newRunner),
          p.sameMachine ? 'yes' : 'no: not judged unless --allow-different-machines',
        ]),
      ),
      '',
    );
  }

  out.push(...notesSection(report));
  return `${out.join('\n').trimEnd()}\n`;
}

/** The `## Notes` section (the report's notes and the history runs skipped), or nothing when there are none. */
export function notesSection(report: { notes: readonly string[]; history: { skipped: readonly string[] } | null }): string[] {
  const skipped = report.history?.skipped ?? [];
  if (report.notes.length === 0 && skipped.length === 0) return [];
  return ['## Notes', '', ...report.notes.map((note) => `- ${note}`), ...skipped.map((file) => `- history: skipped ${file}`), ''];
}

export const VERDICT_LABELS: Record<Verdict, string> = {
  regression: '**regression**',
  improvement: 'improvement',
  'within-noise-floor': 'within noise floor',
  'below-threshold': 'below threshold',
  'not-significant': 'not significant',
  'not-judged': 'not judged',
};

/** Title, outcome, the two runs side by side and the gate: how the full and the compact markdown both open. */
export function headSection(
  report: Pick<CompareReport, 'mode' | 'old' | 'new' | 'outcome' | 'regressions' | 'sameMachine' | 'gate' | 'history' | 'statistic'>,
): string[] {
  const title = report.mode === 'runs' ? 'Comparison of two runs' : 'Comparison of two systems of one run';
  return [
    `# ${title}`,
    '',
    outcomeLine(report),
    '',
    table(
      ['', 'old', 'new'],
      [
        ['run', report.old.runId, report.new.runId],
        ['created', report.old.createdAt, report.new.createdAt],
        ['scenario', report.old.scenario, report.new.scenario],
        ['runner', runnerCell(report.old), runnerCell(report.new)],
      ],
    ),
    '',
    gateParagraph(report),
    '',
  ];
}

export function runnerCell(side: CompareReport['old']): string {
  return side.perSystemRunners ? 'one per system (merged run; see each row)' : describeFingerprint(side.fingerprint);
}

/** The first line: the outcome and the exit code. */
export function outcomeLine(report: Pick<CompareReport, 'outcome' | 'regressions' | 'sameMachine'>): string {
  switch (report.outcome) {
    case 'regression':
      return `**Outcome: ${report.regressions} ${report.regressions === 1 ? 'regression' : 'regressions'}** (exit code 5).`;
    case 'not-judged':
      return report.sameMachine
        ? '**Outcome: nothing could be judged** (no valid repetitions to compare).'
        : '**Outcome: not judged**: the runs were measured on different machines (--allow-different-machines to judge anyway).';
    case 'clean':
      return '**Outcome: no regression.**';
  }
}

/** What makes a regression, the test, and the history read. */
export function gateParagraph(report: Pick<CompareReport, 'gate' | 'history' | 'statistic' | 'sameMachine'>): string {
  const g = report.gate;
  const history = report.history
    ? `History: ${report.history.runs} ${report.history.runs === 1 ? 'run' : 'runs'} read` +
      (report.history.skipped.length ? `, ${report.history.skipped.length} skipped (listed in the notes)` : '') +
      '; a noise floor needs 3 earlier nights of the same system, scenario step and runner class.'
    : 'No history given (--history): install-to-install variation is not accounted for.';
  return [
    `A change is a regression when it is worse by more than ${formatFraction(g.latencyFraction, false)} and ` +
      `${formatChange(g.latencyMinUs, 'us', false)} (latency), ${formatFraction(g.memoryFraction, false)} (memory), ` +
      `${formatFraction(g.cpuFraction, false)} (CPU) or a ${formatFraction(g.throughputFraction, false)} drop (throughput), ` +
      `is significant (p < ${g.alpha}), and exceeds the noise floor from history when one is known.`,
    `Test: ${report.statistic}.`,
    history,
    ...(report.sameMachine ? [] : [`Different machines${g.allowDifferentMachines ? ': judged anyway (--allow-different-machines), every verdict labelled' : ''}.`]),
  ].join('\n');
}

/** The fields of a row its sentence reads. */
export type SentenceRow = Pick<CompareRow, 'oldSystem' | 'newSystem' | 'step' | 'metric' | 'kind' | 'role' | 'unit' | 'change' | 'changeFraction' | 'pValue' | 'covers'>;

/** One row in words, with its interval, p-value and what it covers (`covers`: the row's own words, or a key to them). */
export function sentence(r: SentenceRow, covers = r.covers): string {
  const who = r.oldSystem === r.newSystem ? r.newSystem : `${r.newSystem} vs ${r.oldSystem}`;
  const change = r.change
    ? `${formatChange(r.change.value, r.unit)} [${formatChange(r.change.ci95[0], r.unit)}, ${formatChange(r.change.ci95[1], r.unit)}]`
    : '';
  const pct = r.changeFraction ? ` (${formatFraction(r.changeFraction.value)})` : '';
  const p = r.pValue === null ? '' : `, p=${formatP(r.pValue)}`;
  return `${who} ${r.step} ${metricLabel(r)}: ${change}${pct}${p}; covers ${covers}.`;
}

function metricLabel(r: Pick<CompareRow, 'kind' | 'metric' | 'role'>): string {
  switch (r.kind) {
    case 'latency':
      return r.metric === 'p999' ? 'p99.9' : r.metric;
    case 'throughput':
      return 'throughput';
    case 'memory':
      return `memory ${r.role ?? ''}`.trim();
    case 'cpu':
      return `CPU ${r.role ?? ''}`.trim();
  }
}

/** The covers column, short: same runner or not, and where install-to-install variation came from, if anywhere. */
function shortCovers(r: CompareRow, report: CompareReport): string {
  if (r.scope === 'within-cluster') return 'within one cluster';
  const machine = r.sameMachine ? 'same runner' : 'different machines';
  const nights = Math.min(r.noiseFloor.oldNights, r.noiseFloor.newNights);
  const sources = [
    r.noiseFloor.fromInstalls ? `installs (${r.noiseFloor.fromInstalls.source})` : null,
    r.noiseFloor.floor !== null ? `history (${nightsText(nights)})` : null,
  ].filter((x): x is string => x !== null);
  const floor = sources.length
    ? `install spread from ${sources.join(' and ')}`
    : report.history === null
      ? 'no history'
      : `no noise floor (${nightsText(nights)})`;
  return `${machine}; ${floor}`;
}

/** One metric in a table cell: `+250 µs (+25.0%) **regression**`, `+7 µs (+0.6%) not significant (could see ≥ 363 µs)`. */
function changeCell(r: CompareRow): string {
  if (!r.change) return `— ${VERDICT_LABELS[r.verdict]}`;
  const pct = r.changeFraction ? ` (${formatFraction(r.changeFraction.value)})` : '';
  const base = `${formatChange(r.change.value, r.unit)}${pct}`;
  switch (r.verdict) {
    case 'not-significant':
      return r.minimumDetectable !== null ? `${base} not significant (could see ≥ ${formatChange(r.minimumDetectable, r.unit, false)})` : `${base} not significant`;
    case 'within-noise-floor':
      return `${base} within noise floor`;
    default:
      return `${base} ${VERDICT_LABELS[r.verdict]}`;
  }
}

function who(r: CompareRow): string {
  return r.oldSystem === r.newSystem ? r.newSystem : `${r.oldSystem} → ${r.newSystem}`;
}

export function formatP(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
