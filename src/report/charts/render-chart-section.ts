import type { ReportRun as RunResult } from '../report-input.js';
import { inlineCode, oneLine } from '../format.js';
import { chartSelection, MAX_CHART_SERIES } from './chart-systems.js';
import { planCharts, type ChartKind, type PlannedChart } from './report-charts.js';

const HEADINGS: Record<ChartKind, { heading: string; what: string }> = {
  spectrum: {
    heading: 'Latency percentiles by step',
    what:
      'Each system\'s latency from p50 to p99.99 at each step, from all its valid repetitions merged. The percentile ' +
      'axis gives each nine the same width (p50, p90, p99, p99.9, p99.99); a line ends early where fewer than one ' +
      'request lies beyond the percentile. Latency on a log axis.',
  },
  'added-latency': {
    heading: 'Added latency',
    what:
      'Each comparison of the table above: its estimate of the added latency (point) and 95% interval (bar), p50 ' +
      'above p99; the point is filled when the comparison found the difference significant, hollow when not. An ' +
      'interval that crosses the dashed zero line is a difference this run could not tell from none.',
  },
  'latency-vs-load': {
    heading: 'Latency against load',
    what: 'Median p50 and p99 with their 95% intervals at each rate step, one line per system; both axes logarithmic.',
  },
  memory: {
    heading: 'Memory per role',
    what:
      'Working-set memory per role, stacked per system, at the busiest step with resource data (every step is in ' +
      'the resource tables above).',
  },
};

const ORDER: readonly ChartKind[] = ['spectrum', 'added-latency', 'latency-vs-load', 'memory'];

/**
 * The report's chart section: an image link per drawn chart (the SVG files sit in `charts/` beside report.md), and a
 * sentence where a chart has no data. Pure, like the rest of the report: it links to the files planCharts names.
 */
export function renderChartSection(r: RunResult): string {
  const planned = planCharts(r);
  // Every step of every system without a valid repetition: one sentence, not four sections of excuses.
  if (!planned.some((c) => c.drawn)) return ['## Charts', '', 'No step has valid repetitions, so there is nothing to chart.'].join('\n');
  const out = [
    '## Charts',
    '',
    `SVG files in ${inlineCode('charts/')} beside this report, drawn from results.json (${inlineCode('bench report')} redraws them).`,
  ];
  const note = crowdedNote(r);
  if (note) out.push('', note);
  for (const kind of ORDER) {
    const mine = planned.filter((c) => c.kind === kind);
    if (mine.length === 0) continue;
    out.push('', `### ${HEADINGS[kind].heading}`, '');
    const drawn = mine.filter((c): c is Extract<PlannedChart, { drawn: true }> => c.drawn);
    const missing = mine.filter((c): c is Extract<PlannedChart, { drawn: false }> => !c.drawn);
    if (drawn.length > 0) {
      out.push(HEADINGS[kind].what);
      for (const c of drawn) out.push('', `![${altText(c.alt)}](${c.path})`);
    }
    if (missing.length > 0) {
      if (drawn.length > 0) out.push('');
      out.push(...missing.map((c) => (mine.length > 1 ? `- ${oneLine(c.missing)}` : oneLine(c.missing))));
    }
  }
  return out.join('\n');
}

/** For a run with more series than colours (chart-systems.ts): what the charts draw and what they leave to the tables. */
function crowdedNote(r: RunResult): string | null {
  const { systems, leftOut, comparisonsLeftOut } = chartSelection(r);
  if (leftOut.length === 0 && comparisonsLeftOut === 0) return null;
  const spectra = planCharts(r).filter((c): c is Extract<PlannedChart, { drawn: true }> => c.kind === 'spectrum' && c.drawn);
  const drawn = [
    ...(leftOut.length > 0 ? [`the systems ${systems.join(', ')}`] : []),
    ...(comparisonsLeftOut > 0 ? ["each system's headline comparison (the verdict table's)"] : []),
  ];
  const spectrum = spectra.length === 1 ? ` The latency spectrum is drawn at the headline step alone (${inlineCode(spectra[0]!.path)}); every step's percentiles are in the tables.` : '';
  const notDrawn = [...leftOut, ...(comparisonsLeftOut > 0 ? [`${comparisonsLeftOut} comparisons`] : [])];
  const last = notDrawn.length > 1 ? `, and ${notDrawn.pop()!}` : '';
  return `More series than the charts' ${MAX_CHART_SERIES} colours: they draw ${drawn.join(' and ')}. Not drawn, but in the tables: ${notDrawn.join(', ')}${last}.${spectrum}`;
}

/** Alt text on one line, with the brackets that would end it escaped. */
function altText(s: string): string {
  return oneLine(s).replace(/[[\]\\]/g, (ch) => `\\${ch}`);
}
