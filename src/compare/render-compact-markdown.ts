import { table } from '../report/format.js';
import { metricKinds, verdicts, type Verdict } from './compare-report.js';
import { compactPairs, tableEntries, type CompactCompareReport, type CompactTableEntry } from './compact-report.js';
import { describeFingerprint } from './fingerprint.js';
import { formatChange, formatFraction } from './format-change.js';
import { headSection, notesSection, sentence, VERDICT_LABELS } from './render-compare-markdown.js';

/**
 * The markdown a night commits beside its compact comparison (`--compact-out`, `compare.md`): a pure function of the
 * compact JSON, so the committed pair always agrees and re-rendering the JSON gives the same bytes. It answers as the
 * full markdown does (outcome, then the regressions, improvements and changes within the noise floor in sentences),
 * then one row per system and step for latency and throughput, the verdict counts per metric kind, the significant
 * memory and CPU changes, and the runners grouped by class, in a few KB per system instead of the full table's ~13.
 */
export function renderCompactMarkdown(report: CompactCompareReport): string {
  const out: string[] = headSection(report);
  const entries = tableEntries(report);
  const resourceRows = total(report, ['memory', 'cpu']);
  const listedResources = entries.filter((e) => e.metric.kind === 'memory' || e.metric.kind === 'cpu');
  out.push(
    `The summary kept beside the run: every latency and throughput row and ${listedResources.length} of ${resourceRows} memory and CPU ` +
      'rows (those with a significant change; every verdict is counted below). Each row\'s interval, noise floor and reason, ' +
      'and the rows not listed, are in the full report (`bench compare --json`; the nightly keeps it as an artefact).',
    '',
  );

  // What each row's verdict covers, in words, once; rows and sentences refer to it by key.
  const coverKeys = new Map<string, string>();
  for (const covers of [...report.table.covers, ...report.rows.map((r) => r.covers)]) {
    if (!coverKeys.has(covers)) coverKeys.set(covers, footnoteKey(coverKeys.size));
  }
  const coverKey = (covers: string): string => coverKeys.get(covers) ?? covers;
  if (coverKeys.size > 0) {
    out.push('What each verdict covers:', '', ...[...coverKeys].map(([covers, key]) => `- ${key} ${covers}`), '');
  }

  const sections: Array<[Verdict, string, string | null]> = [
    ['regression', 'Regressions', null],
    ['improvement', 'Improvements', null],
    ['within-noise-floor', 'Within install-to-install variation', 'Significant and beyond the threshold, but not beyond the noise floor:'],
  ];
  for (const [verdict, title, intro] of sections) {
    const rows = report.rows.filter((r) => r.verdict === verdict);
    if (rows.length === 0) continue;
    out.push(`## ${title}`, '', ...(intro ? [intro, ''] : []));
    for (const row of rows) out.push(`- ${sentence(row, coverKey(row.covers))}${verdict === 'within-noise-floor' ? ` ${row.reason}.` : ''}`);
    out.push('');
  }

  const headline = groupBy(
    entries.filter((e) => e.metric.kind === 'latency' || e.metric.kind === 'throughput'),
    (e) => `${who(e)}\u0000${e.step}`,
  );
  out.push('## Latency and throughput', '');
  if (headline.size === 0) out.push('No latency or throughput row.', '');
  else {
    out.push(
      table(
        ['system', 'step', 'p50', 'p99', 'p99.9', 'throughput', 'covers'],
        [...headline.values()].map((rows) => {
          const cell = (metric: string): string => {
            const e = rows.find((x) => x.metric.id === metric);
            return e ? changeCell(e) : '—';
          };
          const first = rows[0]!;
          return [who(first), first.step, cell('p50'), cell('p99'), cell('p999'), cell('throughput'), [...new Set(rows.map((r) => coverKey(r.covers)))].join(', ')];
        }),
      ),
      '',
    );
  }
  out.push(
    'Each cell: new − old (the change in % of the old median), then the verdict. A cell without a verdict is not ' +
      'significant, and its "≥ x" is the smallest change the test would have detected (80% power): no change larger than x.',
    '',
  );

  out.push('## Verdicts per metric', '');
  out.push(
    table(
      ['metric', ...verdicts.map((v) => VERDICT_LABELS[v].replaceAll('*', ''))],
      metricKinds.filter((k) => total(report, [k]) > 0).map((k) => [k === 'cpu' ? 'CPU' : k, ...verdicts.map((v) => String(report.counts[k][v]))]),
      ['l', ...verdicts.map(() => 'r' as const)],
    ),
    '',
  );
  if (resourceRows > 0) {
    out.push('## Memory and CPU per role', '');
    if (listedResources.length === 0) out.push(`No significant change in any of the ${resourceRows} memory and CPU rows.`, '');
    else {
      out.push(
        table(
          ['system', 'step', 'role', 'metric', 'change'],
          listedResources.map((e) => [who(e), e.step, e.metric.id.replace(/^[^:]*:/, ''), e.metric.kind === 'cpu' ? 'CPU' : 'memory', changeCell(e)]),
        ),
        '',
      );
    }
  }
  for (const warning of report.warnings) out.push(`Note: ${warning}.`);
  if (report.warnings.length) out.push('');

  const runnerGroups = groupBy(
    compactPairs(report).filter((p) => !p.sameMachine || report.old.perSystemRunners || report.new.perSystemRunners),
    (p) => `${describeFingerprint(p.oldRunner)}\u0000${describeFingerprint(p.newRunner)}`,
  );
  if (runnerGroups.size > 0) {
    out.push('## Runners', '');
    out.push(
      table(
        ['systems', 'old runner', 'new runner', 'same class'],
        [...runnerGroups.values()].map((pairs) => {
          const first = pairs[0]!;
          return [
            pairs.map((p) => (p.oldSystem === p.newSystem ? p.newSystem : `${p.oldSystem} → ${p.newSystem}`)).join(', '),
            describeFingerprint(first.oldRunner),
            describeFingerprint(first.newRunner),
            first.sameMachine ? 'yes' : 'no: not judged unless --allow-different-machines',
          ];
        }),
      ),
      '',
    );
  }
  out.push(...notesSection(report));
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * `+250 µs (+25.0%) **regression**`; not significant, the common case, without a word: `-5 µs (-1.6%; ≥ 10 µs)`, the
 * change and the smallest change the test could have seen. From the rounded figures.
 */
function changeCell(e: CompactTableEntry): string {
  if (e.change === null) return `— ${VERDICT_LABELS[e.verdict]}`;
  const unit = e.metric.unit;
  const pct = e.oldMedian !== null && e.oldMedian !== 0 ? formatFraction(e.change / e.oldMedian) : null;
  if (e.verdict === 'not-significant') {
    // A rate step's throughput is its offered rate: unchanged, with nothing to detect, it needs no figures.
    if (e.change === 0 && (e.minimumDetectable ?? 0) === 0) return 'no change';
    const detail = [pct, e.minimumDetectable === null ? null : `≥ ${formatChange(e.minimumDetectable, unit, false)}`].filter((x) => x !== null);
    return `${formatChange(e.change, unit)}${detail.length ? ` (${detail.join('; ')})` : ''}`;
  }
  return `${formatChange(e.change, unit)}${pct === null ? '' : ` (${pct})`} ${e.verdict === 'within-noise-floor' ? 'within noise floor' : VERDICT_LABELS[e.verdict]}`;
}

function who(e: CompactTableEntry): string {
  return e.pair.oldSystem === e.pair.newSystem ? e.pair.newSystem : `${e.pair.oldSystem} → ${e.pair.newSystem}`;
}

function total(report: CompactCompareReport, kinds: ReadonlyArray<keyof CompactCompareReport['counts']>): number {
  return kinds.reduce((sum, k) => sum + verdicts.reduce((s, v) => s + report.counts[k][v], 0), 0);
}

/** a, b, … z, aa, ab, …: keys for the covers footnotes. */
function footnoteKey(i: number): string {
  const letter = String.fromCharCode(97 + (i % 26));
  return `[${i < 26 ? letter : `${footnoteKey(Math.floor(i / 26) - 1).slice(1, -1)}${letter}`}]`;
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
