import type { ReportRun as RunResult } from '../report-input.js';
import { CHART_CONFIG, CHART_WIDTH, DATA_MARK, seriesColours, seriesShapes } from './chart-style.js';
import { findStep, type ChartStep } from './chart-steps.js';
import { logAxis } from './log-ticks.js';
import type { ChartSpec } from './render-svg.js';

export interface LoadRow {
  system: string;
  rate: number;
  percentile: 'p50' | 'p99';
  latencyMs: number;
  lowMs: number;
  highMs: number;
}

/** Median p50 and p99 with their intervals at every rate step a system has valid repetitions at. */
export function latencyLoadRows(r: RunResult, steps: readonly ChartStep[]): LoadRow[] {
  const rateSteps = steps.filter((s) => s.config?.mode === 'rate' && s.config.rate !== undefined);
  return r.systems.flatMap((sys) =>
    rateSteps.flatMap((step) => {
      const m = findStep(sys, step.name)?.aggregate.median;
      if (!m) return [];
      return (['p50', 'p99'] as const).map((percentile) => {
        const e = percentile === 'p50' ? m.p50Us : m.p99Us;
        return {
          system: sys.id,
          rate: step.config?.rate ?? 0,
          percentile,
          latencyMs: e.value / 1000,
          lowMs: e.ci95[0] / 1000,
          highMs: e.ci95[1] / 1000,
        };
      });
    }),
  );
}

/** The rates a chart of these rows would have on its x axis: worth a chart from two up. */
export function distinctRates(rows: readonly LoadRow[]): number[] {
  return [...new Set(rows.map((row) => row.rate))].sort((a, b) => a - b);
}

/**
 * Latency against offered load: median p50 (top) and p99 (bottom) with 95% intervals, one line per system, over the
 * rate steps only (a closed-loop step has no offered rate to place it at). Both axes are logarithmic: rates usually
 * double from step to step, and a system that saturates bends upwards by decades.
 */
export function latencyLoadChartSpec(rows: readonly LoadRow[], systems: readonly string[]): ChartSpec {
  const rates = distinctRates(rows);
  const present = systems.filter((s) => rows.some((row) => row.system === s));
  const color = {
    field: 'system',
    type: 'nominal' as const,
    title: 'system',
    scale: seriesColours(systems),
    legend: { values: present },
  };
  const x = {
    field: 'rate',
    type: 'quantitative' as const,
    title: 'offered load (req/s, log scale)',
    // Padding keeps the first and last points off the axes.
    scale: { type: 'log' as const, domain: [rates[0] ?? 1, rates[rates.length - 1] ?? 1], nice: false, padding: 12 },
    axis: { values: rates, format: 'd', labelOverlap: true, grid: true },
  };
  const panel = (percentile: 'p50' | 'p99') => {
    const mine = rows.filter((row) => row.percentile === percentile);
    const y = logAxis(mine.flatMap((row) => [row.lowMs, row.highMs, row.latencyMs]));
    const yField = (field: string, title?: string) => ({
      field,
      type: 'quantitative' as const,
      ...(title ? { title } : {}),
      scale: { type: 'log' as const, nice: false, ...(y ? { domain: y.domain } : {}) },
      axis: { format: '~g', ...(y ? { values: y.ticks } : {}) },
    });
    return {
      width: CHART_WIDTH,
      height: 220,
      title: { text: `median ${percentile}`, fontSize: 12, fontWeight: 'bold' as const },
      data: { values: mine },
      encoding: { x, color },
      // The bars' and points' transparency is that of their one paint (stroke, fill), not an `opacity` (which SVG
      // does not inherit): the same picture, said once on the mark's group (render-svg.ts, sharedMarkStyles).
      layer: [
        { mark: { type: 'rule' as const, strokeWidth: 1.5, strokeOpacity: 0.6, ...DATA_MARK }, encoding: { y: yField('lowMs'), y2: { field: 'highMs' } } },
        { mark: { type: 'line' as const, ...DATA_MARK }, encoding: { y: yField('latencyMs', `${percentile} latency (ms, log scale)`) } },
        {
          mark: { type: 'point' as const, filled: true, size: 40, opacity: 1, fillOpacity: 0.7, ...DATA_MARK },
          encoding: {
            y: yField('latencyMs'),
            shape: { field: 'system', type: 'nominal' as const, title: 'system', scale: seriesShapes(systems), legend: { values: present } },
          },
        },
      ],
    };
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Latency against load (rate steps)',
    config: CHART_CONFIG,
    vconcat: [panel('p50'), panel('p99')],
    resolve: { scale: { y: 'independent' } },
  };
}
