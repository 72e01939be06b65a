import type { ReportRun as RunResult } from '../report-input.js';
import { CHART_CONFIG, CHART_WIDTH, DATA_MARK, seriesColours, seriesShapes } from './chart-style.js';
import type { ChartStep } from './chart-steps.js';
import type { ChartSpec } from './render-svg.js';
import { outcomeOf } from '../significance.js';

const OFFSET_MIN = 12;

export interface AddedLatencyRow {
  /** `istio-ambient − baseline`: who is compared with whom. */
  pair: string;
  step: string;
  percentile: 'p50' | 'p99';
  deltaMs: number;
  lowMs: number;
  highMs: number;
  /** The comparison's own verdict on this percentile (src/report/significance.ts): drawn filled when significant. */
  significant: boolean;
}

/** The run's comparisons as chart rows: Δp50 and Δp99 with their 95% intervals and verdicts, per pair and step. */
export function addedLatencyRows(r: RunResult, steps: readonly ChartStep[]): AddedLatencyRow[] {
  const label = new Map(steps.map((s) => [s.name, s.label]));
  return r.comparisons.flatMap((c) =>
    (['p50', 'p99'] as const).map((percentile) => {
      const d = percentile === 'p50' ? c.deltaP50Us : c.deltaP99Us;
      return {
        pair: `${c.system} − ${c.reference}`,
        step: label.get(c.step) ?? c.step,
        percentile,
        deltaMs: d.value / 1000,
        lowMs: d.ci95[0] / 1000,
        highMs: d.ci95[1] / 1000,
        significant: outcomeOf(c, percentile) === 'significant',
      };
    }),
  );
}

/**
 * Added latency per compared pair and load: a point at the comparison's estimate and a bar over its 95% interval, p50
 * above p99 (each with its own y scale: p99 differences are often ten times p50's), a line at zero. The point is
 * filled when the comparison called the difference significant, hollow when not (the report's table says why).
 */
export function addedLatencyChartSpec(rows: readonly AddedLatencyRow[], steps: readonly ChartStep[]): ChartSpec {
  const pairs = [...new Set(rows.map((row) => row.pair))];
  const order = [...new Set([...steps.map((s) => s.label), ...rows.map((row) => row.step)])].filter((l) =>
    rows.some((row) => row.step === l),
  );
  const color = { field: 'pair', type: 'nominal' as const, title: 'system − reference', scale: seriesColours(pairs) };
  const x = { field: 'step', type: 'nominal' as const, title: 'load step', sort: order, axis: { labelAngle: 0 } };
  const xOffset = { field: 'pair', type: 'nominal' as const, title: 'system − reference', sort: pairs };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Added latency with 95% intervals',
    config: CHART_CONFIG,
    data: { values: [...rows] },
    facet: {
      row: {
        field: 'percentile',
        type: 'nominal',
        title: null,
        sort: ['p50', 'p99'],
        header: { labelExpr: "'Δ' + datum.value", labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontWeight: 'bold' },
      },
    },
    resolve: { scale: { y: 'independent' } },
    spec: {
      // The step is each point's own band within its load step (vega-lite sizes offset bands by it): at least
      // OFFSET_MIN pixels, so that many pairs stay apart; the panels stack, so the whole width is theirs.
      width: { step: Math.max(OFFSET_MIN, Math.floor(CHART_WIDTH / Math.max(1, order.length * pairs.length))) },
      height: 220,
      layer: [
        {
          // One zero line per panel: the count collapses the panel's rows, else a line is drawn under every point.
          transform: [{ aggregate: [{ op: 'count', as: 'rows' }] }],
          mark: { type: 'rule', color: '#555555', strokeDash: [4, 3], ...DATA_MARK },
          encoding: { y: { datum: 0, type: 'quantitative' } },
        },
        {
          mark: { type: 'rule', strokeWidth: 2, ...DATA_MARK },
          encoding: {
            x,
            xOffset,
            y: { field: 'lowMs', type: 'quantitative', title: 'added latency (ms)' },
            y2: { field: 'highMs' },
            color,
          },
        },
        // Each estimate drawn once: an outline where the difference is not significant, and where it is the same
        // outline filled in (its stroke the fill's colour, so it covers what an outline under a filled copy did).
        ...[false, true].map((filled) => ({
          transform: [{ filter: filled ? 'datum.significant' : '!datum.significant' }],
          mark: { type: 'point' as const, filled, size: 60, strokeWidth: 1.5, opacity: 1, ...DATA_MARK },
          encoding: {
            x,
            xOffset,
            y: { field: 'deltaMs', type: 'quantitative' as const, title: 'added latency (ms)' },
            color,
            ...(filled ? { stroke: color } : {}),
            shape: { field: 'pair', type: 'nominal' as const, title: 'system − reference', scale: seriesShapes(pairs) },
          },
        })),
      ],
    },
  };
}
