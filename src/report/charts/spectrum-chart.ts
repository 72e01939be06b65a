import { coarsenHistogram, decodeHistogram } from '../../analysis/histogram.js';
import type { ReportRun as RunResult } from '../report-input.js';
import { CHART_CONFIG, CHART_HEIGHT, CHART_WIDTH, DATA_MARK, seriesColours } from './chart-style.js';
import { findStep, type ChartStep } from './chart-steps.js';
import { logAxis } from './log-ticks.js';
import { NINES_LABEL_EXPR, NINES_TICKS, NINES_TOP, nines, percentileAt, spectrumGrid } from './nines-scale.js';
import type { ChartSpec } from './render-svg.js';

export interface SpectrumLine {
  system: string;
  /** Requests behind the line (all valid repetitions merged). */
  count: number;
  points: { nines: number; latencyUs: number }[];
}

/**
 * The precision the spectrum is read at: that of the compact record's merged histograms
 * (RECORD_HISTOGRAM_SIGNIFICANT_DIGITS, src/history/record-schema.ts, which this layer cannot import), so the chart
 * redrawn from a night's committed record.json is the one drawn from its full results.json, byte for byte. A 1% step
 * in latency cannot be seen on a log axis spanning decades.
 */
export const SPECTRUM_SIGNIFICANT_DIGITS = 2;

/**
 * Each system's latency at p50 … p99.99 at one step, read from the step's merged histogram (all valid repetitions).
 * A system without valid repetitions at the step has no line. Latencies of 0 µs (sub-microsecond, rounded) cannot sit
 * on the log axis and are left out rather than moved.
 */
export function spectrumLines(r: RunResult, step: ChartStep): SpectrumLine[] {
  return r.systems.flatMap((sys) => {
    const a = findStep(sys, step.name)?.aggregate;
    if (!a || a.validRepetitions === 0 || !a.mergedHistogram) return [];
    const h = coarsenHistogram(decodeHistogram(a.mergedHistogram), SPECTRUM_SIGNIFICANT_DIGITS);
    const count = h.totalCount;
    const points = spectrumGrid(count)
      .map((n) => ({ nines: n, latencyUs: h.getValueAtPercentile(percentileAt(n)) }))
      .filter((p) => p.latencyUs > 0);
    return points.length === 0 ? [] : [{ system: sys.id, count, points }];
  });
}

/**
 * The latency spectrum of one step: x is the percentile on a "nines" axis (p50 … p99.99, evenly spaced per nine), y the
 * latency on a log axis (tails are often ten times the median; a linear axis would flatten every median into one line).
 */
export function spectrumChartSpec(step: ChartStep, lines: readonly SpectrumLine[], systems: readonly string[]): ChartSpec {
  const rows = lines.flatMap((l) =>
    l.points.map((p) => ({
      system: l.system,
      nines: round(p.nines, 6),
      percentile: round(percentileAt(p.nines), 6),
      latencyMs: p.latencyUs / 1000,
    })),
  );
  const colours = seriesColours(systems);
  const y = logAxis(rows.map((row) => row.latencyMs));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Latency percentiles at ${step.label} (${step.name})`,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    config: CHART_CONFIG,
    data: { values: rows },
    mark: { type: 'line', ...DATA_MARK },
    encoding: {
      x: {
        field: 'nines',
        type: 'quantitative',
        title: 'percentile',
        scale: { type: 'linear', domain: [round(nines(0.5), 6), NINES_TOP], nice: false, zero: false },
        axis: { values: NINES_TICKS.map((n) => round(n, 6)), labelExpr: NINES_LABEL_EXPR, grid: true },
      },
      y: {
        field: 'latencyMs',
        type: 'quantitative',
        title: 'latency (ms, log scale)',
        scale: { type: 'log', nice: false, ...(y ? { domain: y.domain } : {}) },
        axis: { format: '~g', ...(y ? { values: y.ticks } : {}) },
      },
      color: {
        field: 'system',
        type: 'nominal',
        title: 'system',
        scale: colours,
        legend: { values: lines.map((l) => l.system) },
      },
      detail: { field: 'system' },
    },
  };
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
