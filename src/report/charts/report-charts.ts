import type { ReportRun as RunResult } from '../report-input.js';
import { addedLatencyChartSpec, addedLatencyRows } from './added-latency-chart.js';
import { chartSteps } from './chart-steps.js';
import { chartSelection } from './chart-systems.js';
import { distinctRates, latencyLoadChartSpec, latencyLoadRows } from './latency-load-chart.js';
import { memoryChartSpec, memoryRows, memoryStep } from './memory-chart.js';
import { headlineLoadStep } from '../headline-step.js';
import { renderSvg, type ChartSpec } from './render-svg.js';
import { spectrumChartSpec, spectrumLines } from './spectrum-chart.js';

/** Where a run's charts go, relative to its report.md. */
export const CHARTS_DIR = 'charts';

export type ChartKind = 'spectrum' | 'added-latency' | 'latency-vs-load' | 'memory';

/**
 * One chart of a report: drawn (with its file) when the result has its data, else the sentence that says why not. The
 * alt text is what a screen reader gives for the chart (report.md embeds it as an image, whose inside a browser does
 * not expose, and its data marks carry no labels: chart-style.ts, DATA_MARK): what is drawn against what, and the
 * series by name; the numbers are in the report's tables.
 */
export type PlannedChart =
  | { kind: ChartKind; drawn: true; path: string; alt: string; spec: ChartSpec }
  | { kind: ChartKind; drawn: false; missing: string };

/**
 * Every chart of a run's report, as a pure and synchronous function of the result: the markdown links to the
 * planned paths (so renderMarkdown stays pure and synchronous) and renderChartFiles draws exactly these files.
 * File names come from the step names (`charts/spectrum-rate-1000.svg`), never from anything outside the result.
 */
export function planCharts(run: RunResult): PlannedChart[] {
  const steps = chartSteps(run);
  // A crowded run draws what its verdict is about (chart-systems.ts); the steps are still every step of the run.
  const selection = chartSelection(run);
  const drawn = new Set(selection.systems);
  const r: RunResult = { ...run, systems: run.systems.filter((s) => drawn.has(s.id)), comparisons: selection.comparisons };
  const systems = selection.systems;
  const out: PlannedChart[] = [];

  // A crowded run draws its spectrum at the headline step alone (the one the history follows): four spectra of ten
  // lines each were a third of a night's charts, and every step's percentiles are in the report's tables.
  const crowded = selection.leftOut.length > 0 || selection.comparisonsLeftOut > 0;
  const headline = crowded ? headlineLoadStep(steps.flatMap((s) => (s.config ? [{ ...s.config, step: s }] : []))) : undefined;
  const spectrumSteps = headline ? [headline.step] : steps;
  for (const step of spectrumSteps) {
    const lines = spectrumLines(r, step);
    out.push(
      lines.length === 0
        ? { kind: 'spectrum', drawn: false, missing: `${step.name}: no system has valid repetitions at this step.` }
        : {
            kind: 'spectrum',
            drawn: true,
            path: `${CHARTS_DIR}/spectrum-${step.slug}.svg`,
            alt: `Latency percentiles p50 to p99.99 at ${step.label} (${step.name}), one line per system: ${lines.map((l) => l.system).join(', ')}`,
            spec: spectrumChartSpec(step, lines, systems),
          },
    );
  }

  const added = addedLatencyRows(r, steps);
  const comparedSteps = unique([...steps.map((s) => s.label), ...added.map((row) => row.step)]).filter((l) => added.some((row) => row.step === l));
  out.push(
    added.length === 0
      ? { kind: 'added-latency', drawn: false, missing: 'No comparison was made, so there is no added latency to chart.' }
      : {
          kind: 'added-latency',
          drawn: true,
          path: `${CHARTS_DIR}/added-latency.svg`,
          alt:
            `Added p50 and p99 latency (ms) with 95% intervals at each load step (${comparedSteps.join(', ')}), ` +
            `a point per compared pair: ${unique(added.map((row) => row.pair)).join(', ')}; filled where the difference is significant, hollow where not`,
          spec: addedLatencyChartSpec(added, steps),
        },
  );

  const load = latencyLoadRows(r, steps);
  out.push(
    distinctRates(load).length < 2
      ? { kind: 'latency-vs-load', drawn: false, missing: 'Fewer than two rate steps have valid repetitions, so there is no latency-against-load curve.' }
      : {
          kind: 'latency-vs-load',
          drawn: true,
          path: `${CHARTS_DIR}/latency-vs-load.svg`,
          alt:
            `Median p50 and p99 latency (ms, log scale) with 95% intervals against offered load (${distinctRates(load).join(', ')} req/s, log scale), ` +
            `one line per system: ${unique(load.map((row) => row.system)).join(', ')}`,
          spec: latencyLoadChartSpec(load, systems),
        },
  );

  const memStep = memoryStep(r, steps);
  const mem = memStep ? memoryRows(r, memStep) : [];
  out.push(
    !memStep || mem.length === 0
      ? { kind: 'memory', drawn: false, missing: 'No step has resource data (only cluster runs scrape the kubelets), so there is no memory chart.' }
      : {
          kind: 'memory',
          drawn: true,
          path: `${CHARTS_DIR}/memory-${memStep.slug}.svg`,
          alt:
            `Working-set memory (MiB) per role (${unique(mem.map((row) => row.role)).join(', ')}) stacked per system at ${memStep.label} (${memStep.name}): ` +
            unique(mem.map((row) => row.system)).join(', '),
          spec: memoryChartSpec(memStep, mem),
        },
  );
  return out;
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/** The SVG of every drawn chart, paths relative to the report's directory. Same result, same bytes. */
export async function renderChartFiles(r: RunResult): Promise<{ path: string; svg: string }[]> {
  const files: { path: string; svg: string }[] = [];
  // One at a time: vega's SVG id counters are global, and renderSvg resets them per chart.
  for (const chart of planCharts(r)) {
    if (chart.drawn) files.push({ path: chart.path, svg: await renderSvg(chart.spec) });
  }
  return files;
}
