import type { ReportRun as RunResult, ReportSystem as SystemResult } from './report-input.js';
import { inlineCode, oneLine, table } from './format.js';
import { renderVerdicts } from './render-verdicts.js';

/** A failure message longer than this is cut in the summary; the report and results.json keep it whole. */
const MESSAGE_CHARS = 200;

/**
 * The short markdown a CI job appends to `$GITHUB_STEP_SUMMARY` (`bench report --summary results.json`): the run's
 * status per system, the verdict table with a sentence per system, and where the full report is. A pure function of
 * the result and the report's location, like report.md, so a merged run's summary is rendered the same way.
 */
export function renderJobSummary(result: RunResult, where: { report: string }): string {
  const completed = result.systems.filter((s) => s.status === 'completed').length;
  const lines = [
    `## mesh-bench ${oneLine(result.scenario.name)}: run ${result.status}`,
    '',
    `Run ${inlineCode(result.runId)}: ${completed} of ${result.systems.length} ${result.systems.length === 1 ? 'system' : 'systems'} completed.`,
  ];
  if (result.systems.length > 0) {
    lines.push(
      '',
      table(
        ['system', 'status', 'valid repetitions'],
        result.systems.map((s) => [s.id, statusCell(s), validCell(s)]),
        ['l', 'l', 'r'],
      ),
    );
  }
  lines.push('', renderVerdicts(result, { heading: '###', shortLegend: true }));
  lines.push('', `Full report: ${inlineCode(where.report)}`);
  return `${lines.join('\n')}\n`;
}

function statusCell(s: SystemResult): string {
  if (s.status === 'completed' || !s.failure) return s.status;
  const message = oneLine(s.failure.message);
  const cut = message.length > MESSAGE_CHARS ? `${message.slice(0, MESSAGE_CHARS - 1)}…` : message;
  return `${s.status} at ${inlineCode(s.failure.step)}: ${cut}`;
}

/** Valid of all repetitions over every step: `10/10`; `0/0` when nothing ran. */
function validCell(s: SystemResult): string {
  const valid = s.steps.reduce((n, st) => n + st.aggregate.validRepetitions, 0);
  const all = s.steps.reduce((n, st) => n + st.repetitions.length, 0);
  return `${valid}/${all}`;
}
