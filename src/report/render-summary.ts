import type { ReportRun as RunResult } from './report-input.js';
import { formatMicros, formatRate, formatSignedMicros } from './format.js';
import { verdictSentences } from './render-verdicts.js';
import { verdicts } from './verdict-rows.js';

/**
 * The end-of-run summary `bench run` prints on the terminal (k6's end-of-test summary): per system and step the
 * median p50, p99 and throughput over valid repetitions, how many repetitions were valid, the added latency against
 * what the report's verdict compares each system with (its own unmeshed namespace where it has one, else the
 * reference), the verdict's sentence per system, and the paths written. Pure: a function of the result and the paths.
 * report.md stays the full account; this is what a user reads before opening it.
 */
export function renderSummary(result: RunResult, paths: { json: string; report: string }): string {
  const header = ['system', 'step', 'p50', 'p99', 'throughput', 'valid reps', 'added p50', 'added p99', 'vs'];
  const rows: string[][] = [header];
  const v = verdicts(result);
  for (const system of result.systems) {
    for (const step of system.steps) {
      const a = step.aggregate;
      const m = a.median;
      const cmp = v.rows.find((r) => r.system.id === system.id && r.stepName === step.name)?.headline?.comparison;
      rows.push([
        system.id,
        step.name,
        m ? formatMicros(m.p50Us.value) : '—',
        m ? formatMicros(m.p99Us.value) : '—',
        m ? formatRate(m.throughput.value) : '—',
        `${a.validRepetitions}/${step.repetitions.length}`,
        cmp ? formatSignedMicros(cmp.deltaP50Us.value) : '',
        cmp ? formatSignedMicros(cmp.deltaP99Us.value) : '',
        cmp ? cmp.reference : '',
      ]);
    }
  }
  const lines: string[] = [`run ${result.runId}: ${result.status}`];
  const failed = result.systems.filter((s) => s.failure !== null);
  for (const s of failed) lines.push(`  ${s.id} failed in ${s.failure!.step}: ${s.failure!.message}`);
  if (rows.length > 1) {
    const showAdded = rows.slice(1).some((r) => r[6] !== '');
    const shown = showAdded ? rows : rows.map((r) => r.slice(0, 6));
    // Names (system, step, vs) align left, numbers right.
    const left = (i: number): boolean => i < 2 || i === 8;
    const widths = shown[0]!.map((_, i) => Math.max(...shown.map((r) => r[i]!.length)));
    for (const row of shown) lines.push(`  ${row.map((cell, i) => (left(i) ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd()}`);
    if (showAdded) lines.push("  added: median over repetitions minus that of the system under 'vs', same step");
  }
  // The verdict in words, as report.md opens with it, for systems with a comparison (failures are named above).
  const sentences = verdictSentences(v).filter((_, i) => v.rows.some((r) => r.system === v.systems[i] && r.headline));
  for (const sentence of sentences) lines.push(`  ${sentence}`);
  const invalid = result.systems.flatMap((s) => s.steps).some((st) => st.aggregate.validRepetitions < st.repetitions.length);
  if (invalid) lines.push('  invalid repetitions are excluded from these figures; report.md gives each one\'s reason');
  lines.push(`results: ${paths.json}`);
  lines.push(`report:  ${paths.report}`);
  return `${lines.join('\n')}\n`;
}
